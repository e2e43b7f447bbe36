"""Logs are events with fields on stderr: one JSON object per line, or readable lines when
stderr is a terminal (``SYNDICATOR_LOG_FORMAT=json|console`` overrides the guess).

Call sites pass ``extra={"event": "poll.done", "source": …}``; the formatters keep the known
fields and never anything else, so a secret in some unrelated attribute cannot leak.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

__all__ = ["FIELDS", "ConsoleFormatter", "JsonFormatter", "configure_logging", "log_event"]

FIELDS = (
    "event",
    "source",
    "destination",
    "url",
    "status",
    "attempt",
    "retry_in_s",
    "error_code",
    "items",
    "new",
    "edited",
    "skipped",
    "errors",
    "delivery_id",
    "release_id",
    "lang",
    "title",
    "kind",
    "limit",
    "count",
    "duration_s",
    "path",
    "interval_s",
    "reason",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                payload[name] = value
        payload["message"] = record.getMessage()
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """For a person at a terminal: local time, level, event, message, then ``key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).astimezone()
        event = record.__dict__.get("event") or record.name
        line = f"{when:%H:%M:%S}.{when.microsecond // 1000:03d} {record.levelname:<7} {event:<18}"
        line += f" {record.getMessage()}"
        fields = [
            f"{name}={_plain(value)}"
            for name in FIELDS[1:]
            if (value := record.__dict__.get(name)) is not None
        ]
        if fields:
            line += "  " + " ".join(fields)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _plain(value: object) -> str:
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return json.dumps(text, ensure_ascii=False) if not text or " " in text else text


_FORMAT_ENV = "SYNDICATOR_LOG_FORMAT"


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr: readable when it is a terminal, JSON lines otherwise (or as
    ``SYNDICATOR_LOG_FORMAT`` says: ``json`` or ``console``)."""
    choice = os.environ.get(_FORMAT_ENV, "").strip().lower()
    console = choice == "console" or (choice != "json" and sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ConsoleFormatter() if console else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "uvicorn.access", "trafilatura", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if choice not in ("", "json", "console"):
        log_event(
            logging.getLogger("syndicator"),
            logging.WARNING,
            "log.format_unknown",
            f"{_FORMAT_ENV}={choice!r} is neither json nor console; chose by the terminal",
        )


def log_event(logger: logging.Logger, level: int, event: str, message: str, **fields: Any) -> None:
    """``log_event(log, INFO, "poll.done", "…", source=…)`` — the one way we log."""
    logger.log(level, message, extra={"event": event, **fields})
