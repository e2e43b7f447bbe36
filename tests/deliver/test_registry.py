"""The destination registry: explicit, complete, and the public surface of ``deliver``."""

from __future__ import annotations

from types import ModuleType
from typing import get_args

import pytest
from pydantic import SecretStr

import syndicator.deliver as deliver
from syndicator.deliver import (
    KINDS,
    console,
    discord,
    email,
    kind_of,
    matrix,
    mattermost,
    slack,
    teams,
    telegram,
    webhook,
    wordpress,
)
from syndicator.errors import ConfigError


def test_exported_members() -> None:
    assert sorted(deliver.__all__) == [
        "DestinationKind",
        "KINDS",
        "can_edit",
        "can_withdraw",
        "kind_of",
    ]


def test_every_kind_is_registered_under_its_name() -> None:
    assert {
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
    } == KINDS
    for name, module in KINDS.items():
        assert getattr(module, "__name__", None) == f"syndicator.deliver.{name}"


def test_kind_of_finds_the_module() -> None:
    config = console.Config(kind="console", name="demo")
    assert kind_of(config) is console


def test_kind_of_rejects_an_unknown_config() -> None:
    from syndicator.configbase import DestinationBase

    with pytest.raises(ConfigError, match="no known kind"):
        kind_of(DestinationBase(name="stray"))


@pytest.mark.parametrize("module", list(KINDS.values()), ids=list(KINDS))
def test_a_kind_with_secret_settings_keeps_them_out_of_validation_errors(
    module: ModuleType,
) -> None:
    """A secret is declared by its type; then its Config must not quote input in errors."""
    config_class = module.Config
    secret = [
        name
        for name, field in config_class.model_fields.items()
        if SecretStr in (field.annotation, *get_args(field.annotation))
    ]
    if secret:
        assert config_class.model_config.get("hide_input_in_errors") is True, secret
    assert (module is console) == (not secret)  # every other kind has a credential


def test_can_edit_asks_the_kind_about_this_config() -> None:
    """A kind with ``edit`` whose ``editable(config)`` says no cannot edit with that config."""

    async def edit(*_: object) -> None: ...

    module = ModuleType("syndicator.deliver.fake")
    module.edit = edit  # type: ignore[attr-defined]
    assert deliver.can_edit(module) and not deliver.can_withdraw(module)  # type: ignore[arg-type]
    module.editable = lambda config: config.name == "bot"  # type: ignore[attr-defined]
    bot, hook = (
        console.Config(kind="console", name="bot"),
        console.Config(kind="console", name="hook"),
    )
    assert deliver.can_edit(module, bot)  # type: ignore[arg-type]
    assert not deliver.can_edit(module, hook)  # type: ignore[arg-type]
    assert not deliver.can_edit(console, bot)  # console has no edit at all


def test_the_registry_check_refuses_an_async_editable() -> None:
    async def editable(config: object) -> bool:
        return True

    module = ModuleType("x")
    for name in ("Config", "send", "redacted"):
        setattr(module, name, getattr(console, name))
    module.editable = editable  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="editable"):
        deliver._check({"console": module})
