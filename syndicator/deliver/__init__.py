"""Destination kinds. Each module has ``Config``, its limits, ``send``, and ``redacted``.

A kind whose service can change what it sent also has ``edit(config, message, client)``:
it changes the message or post ``message.remote_id`` names (the id its ``send`` returned
for this release) and returns a Receipt. A kind that can take a post down has
``withdraw(config, message, client)`` the same way. Both are optional; ``can_edit`` and
``can_withdraw`` say whether a kind has them. A kind that can edit only with some
settings (Slack and Mattermost need a bot token, not just a webhook) also has
``editable(config) -> bool``.

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
    wordpress,
)
from syndicator.errors import ConfigError
from syndicator.model import Message, Receipt

__all__ = ["KINDS", "DestinationKind", "can_edit", "can_withdraw", "kind_of"]


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
    "wordpress": wordpress,
}


def kind_of(config: DestinationBase) -> DestinationKind:
    """The module that delivers to ``config``'s kind."""
    name = getattr(config, "kind", None)
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None or not isinstance(config, kind.Config):
        raise ConfigError(f"destinations: {config.name!r} has no known kind ({name!r})")
    return kind


def can_edit(kind: DestinationKind, config: DestinationBase | None = None) -> bool:
    """The kind can change a message it sent (``edit``) — with ``config``'s settings."""
    return inspect.iscoroutinefunction(getattr(kind, "edit", None)) and _editable(kind, config)


def can_withdraw(kind: DestinationKind, config: DestinationBase | None = None) -> bool:
    """The kind can take down or mark a message it sent (``withdraw``)."""
    has = inspect.iscoroutinefunction(getattr(kind, "withdraw", None))
    return has and _editable(kind, config)


def _editable(kind: DestinationKind, config: DestinationBase | None) -> bool:
    editable = getattr(kind, "editable", None)
    return config is None or editable is None or bool(editable(config))


def _check(kinds: Mapping[str, object]) -> None:
    """Every registered module has the members, and its Config's ``kind`` is its key."""
    for name, module in kinds.items():
        config = getattr(module, "Config", None)
        send = getattr(module, "send", None)
        if not (isinstance(config, type) and issubclass(config, DestinationBase)):
            raise TypeError(f"deliver.KINDS[{name!r}]: Config must subclass DestinationBase")
        if not inspect.iscoroutinefunction(send) or not callable(getattr(module, "redacted", None)):
            raise TypeError(f"deliver.KINDS[{name!r}]: needs async send() and redacted()")
        for optional in ("edit", "withdraw"):
            member = getattr(module, optional, None)
            if member is not None and not inspect.iscoroutinefunction(member):
                raise TypeError(f"deliver.KINDS[{name!r}]: {optional}() must be async")
        editable = getattr(module, "editable", None)
        if editable is not None and (
            not callable(editable) or inspect.iscoroutinefunction(editable)
        ):
            raise TypeError(f"deliver.KINDS[{name!r}]: editable() must be a plain function")
        field = config.model_fields.get("kind")
        if field is None or get_args(field.annotation) != (name,):
            raise TypeError(f"deliver.KINDS[{name!r}]: Config.kind must be Literal[{name!r}]")


_check(KINDS)
