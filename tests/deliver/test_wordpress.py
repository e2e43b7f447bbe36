"""Kind ``wordpress`` against a local WordPress REST imitation: one post per release, edits
and withdrawals on the same post, the image uploaded once, terms mapped, errors like WP's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import ValidationError

from syndicator.config import load_config
from syndicator.deliver import can_edit, can_withdraw, kind_of, wordpress
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Image, Message
from syndicator.store import open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.deliver.wordpress_sink import (
    IMAGE_PATH,
    JPEG,
    PASSWORD,
    USERNAME,
    WordPressSink,
    wp_error,
)

_BODY = "<p>Vaasan uusi uimahalli avataan <strong>yleisölle</strong>.</p>"


@pytest.fixture
def sink() -> Iterator[WordPressSink]:
    with WordPressSink(language_field="lang") as opened:
        yield opened


def _config(sink: WordPressSink, **changes: object) -> wordpress.Config:
    return wordpress.Config.model_validate(
        {"kind": "wordpress", "name": "partner-wp", "url": sink.url, "username": USERNAME,
         "application_password": PASSWORD, "allow_private_networks": True, **changes}
    )  # fmt: skip


def _message(
    make: MessageFactory, config: wordpress.Config, sink: WordPressSink, **changes: object
) -> Message:
    image = Image(sink.url + IMAGE_PATH, "Uimahallin 50 metrin allas")
    message = make(config, images=(image,), **changes)
    return replace(message, organisation="Vaasan kaupunki")


def _route(sink: WordPressSink) -> list[str]:
    return [f"{r.method} {urlsplit(r.path).path.removeprefix('/wp-json/wp/v2')}"
            for r in sink.requests]  # fmt: skip


async def test_creates_a_draft_with_the_link_back_languages_and_image(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink)
    message = _message(make_message, config, sink)
    receipt = await wordpress.send(config, message, client)

    [post] = sink.posts.values()
    [media] = sink.media.values()
    assert receipt.remote_id == str(post["id"]) and receipt.status == 201
    assert [r.problems for r in sink.requests] == [[]] * len(sink.requests)
    assert _route(sink) == [
        "GET /media", f"GET {IMAGE_PATH}", "POST /media", f"POST /media/{media['id']}",
        "GET /posts", "POST /posts",
    ]  # fmt: skip
    lookup = parse_qs(urlsplit(sink.requests[4].path).query)
    assert lookup == {"slug": [post["slug"]], "status": ["any"], "context": ["edit"]}
    assert post["slug"] == wordpress.post_slug(message) and post["slug"].startswith("syndicator-")
    assert (
        post["status"] == "draft" and post["title"] == "Kaupunki avaa uuden uimahallin Hietalahteen"
    )
    assert post["excerpt"] == message.lead and post["featured_media"] == media["id"]
    assert post["content"] == (
        f"{_BODY}\n"
        '<p class="syndicator-read-more"><a href="https://www.vaasa.fi/uutiset/kaupunki-avaa-'
        'uuden-uimahallin/">Lue lisää</a></p>\n<p class="syndicator-languages">'
        '<a href="https://www.vaasa.fi/sv/nyheter/simhall/" hreflang="sv" lang="sv">På svenska'
        '</a> · <a href="https://www.vaasa.fi/en/news/swimming-hall/" hreflang="en" lang="en">'
        "In English</a></p>"
    )
    assert (
        media["alt_text"] == "Uimahallin 50 metrin allas" and media["caption"] == "Vaasan kaupunki"
    )
    upload = sink.uploads[0]
    assert upload.body == JPEG and upload.headers["content-type"] == "image/jpeg"
    assert upload.headers["content-disposition"] == 'attachment; filename="uimahalli.jpg"'
    assert "vaasa-fi" not in str(sink.posts)  # the internal source name never leaves


async def test_a_lost_answer_and_a_retry_leave_one_post_and_one_upload(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, status="publish")
    message = _message(make_message, config, sink)
    sink.lose_created = 1  # the post is stored, the answer is a 500
    with pytest.raises(RetryableDeliveryError) as caught:
        await wordpress.send(config, message, client)
    assert caught.value.code == "delivery.wordpress_500"
    assert "internal_server_error" in caught.value.message
    receipt = await wordpress.send(config, message, client)
    [post_id] = sink.posts
    assert receipt.remote_id == str(post_id) and sink.posts[post_id]["status"] == "publish"
    assert len(sink.uploads) == 1 and sink.image_downloads == 1 and len(sink.media) == 1
    assert _route(sink)[-2:] == ["GET /posts", f"POST /posts/{post_id}"]


async def test_a_draft_is_found_only_with_status_any(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    """The imitation hides drafts from a plain lookup, as WordPress does; ours still finds it."""
    config = _config(sink, featured_image=False)
    message = make_message(config)
    first = await wordpress.send(config, message, client)
    second = await wordpress.send(config, message, client)
    assert first.remote_id == second.remote_id and len(sink.posts) == 1
    plain = await client.get(
        f"{sink.url}/wp-json/wp/v2/posts", params={"slug": wordpress.post_slug(message)},
        auth=(USERNAME, PASSWORD),
    )  # fmt: skip
    assert plain.json() == []


async def test_edit_updates_the_same_post_and_keeps_the_partners_status(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink)
    receipt = await wordpress.send(config, _message(make_message, config, sink), client)
    post_id = int(receipt.remote_id or 0)
    sink.posts[post_id]["status"] = "publish"  # an editor published the draft
    edited = _message(make_message, config, sink, event="updated", title="Uimahalli avataan",
                      lead="Avajaiset siirtyvät huhtikuulle.")  # fmt: skip
    again = await wordpress.edit(config, replace(edited, remote_id=str(post_id)), client)

    assert again.remote_id == str(post_id) and again.status == 200 and list(sink.posts) == [post_id]
    post = sink.posts[post_id]
    assert (
        post["title"] == "Uimahalli avataan"
        and post["excerpt"] == "Avajaiset siirtyvät huhtikuulle."
    )
    assert post["status"] == "publish" and "status" not in sink.requests[-1].json()
    assert len(sink.uploads) == 1 and post["featured_media"] in sink.media
    assert can_edit(wordpress, config) and can_withdraw(wordpress, config)


@pytest.mark.parametrize("status", ["draft", "private"])
async def test_withdraw_takes_the_post_off_the_site(
    status: str, sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, status="publish", withdraw_status=status)
    receipt = await wordpress.send(config, make_message(config), client)
    gone = make_message(config, event="withdrawn")
    result = await wordpress.withdraw(config, replace(gone, remote_id=receipt.remote_id), client)
    assert result.remote_id == receipt.remote_id
    assert sink.requests[-1].json() == {"status": status}
    assert sink.posts[int(receipt.remote_id or 0)]["status"] == status


async def test_an_edit_of_a_deleted_post_is_permanent_and_says_so(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False)
    message = replace(make_message(config, event="updated"), remote_id="999")
    with pytest.raises(PermanentDeliveryError) as caught:
        await wordpress.edit(config, message, client)
    assert caught.value.code == "delivery.wordpress_404" and not sink.posts
    assert "rest_post_invalid_id" in caught.value.message
    assert "post 999 was deleted on the site" in caught.value.message
    assert caught.value.message.startswith(f"wordpress {sink.url} as {USERNAME}: POST /posts/999")


async def test_terms_are_mapped_and_created_once_when_missing(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    news = sink.add_term("categories", "Tiedotteet")
    culture = sink.add_term("categories", "Kulttuuri & vapaa-aika")
    config = _config(sink, featured_image=False, create_terms=True,
                     categories=["tiedotteet", "Kulttuuri & vapaa-aika", "Liikunta"],
                     tags=["uimahalli", "Hietalahti"])  # fmt: skip
    await wordpress.send(config, make_message(config), client)
    await wordpress.send(config, make_message(config), client)

    [post] = sink.posts.values()
    assert post["categories"][:2] == [news, culture] and len(post["categories"]) == 3
    assert sorted(sink.terms["categories"].values()) == [
        "Kulttuuri &amp; vapaa-aika", "Liikunta", "Tiedotteet"]  # fmt: skip
    assert sorted(sink.terms["tags"].values()) == ["Hietalahti", "uimahalli"]
    assert post["tags"] == list(sink.terms["tags"])
    assert [r.problems for r in sink.requests] == [[]] * len(sink.requests)


async def test_a_missing_term_is_left_out_with_a_warning(
    sink: WordPressSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    known = sink.add_term("tags", "uimahalli")
    config = _config(sink, featured_image=False, tags=["uimahalli", "Hietalahti"])
    with caplog.at_level(logging.WARNING, "syndicator.deliver.wordpress"):
        await wordpress.send(config, make_message(config), client)
    [post] = sink.posts.values()
    assert post["tags"] == [known] and list(sink.terms["tags"]) == [known]
    [record] = caplog.records
    assert getattr(record, "event", None) == "delivery.wordpress_term_missing"
    assert "'Hietalahti'" in record.getMessage()


async def test_the_language_field_and_the_link_follow_the_post_language(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False, language_field="lang", locale="fi")
    message = make_message(config, lang="sv", url="https://www.vaasa.fi/sv/nyheter/simhall/",
                           alternates=())  # fmt: skip
    await wordpress.send(config, message, client)
    [post] = sink.posts.values()
    assert post["lang"] == "sv" and sink.requests[-1].problems == []
    assert ">Läs mer</a>" in post["content"] and "Lue lisää" not in post["content"]
    assert "syndicator-languages" not in post["content"]


async def test_hostile_title_and_lead_are_text_not_markup(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False)
    message = make_message(config, title="<script>x</script> A & B", lead="1 < 2 & <b>3</b>",
                           body_html="", url='https://x.example/"onmouseover=a')  # fmt: skip
    await wordpress.send(config, message, client)
    [post] = sink.posts.values()
    assert post["title"] == "&lt;script&gt;x&lt;/script&gt; A &amp; B"
    assert post["excerpt"] == "1 &lt; 2 &amp; &lt;b&gt;3&lt;/b&gt;"
    assert post["content"].startswith("<p>1 &lt; 2 &amp; &lt;b&gt;3&lt;/b&gt;</p>\n")
    assert 'href="https://x.example/&quot;onmouseover=a"' in post["content"]


async def test_an_image_that_cannot_be_fetched_is_skipped_not_fatal(
    sink: WordPressSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
    closed_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = _config(sink)
    image = Image(f"http://127.0.0.1:{closed_port}/kuva.jpg", "alt")
    with caplog.at_level(logging.WARNING, "syndicator.deliver.wordpress"):
        receipt = await wordpress.send(config, make_message(config, images=(image,)), client)
    [post] = sink.posts.values()
    assert receipt.remote_id == str(post["id"]) and "featured_media" not in post
    assert not sink.uploads
    assert [getattr(r, "event", None) for r in caplog.records] == [
        "delivery.wordpress_image_skipped"
    ]


async def test_a_private_image_address_is_refused_unless_allowed(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, allow_private_networks=False)
    await wordpress.send(config, _message(make_message, config, sink), client)
    [post] = sink.posts.values()
    assert sink.image_downloads == 0 and not sink.uploads and "featured_media" not in post


@pytest.mark.parametrize(
    ("answer", "code", "said"),
    [(wp_error(403, "rest_cannot_create", "Sorry, you are not allowed to create posts as this "
               "user."), "delivery.wordpress_403", "rest_cannot_create Sorry, you are not"),
     (wp_error(400, "rest_invalid_param", "Invalid parameter(s): status"),
      "delivery.wordpress_400", "rest_invalid_param")],
)  # fmt: skip
async def test_refusals_are_permanent_and_name_the_wp_code(
    answer: tuple[int, dict[str, str], bytes],
    code: str,
    said: str,
    sink: WordPressSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(sink, featured_image=False)
    sink.respond(200, answer)  # the lookup finds nothing, the create is refused
    with pytest.raises(PermanentDeliveryError) as caught:
        await wordpress.send(config, make_message(config), client)
    assert caught.value.code == code and said in caught.value.message
    assert caught.value.message.startswith("wordpress ") and "partner-wp" not in caught.value.code


async def test_a_wrong_application_password_is_permanent_and_never_shown(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, application_password="wxyz wxyz wxyz wxyz wxyz wxyz")
    with pytest.raises(PermanentDeliveryError) as caught:
        await wordpress.send(config, make_message(config), client)
    assert caught.value.code == "delivery.wordpress_401" and caught.value.status == 401
    assert "incorrect_password" in caught.value.message
    assert "wxyz" not in caught.value.message and not sink.posts


async def test_429_and_503_are_retried_with_retry_after(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False)
    message = make_message(config)
    sink.respond(wp_error(429, "rest_too_many_requests", "Slow down.", **{"Retry-After": "7"}),
                 (503, {"Retry-After": "120"}, b"<html>Service Unavailable</html>"))  # fmt: skip
    with pytest.raises(RetryableDeliveryError) as caught:
        await wordpress.send(config, message, client)
    assert caught.value.code == "delivery.wordpress_429" and caught.value.retry_after == 7.0
    with pytest.raises(RetryableDeliveryError) as caught:
        await wordpress.send(config, message, client)
    assert caught.value.code == "delivery.wordpress_503" and caught.value.retry_after == 120.0
    assert "Service Unavailable" in caught.value.message
    assert (await wordpress.send(config, message, client)).remote_id == str(next(iter(sink.posts)))


async def test_through_the_outbox_a_lost_answer_still_makes_one_post(
    tmp_path: Path, sink: WordPressSink, client: httpx.AsyncClient
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    try:
        config = _config(sink, name="partner-wp", featured_image=False)
        seed(store, 1, [config.name])
        sink.lose_created = 1
        first = await drain_all(store, [config], client, policy=RetryPolicy(base=60.0))
        later = datetime.now(UTC) + timedelta(hours=1)
        second = await drain_all(store, [config], client, clock=lambda: later)
        [row] = store.list_deliveries()
    finally:
        store.close()
    assert first.retry == 1 and second.delivered == 1 and len(sink.posts) == 1
    assert row.status == "delivered" and row.remote_id == str(next(iter(sink.posts)))
    assert row.attempts == 2


FEEDS_TOML = """
[[sources]]
name = "vaasa-fi"
kind = "feed"
url = "https://www.vaasa.fi/feed/"

