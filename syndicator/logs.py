"""Logs are events with fields: one JSON object per line on stderr.

Call sites pass ``extra={"event": "poll.done", "source": …}``; the formatter keeps the known
fields and never anything else, so a secret in some unrelated attribute cannot leak.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

__all__ = ["FIELDS", "JsonFormatter", "configure_logging", "log_event"]

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


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "uvicorn.access", "trafilatura", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def log_event(logger: logging.Logger, level: int, event: str, message: str, **fields: Any) -> None:
    """``log_event(log, INFO, "poll.done", "…", source=…)`` — the one way we log."""
    logger.log(level, message, extra={"event": event, **fields})
