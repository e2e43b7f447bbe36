"""Kind ``discord``: edits and withdrawals through ``PATCH …/messages/{id}``, and update
notices, against the local sink that keeps the channel's messages as Discord would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from syndicator.deliver import can_edit, can_withdraw, discord, discordembed
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from tests.deliver.conftest import MessageFactory
from tests.deliver.discord_sink import (
    WEBHOOK_PATH,
    WEBHOOK_TOKEN,
    DiscordSink,
    config_for,
    rate_limited,
)

TITLE = "Kaupunki avaa uuden uimahallin Hietalahteen"


@pytest.fixture
def sink() -> Iterator[DiscordSink]:
    with DiscordSink() as opened:
        yield opened


async def _sent(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory, query: str = ""
) -> tuple[discord.Config, str]:
    """A destination and the id of the message its first send created."""
    config = config_for(sink.url + WEBHOOK_PATH + query)
    receipt = await discord.send(config, make_message(config), client)
    assert receipt.remote_id == sink.messages[0]["id"]
    return config, receipt.remote_id


def test_discord_can_edit_and_withdraw() -> None:
    config = config_for("https://discord.com" + WEBHOOK_PATH)
    assert can_edit(discord, config) and can_withdraw(discord, config)


async def test_an_edit_patches_the_message_it_sent_and_sends_nothing_new(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _sent(sink, client, make_message)
    changed = make_message(
        config, event="updated", key="evt-2", title="Uimahallin avajaiset siirtyvät", images=()
    )
    receipt = await discord.edit(config, replace(changed, remote_id=remote_id), client)

    [_, request] = sink.requests
    assert request.method == "PATCH" and request.problems == []
    assert request.path == f"{WEBHOOK_PATH}/messages/{remote_id}"  # no ?wait: not for edits
    assert (receipt.remote_id, receipt.status) == (remote_id, 200)
    [message] = sink.messages  # still one message in the channel, now edited
    assert message["edited_timestamp"] is not None and message["content"] == "Päivitetty tiedote"
    [embed] = message["embeds"]
    assert embed["title"] == "Uimahallin avajaiset siirtyvät" and "image" not in embed
    assert embed["author"] == {"name": "www.vaasa.fi"}  # an edit keeps the organisation
    assert embed["description"].splitlines()[-2].startswith("Päivitetty ")
    assert sink.edits == [(remote_id, request.json())]


async def test_an_edit_keeps_the_webhooks_thread(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _sent(sink, client, make_message, query="?thread_id=42")
    message = make_message(config, event="updated", key="evt-2")
    await discord.edit(config, replace(message, remote_id=remote_id), client)
    assert sink.requests[0].path == f"{WEBHOOK_PATH}?thread_id=42&wait=true"
    assert sink.requests[1].path == f"{WEBHOOK_PATH}/messages/{remote_id}?thread_id=42"
    assert sink.requests[1].problems == []


@pytest.mark.parametrize(
    ("locale", "label"), [("fi", "Tiedote peruttu"), ("sv", "Meddelandet återkallat")]
)
async def test_withdraw_marks_the_message_and_drops_link_and_image(
    locale: str,
    label: str,
    sink: DiscordSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config, remote_id = await _sent(sink, client, make_message)
    config = config.model_copy(update={"locale": locale})
    gone = replace(make_message(config, event="withdrawn", key="evt-3"), remote_id=remote_id)
    receipt = await discord.withdraw(config, gone, client)

    assert receipt.remote_id == remote_id and receipt.detail == f"withdrew message {remote_id}"
    [_, request] = sink.requests
    assert request.method == "PATCH" and request.problems == []
    [message] = sink.messages
    assert message["content"] == label
    [embed] = message["embeds"]
    assert embed["title"] == f"\\[{label}\\] {TITLE}" and embed["description"] == label
    assert not {"image", "url", "fields"} & set(embed)  # the page is gone: nothing links to it
    assert embed["author"] == {"name": "www.vaasa.fi"}  # still says whose release it was


async def test_a_rate_limited_edit_honours_retry_after_then_succeeds(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _sent(sink, client, make_message)
    sink.respond(rate_limited(1.5, header="2"))
    message = replace(make_message(config, event="updated", key="evt-2"), remote_id=remote_id)
    with pytest.raises(RetryableDeliveryError) as caught:
        await discord.edit(config, message, client)
    assert (caught.value.code, caught.value.retry_after) == ("delivery.discord_429", 1.5)
    assert sink.edits == []
    await discord.edit(config, message, client)
    assert [edited for edited, _ in sink.edits] == [remote_id] and len(sink.messages) == 1


async def test_an_edit_of_an_unknown_message_is_permanent_and_names_the_destination(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _sent(sink, client, make_message)
    message = make_message(config, event="updated", key="evt-2")
    with pytest.raises(PermanentDeliveryError) as caught:
        await discord.edit(config, replace(message, remote_id="1180000000000009999"), client)
    error = caught.value
    assert error.code == "delivery.discord_404" and error.status == 404
    assert error.message == (
        f"discord {sink.url}/api/webhooks/118…/*** message 1180000000000009999 answered "
        "HTTP 404: 10008 Unknown Message"
    )
    assert WEBHOOK_TOKEN not in error.message and len(sink.messages) == 1 and sink.edits == []


@pytest.mark.parametrize("remote_id", [None, "", "12:34", "１２３", "9" * 21])
async def test_an_edit_without_a_message_id_sends_nothing(
    remote_id: str | None,
    sink: DiscordSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH)
    message = replace(make_message(config, event="updated"), remote_id=remote_id)
    with pytest.raises(PermanentDeliveryError) as caught:
        await discord.withdraw(config, message, client)
    assert caught.value.code == "delivery.discord_remote_id" and sink.requests == []
    assert caught.value.message.startswith(f"discord {sink.url}/api/webhooks/118…/***: ")


async def test_an_update_notice_is_a_new_message_that_says_what_changed(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _sent(sink, client, make_message)
    notice = replace(
        make_message(config, event="updated", key="evt-2"),
        remote_id=remote_id,
        changes=("Otsikko: *Uusi* otsikko", "Päivämäärä 14.3.2025", "x" * 500),
    )
    receipt = await discord.send(config, notice, client)

    [_, request] = sink.requests
    assert request.method == "POST" and request.problems == [] and sink.edits == []
    assert receipt.remote_id == sink.messages[1]["id"] != remote_id
    body = request.json()
    assert body["content"] == "Päivitetty tiedote"
    assert body["embeds"][0]["author"] == {"name": "www.vaasa.fi"}
    changes, lead, tail = body["embeds"][0]["description"].split("\n\n")
    first, second, third = changes.splitlines()
    assert (first, second) == ("• Otsikko: \\*Uusi\\* otsikko", "• Päivämäärä 14.3.2025")
    assert third.endswith("…") and len(third) == 2 + discordembed.CHANGE_MAX
    assert lead.startswith("Vaasan uusi uimahalli") and tail.endswith("-uimahallin/)")


async def test_many_changes_never_crowd_out_the_link(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH)
    notice = replace(make_message(config, event="updated"), changes=("muutos " * 40,) * 100)
    await discord.send(config, notice, client)
    [request] = sink.requests
    assert request.problems == []
    description = request.json()["embeds"][0]["description"]
    assert len(description) <= discordembed.DESCRIPTION_MAX and description.count("• ") < 100
    assert (
        "[Lue lisää](https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/)" in description
    )
