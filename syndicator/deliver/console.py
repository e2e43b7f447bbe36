"""Kind ``console``: prints each message to standard output; for local use and the demo."""

from __future__ import annotations

import sys
from typing import Literal

import httpx

from syndicator.configbase import DestinationBase
from syndicator.deliver.render import headline, truncate
from syndicator.model import Message, Receipt

__all__ = ["LEAD_MAX", "Config", "format_block", "redacted", "send"]

LEAD_MAX = 300
_RULE = "─" * 72


class Config(DestinationBase):
    kind: Literal["console"]


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Print one block to stdout (``client`` unused)."""
    _own(config)
    print(format_block(message), file=sys.stdout, flush=True)
    return Receipt(detail="printed")


def redacted(config: DestinationBase) -> str:
    return f"console {_own(config).name} (stdout)"


def format_block(message: Message) -> str:
    labels = message.labels
    lines = [
        _RULE,
        f"{headline(message)} [{message.lang}] · {message.organisation or '-'}",
        message.title,
        message.url,
    ]
    lines += [f"  * {change}" for change in message.changes]  # an update: what changed
    if message.lead:
        lines.append(truncate(" ".join(message.lead.split()), LEAD_MAX))
    lines += [
        f"  {link.label or labels.get('read_more', '')}: {link.url}" for link in message.read_more
    ]
    lines += [f"  [{link.lang or '?'}] {link.url}" for link in message.alternates]
    lines.append(_RULE)
    return "\n".join(lines)


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"console: expected console.Config, got {type(config).__name__}")
    return config
