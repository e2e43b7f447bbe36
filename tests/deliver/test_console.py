"""Kind ``console``: one readable block on stdout."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from syndicator.deliver import console
from tests.deliver.conftest import MessageFactory


async def test_prints_one_block(
    capsys: pytest.CaptureFixture[str], client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = console.Config(kind="console", name="stdout", locale="en")
    receipt = await console.send(config, make_message(config, event="updated"), client)

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1] == "Updated press release [fi] · www.vaasa.fi"
    assert lines[2] == "Kaupunki avaa uuden uimahallin Hietalahteen"
    assert lines[3] == "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
    assert "  Uimahallit: https://www.vaasa.fi/liikunta/uimahallit/" in lines
    assert "  [sv] https://www.vaasa.fi/sv/nyheter/simhall/" in lines
    assert receipt.detail == "printed"


def test_redacted() -> None:
    assert console.redacted(console.Config(kind="console", name="demo")) == "console demo (stdout)"


async def test_an_update_notice_lists_what_changed(
    capsys: pytest.CaptureFixture[str], client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = console.Config(kind="console", name="stdout", locale="en")
    message = replace(make_message(config, event="updated"), changes=("Title changed: A → B",))
    await console.send(config, message, client)
    assert "  * Title changed: A → B" in capsys.readouterr().out.splitlines()
