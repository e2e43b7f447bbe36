"""Destination kinds. Each module has ``Config``, its limits, ``send``, and ``redacted``.

``KINDS`` is the explicit registry (one line per kind, ``kind`` in feeds.toml ↔ module
name); it is checked at import, so a kind missing a member fails loudly instead of
vanishing. Kept import-light: kind modules, ``render``, ``i18n`` and ``model`` only.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Protocol, get_args

import httpx

from syndicator.configbase import DestinationBase
from syndicator.deliver import (
    console,
    discord,
    email,
    matrix,
    mattermost,
    slack,
    teams,
    telegram,
    webhook,
)
from syndicator.errors import ConfigError
from syndicator.model import Message, Receipt

__all__ = ["KINDS", "DestinationKind", "kind_of"]


class DestinationKind(Protocol):
    """What every ``deliver/<kind>.py`` module provides."""

    @property
    def Config(self) -> type[DestinationBase]: ...

    async def send(
        self, config: DestinationBase, message: Message, client: httpx.AsyncClient
    ) -> Receipt: ...

    def redacted(self, config: DestinationBase) -> str:
        """The target with secrets masked, for logs and the CLI."""
        ...


KINDS: dict[str, DestinationKind] = {
    "webhook": webhook,
    "slack": slack,
    "email": email,
    "console": console,
    "discord": discord,
    "teams": teams,
    "mattermost": mattermost,
    "matrix": matrix,
    "telegram": telegram,
}


def kind_of(config: DestinationBase) -> DestinationKind:
    """The module that delivers to ``config``'s kind."""
    name = getattr(config, "kind", None)
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None or not isinstance(config, kind.Config):
        raise ConfigError(f"destinations: {config.name!r} has no known kind ({name!r})")
    return kind


def _check(kinds: Mapping[str, object]) -> None:
    """Every registered module has the members, and its Config's ``kind`` is its key."""
    for name, module in kinds.items():
        config = getattr(module, "Config", None)
        send = getattr(module, "send", None)
        if not (isinstance(config, type) and issubclass(config, DestinationBase)):
            raise TypeError(f"deliver.KINDS[{name!r}]: Config must subclass DestinationBase")
        if not inspect.iscoroutinefunction(send) or not callable(getattr(module, "redacted", None)):
            raise TypeError(f"deliver.KINDS[{name!r}]: needs async send() and redacted()")
        field = config.model_fields.get("kind")
        if field is None or get_args(field.annotation) != (name,):
            raise TypeError(f"deliver.KINDS[{name!r}]: Config.kind must be Literal[{name!r}]")


_check(KINDS)
