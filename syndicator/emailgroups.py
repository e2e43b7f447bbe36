"""Per-recipient languages: an e-mail destination split into one destination per language.

A recipient is a plain address or ``{address = "...", lang = "sv"}``. At the config edge a
destination whose recipients name languages becomes one internal destination per language
group: ``press/sv`` with ``languages = ["sv", <fallback>…]``, ``one_language = true`` and
``locale = "sv"``. Routing, the language wait and ``superseded`` then give each group the
release in its language when it exists, else the fallback, never both; retries, leases
and the outbox need nothing new. The fallback order is the destination's ``languages``
(or, when it has none, the other groups' languages as the recipients list them).
Plain addresses keep the destination's own settings and name; ``check-config`` prints the
groups (``describe_groups``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from syndicator.configbase import DestinationBase, Frozen, Lang

__all__ = [
    "GROUP_SEPARATOR",
    "Recipient",
    "describe_groups",
    "expand_destinations",
]

GROUP_SEPARATOR = "/"  # never in a configured name (configbase.Name), so a group cannot clash
_NAME_MAX = 64  # deliveries.destination is VARCHAR(64)
_ADDRESS = r"^[^@\s<>]+@[^@\s<>]+$"

D = TypeVar("D", bound=DestinationBase)


class Recipient(Frozen):
    """``"a@b.example"`` or ``{address = "a@b.example", lang = "sv"}``."""

    address: str = Field(pattern=_ADDRESS)
    lang: Lang | None = None  # preferred language of the releases this recipient gets

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"address": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # _plain takes a bare address too; pydantic's schema would only show the table.
        return {"anyOf": [{"type": "string", "pattern": _ADDRESS}, handler(core_schema)]}


def expand_destinations(destinations: Sequence[D]) -> tuple[D, ...]:
    """Every destination as it is, except e-mail destinations with recipient languages,
    which become their language groups (in the order the recipients first name them)."""
    expanded: list[D] = []
    for destination in destinations:
        expanded += _expand(destination)
    return tuple(expanded)


def describe_groups(destinations: Sequence[DestinationBase]) -> list[str]:
    """``press/sv: sv, then fi (2 recipients)`` for each language group, for check-config."""
    lines = []
    for destination in destinations:
        if GROUP_SEPARATOR not in destination.name:
            continue
        order = ", then ".join(destination.languages)
        count = len(getattr(destination, "recipients", ()))
        plural = "recipient" if count == 1 else "recipients"
        lines.append(f"{destination.name}: {order} ({count} {plural})")
    return lines


def _expand(destination: D) -> list[D]:
    recipients: Sequence[Recipient] = getattr(destination, "recipients", ())
    if all(recipient.lang is None for recipient in recipients):
        return [destination]
    if getattr(destination, "bilingual", False):
        raise ValueError(
            f"destinations: {destination.name!r}: bilingual = true sends every recipient "
            "both languages; recipient languages cannot apply (use plain addresses)"
        )
    groups: dict[str | None, list[Recipient]] = {}
    for recipient in recipients:
        groups.setdefault(recipient.lang, []).append(recipient)
    named = [lang for lang in groups if lang is not None]
    several = len(groups) > 1
    expanded = []
    for lang, members in groups.items():
        changes: dict[str, Any] = {"recipients": tuple(members)}
        if lang is not None:
            changes |= {
                "name": _group_name(destination.name, lang) if several else destination.name,
                "languages": _preference(lang, destination.languages or tuple(named)),
                "one_language": True,
                "locale": lang,
            }
        expanded.append(destination.model_copy(update=changes))
    return expanded


def _group_name(name: str, lang: str) -> str:
    grouped = f"{name}{GROUP_SEPARATOR}{lang}"
    if len(grouped) > _NAME_MAX:
        raise ValueError(
            f"destinations: {name!r}: with recipient languages the name must leave room for "
            f"{GROUP_SEPARATOR}{lang} (at most {_NAME_MAX - len(lang) - 1} characters)"
        )
    return grouped


def _preference(lang: str, order: Sequence[str]) -> tuple[str, ...]:
    """``lang`` first, then the fallback ``order`` without it."""
    return (lang, *(other for other in order if other != lang))
