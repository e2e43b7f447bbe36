"""Kind ``matrix`` against a local homeserver stand-in that checks the client-server API
and keeps transaction ids as the spec says; end to end through the real outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import matrix, matrixbody
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Link
from tests.deliver.conftest import MessageFactory
from tests.deliver.matrix_sink import ROOM, TOKEN, MatrixSink, config_for, matrix_error

RELEASE_URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"


@pytest.fixture
def sink() -> Iterator[MatrixSink]:
    with MatrixSink(ROOM, TOKEN) as opened:
        yield opened


@pytest.fixture
async def quick_client() -> AsyncIterator[httpx.AsyncClient]:
    """Gives up on an answer after 0.3 s: the sink's lost answers come after 1 s."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as opened:
        yield opened


async def test_puts_one_event_with_text_and_html(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    receipt = await matrix.send(config, make_message(config, key="msg_0123abcd"), client)

    assert receipt.remote_id == "$event1:example.org" and receipt.status == 200
    [request] = sink.requests
    assert request.method == "PUT" and request.problems == []
    assert request.path == (
        "/_matrix/client/v3/rooms/%21RoomAbc123%3Aexample.org/send/m.room.message/"
        "syndicator.msg_0123abcd"
    )
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    content = request.json()
    assert content["msgtype"] == "m.text" and content["format"] == "org.matrix.custom.html"
    assert content["body"].splitlines()[:3] == [
        "Kaupunki avaa uuden uimahallin Hietalahteen",
        "Uusi tiedote · Julkaistu 12.3.2025 klo 10.00",
        "www.vaasa.fi",  # the organisation (the sample names none: the host)
    ]
    assert f"Lue lisää: {RELEASE_URL}" in content["body"]
    html = content["formatted_body"]
    assert html.startswith("<h3>Kaupunki avaa uuden uimahallin Hietalahteen</h3>")
    assert "</p><p><i>www.vaasa.fi</i></p><p>Vaasan uusi" in html
    assert "<p>Vaasan uusi uimahalli avataan yleisölle maaliskuussa." in html
    assert f'<a href="{RELEASE_URL}">Lue lisää</a>' in html
    assert '<a href="https://www.vaasa.fi/sv/nyheter/simhall/">På svenska</a>' in html
    assert "Muilla kielillä: " in html and "In English</a>" in html
    assert "vaasa-fi" not in request.body.decode()  # never the internal source name
    assert sink.events == [("$event1:example.org", content)]


async def test_notice_and_swedish_labels(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url, msgtype="m.notice", locale="sv")
    await matrix.send(config, make_message(config), client)
    content = sink.requests[0].json()
    assert content["msgtype"] == "m.notice"
    assert "Nytt pressmeddelande · Publicerad" in content["body"]
    assert f'<a href="{RELEASE_URL}">Läs mer</a>' in content["formatted_body"]


async def test_hostile_text_is_escaped_and_only_the_subset_is_sent(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    title = """<b>&"'*_~ <script>alert(1)</script>"""
    message = make_message(
        config,
        title=title,
        lead='<img src=x onerror="alert(2)"> & <a href="javascript:alert(3)">x</a>',
        read_more=(Link("javascript:alert(4)", "klikkaa"), Link('https://e.fi/?a=1&b="2"', "ok")),
        organisation="<i>Vasa</i> & <script>stad</script>",
    )
    await matrix.send(config, message, client)

    [request] = sink.requests
    assert request.problems == []  # the sink parses formatted_body against the subset
    content = request.json()
    assert content["body"].splitlines()[0] == title  # plain text stays as written
    assert content["body"].splitlines()[2] == "<i>Vasa</i> & <script>stad</script>"
    html = content["formatted_body"]
    assert html.startswith("<h3>&lt;b&gt;&amp;\"'*_~ &lt;script&gt;alert(1)&lt;/script&gt;</h3>")
    assert "<img" not in html and "<script" not in html and '<a href="javascript' not in html
    assert "&lt;img src=x" in html
    assert "<p><i>&lt;i&gt;Vasa&lt;/i&gt; &amp; &lt;script&gt;stad&lt;/script&gt;</i></p>" in html
    assert '<a href="https://e.fi/?a=1&amp;b=&quot;2&quot;">ok</a>' in html
    assert "<a>klikkaa</a>" in html  # the hostile href is dropped, its label kept


def test_sanitise_keeps_only_the_allow_list() -> None:
    dirty = (
        '<h2 style="x">T</h2><p onclick="y">a<br>b</p><font color="red">c</font>'
        '<img src="mxc://a/b"><table><tr><td>d</td></tr></table>'
    )
    assert matrixbody.sanitise(dirty) == "<h2>T</h2><p>a<br>b</p>cd"


async def test_huge_lead_is_cut_at_a_word_and_the_link_kept(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    lead = "Päätös <&> koskee kaupunginvaltuustoa " * 6000  # ≈ 250 kB, escapes grow it more
    many = tuple(Link(f"https://www.vaasa.fi/a/{n}", "Lisää " * 60) for n in range(300))
    await matrix.send(config, make_message(config, lead=lead, read_more=many), client)

    [request] = sink.requests
    assert request.problems == []
    assert len(request.body) <= matrixbody.CONTENT_MAX_BYTES < matrixbody.EVENT_MAX_BYTES // 2 + 1
    assert len(request.body) > matrixbody.CONTENT_MAX_BYTES * 0.9  # cut, not emptied
    content = request.json()
    text_lead = content["body"].split("\n\n")[1]
    assert text_lead.endswith("…") and lead.startswith(text_lead[:-1])
    assert text_lead[:-1].split()[-1] in {"Päätös", "<&>", "koskee", "kaupunginvaltuustoa"}
    assert f"Lue lisää: {RELEASE_URL}" in content["body"]
    assert f'<a href="{RELEASE_URL}">Lue lisää</a>' in content["formatted_body"]
    assert content["formatted_body"].count("<li>") == matrixbody.LINKS_MAX


async def test_a_retry_after_a_lost_answer_creates_no_second_event(
    sink: MatrixSink, quick_client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    message = make_message(config)
    sink.lose_answers = 1  # the homeserver stores the event, the answer never arrives
    with pytest.raises(RetryableDeliveryError) as caught:
        await matrix.send(config, message, quick_client)
    assert caught.value.code == "delivery.timeout" and len(sink.events) == 1

    receipt = await matrix.send(config, message, quick_client)
    assert receipt.remote_id == "$event1:example.org"
    assert len(sink.events) == 1  # the same txnId gave the same event
    first, second = sink.requests
    assert first.path == second.path and first.body == second.body


async def test_another_delivery_is_another_event(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    first = await matrix.send(config, make_message(config, key="msg_a"), client)
    second = await matrix.send(config, make_message(config, "updated", key="msg_b"), client)
    assert (first.remote_id, second.remote_id) == ("$event1:example.org", "$event2:example.org")
    assert "Päivitetty tiedote · Päivitetty" in sink.events[1][1]["body"]


@pytest.mark.parametrize(
    ("answer", "wait"),
    [
        (matrix_error(429, "M_LIMIT_EXCEEDED", "Too Many Requests", retry_after_ms=2500), 2.5),
        ((429, {"Retry-After": "7"}, b'{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":100}'), 7),
        (matrix_error(502, "M_UNKNOWN", "Bad gateway"), None),
        ((503, {}, b"<html>down</html>"), None),
    ],
)
async def test_rate_limits_and_server_errors_are_retried(
    answer: tuple[int, dict[str, str], bytes],
    wait: float | None,
    sink: MatrixSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url)
    sink.respond(answer)
    with pytest.raises(RetryableDeliveryError) as caught:
        await matrix.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.matrix_{answer[0]}"
    assert caught.value.retry_after == wait
    assert sink.events == []
    assert (await matrix.send(config, make_message(config), client)).remote_id is not None


@pytest.mark.parametrize(
    ("answer", "errcode"),
    [
        (matrix_error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed."), "M_UNKNOWN_TOKEN"),
        (matrix_error(403, "M_FORBIDDEN", "User @bot:example.org not in room"), "M_FORBIDDEN"),
        (matrix_error(413, "M_TOO_LARGE", "event too large"), "M_TOO_LARGE"),
    ],
)
async def test_refusals_are_permanent(
    answer: tuple[int, dict[str, str], bytes],
    errcode: str,
    sink: MatrixSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url)
    sink.respond(answer)
    with pytest.raises(PermanentDeliveryError) as caught:
        await matrix.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.matrix_{answer[0]}"
    assert errcode in caught.value.message and ROOM in caught.value.message
    assert "SECRETtoken" not in caught.value.message


async def test_a_wrong_token_is_refused_by_the_sink(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url, access_token="syt_wrong")
    with pytest.raises(PermanentDeliveryError) as caught:
        await matrix.send(config, make_message(config), client)
    assert caught.value.code == "delivery.matrix_401" and "M_UNKNOWN_TOKEN" in caught.value.message


async def test_a_200_without_event_id_is_retried(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    sink.respond((200, {}, b"<html>captive portal</html>"))
    with pytest.raises(RetryableDeliveryError) as caught:
        await matrix.send(config, make_message(config), client)
    assert caught.value.code == "delivery.matrix_answer"


def test_redacted_and_errors_hide_the_token() -> None:
    config = config_for("https://matrix.example.org/")
    assert matrix.redacted(config) == f"matrix https://matrix.example.org {ROOM}"
    assert "SECRETtoken" not in repr(config) and "SECRETtoken" not in str(config.model_dump())
    with pytest.raises(ValidationError) as caught:
        config_for("https://matrix.example.org", room_id="#alias:example.org")
    assert "SECRETtoken" not in str(caught.value) and "room_id" in str(caught.value)