[[destinations]]
name = "partner-wp"
kind = "wordpress"
url = "https://partner.example"
username = "syndikointi"
application_password = "${PARTNER_WP_APP_PASSWORD}"
status = "publish"
categories = ["Tiedotteet"]
tags = ["Vaasa"]
create_terms = true
language_field = "lang"
withdraw_status = "private"
"""


def test_feeds_toml_with_a_wordpress_destination(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS_TOML, encoding="utf-8")
    config = load_config(path, env={"PARTNER_WP_APP_PASSWORD": PASSWORD})
    [destination] = config.destinations
    assert isinstance(destination, wordpress.Config) and kind_of(destination) is wordpress
    assert destination.application_password.get_secret_value() == PASSWORD
    assert (destination.status, destination.withdraw_status) == ("publish", "private")
    assert destination.categories == ("Tiedotteet",) and destination.featured_image
    assert PASSWORD not in str(config) and PASSWORD not in wordpress.redacted(destination)
    assert wordpress.redacted(destination) == "wordpress https://partner.example as syndikointi"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [({"language_field": "status"}, "core post field"), ({"status": "pending"}, "status"),
     ({"url": "ftp://partner.example"}, "url"), ({"withdraw_status": "trash"}, "withdraw")],
)  # fmt: skip
def test_config_refuses_bad_settings_without_quoting_the_password(
    changes: dict[str, object], problem: str, sink: WordPressSink
) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(sink, **changes)
    assert problem in str(caught.value) and PASSWORD not in str(caught.value)
