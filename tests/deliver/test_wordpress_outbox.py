"""Kind ``wordpress`` end to end: the real outbox and store against the local WordPress
imitation (a lost answer, an edit at the source, a refused login), the other refusals and
rate limits WordPress answers with, and the settings from feeds.toml."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from syndicator.config import load_config
from syndicator.decide import decide
from syndicator.deliver import kind_of, wordpress
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.store import Store, open_store
from tests.deliver.conftest import MessageFactory, sample_article, seed
from tests.deliver.wordpress_sink import PASSWORD, USERNAME, WordPressSink, wp_error


@pytest.fixture
def sink() -> Iterator[WordPressSink]:
    with WordPressSink() as opened:
        yield opened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


def _config(sink: WordPressSink, **changes: object) -> wordpress.Config:
    return wordpress.Config.model_validate(
        {"kind": "wordpress", "name": "partner-wp", "url": sink.url, "username": USERNAME,
         "application_password": PASSWORD, "featured_image": False, **changes}
    )  # fmt: skip


async def test_a_lost_answer_then_a_retry_still_makes_one_post(
    store: Store, sink: WordPressSink, client: httpx.AsyncClient
) -> None:
    config = _config(sink)
    seed(store, 1, [config.name])
    sink.lose_created = 1  # stored on the site, answered 500
    first = await drain_all(store, [config], client, policy=RetryPolicy(base=60.0))
    later = datetime.now(UTC) + timedelta(hours=1)
    second = await drain_all(store, [config], client, clock=lambda: later)
    [row] = store.list_deliveries()
    assert first.retry == 1 and second.delivered == 1 and len(sink.posts) == 1
    assert row.status == "delivered" and row.remote_id == str(next(iter(sink.posts)))
    assert row.attempts == 2


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
     ({"username": "a:b"}, "username"), ({"tags": ["ok", ""]}, "tags"),
     ({"url": "ftp://partner.example"}, "url"), ({"withdraw_status": "trash"}, "withdraw")],
)  # fmt: skip
def test_config_refuses_bad_settings_without_quoting_the_password(
    changes: dict[str, object], problem: str, sink: WordPressSink
) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(sink, **changes)
    assert problem in str(caught.value) and PASSWORD not in str(caught.value)


async def test_an_edit_at_the_source_updates_the_same_post(
    store: Store, sink: WordPressSink, client: httpx.AsyncClient
) -> None:
    config = _config(sink, status="publish")
    [url] = seed(store, 1, [config.name])
    assert (await drain_all(store, [config], client)).delivered == 1
    stored = store.find_item(url)
    assert stored is not None
    edited = sample_article(url=url, title="Uimahallin avajaiset siirtyvät")
    store.save_article("vaasa-fi", edited, decide(stored, edited), stored,
                       destinations=[(config.name, 0.0)], now=datetime.now(UTC))  # fmt: skip
    assert (await drain_all(store, [config], client)).delivered == 1

    [post_id] = sink.posts
    assert sink.posts[post_id]["title"] == "Uimahallin avajaiset siirtyvät"
    assert [r.method for r in sink.requests if r.path.endswith("/posts")] == ["POST"]
    assert sink.requests[-1].path.endswith(f"/posts/{post_id}")
    rows = store.list_deliveries()
    assert {row.remote_id for row in rows} == {str(post_id)} and len(rows) == 2


async def test_a_refused_login_is_a_dead_letter_at_once(
    store: Store, sink: WordPressSink, client: httpx.AsyncClient
) -> None:
    config = _config(sink, application_password="wrong wrong wrong wrong")
    seed(store, 1, [config.name])
    result = await drain_all(store, [config], client)
    [row] = store.list_deliveries()
    assert result.failed == 1 and row.status == "failed" and row.attempts == 1
    assert row.last_error_code == "delivery.wordpress_401" and not sink.posts
    assert "incorrect_password" in (row.last_error or "") and "wrong" not in (row.last_error or "")


async def test_a_redirect_is_not_followed_and_names_the_new_address(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink)
    sink.respond((301, {"Location": "https://partner.example/wp-json/wp/v2/posts"}))
    with pytest.raises(PermanentDeliveryError) as caught:
        await wordpress.send(config, make_message(config), client)
    assert caught.value.code == "delivery.wordpress_301" and not sink.posts
    assert "moved to https://partner.example/wp-json/wp/v2/posts" in caught.value.message
