"""Kind ``wordpress`` against a local WordPress REST imitation: one post per release, edits
and withdrawals on the same post, the image uploaded once, terms mapped, errors like WP's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from syndicator.deliver import can_edit, can_withdraw, wordpress
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Image, Message
from tests.deliver.conftest import MessageFactory
from tests.deliver.wordpress_sink import (
    IMAGE_PATH,
    JPEG,
    MOVED_PATH,
    PASSWORD,
    USERNAME,
    WordPressSink,
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
        '<p class="syndicator-source">Lähde: Vaasan kaupunki</p>\n'  # as a repost ends
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
    assert "Lähde: Vaasan kaupunki</p>" in post["content"]  # an edit keeps the source line
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


async def test_a_term_created_meanwhile_is_taken_from_term_exists(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False, create_terms=True, tags=["Hietalahti"])
    sink.created_meanwhile = ("tags", "Hietalahti")
    await wordpress.send(config, make_message(config), client)
    [post] = sink.posts.values()
    [term_id] = sink.terms["tags"]
    assert post["tags"] == [term_id] and _route(sink)[:2] == ["GET /tags", "POST /tags"]


async def test_a_missing_term_is_left_out_with_a_warning(
    sink: WordPressSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    known = sink.add_term("tags", "uimahalli")
    sport = sink.add_term("tags", "Liikunta & urheilu")  # kept as "&amp;" by WordPress
    tags = ["uimahalli", "Hietalahti", "Liikunta & urheilu"]
    config = _config(sink, featured_image=False, tags=tags)
    with caplog.at_level(logging.WARNING, "syndicator.deliver.wordpress"):
        await wordpress.send(config, make_message(config), client)
    [post] = sink.posts.values()
    assert post["tags"] == [known, sport] and list(sink.terms["tags"]) == [known, sport]
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
    assert '<p class="syndicator-source">Källa: www.vaasa.fi</p>' in post["content"]
    assert "syndicator-languages" not in post["content"]


async def test_hostile_title_and_lead_are_text_not_markup(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, featured_image=False)
    message = make_message(config, title="<script>x</script> A & B", lead="1 < 2 & <b>3</b>",
                           body_html="", url='https://x.example/"onmouseover=a',
                           organisation="<b>Vasa</b> & stad")  # fmt: skip
    await wordpress.send(config, message, client)
    [post] = sink.posts.values()
    assert post["title"] == "&lt;script&gt;x&lt;/script&gt; A &amp; B"
    assert post["excerpt"] == "1 &lt; 2 &amp; &lt;b&gt;3&lt;/b&gt;"
    assert post["content"].startswith("<p>1 &lt; 2 &amp; &lt;b&gt;3&lt;/b&gt;</p>\n")
    assert 'href="https://x.example/&quot;onmouseover=a"' in post["content"]
    assert "Lähde: &lt;b&gt;Vasa&lt;/b&gt; &amp; stad</p>" in post["content"]


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


async def test_a_moved_image_is_followed_and_a_new_alt_text_is_set_without_a_new_upload(
    sink: WordPressSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink)
    first = make_message(config, images=(Image(sink.url + MOVED_PATH, "Allas"),))
    receipt = await wordpress.send(config, first, client)
    [media] = sink.media.values()
    assert media["alt_text"] == "Allas" and sink.image_downloads == 1
    assert sink.uploads[0].headers["content-disposition"] == 'attachment; filename="uimahalli.jpg"'
    second = make_message(config, images=(Image(sink.url + MOVED_PATH, "Uusi allas"),))
    await wordpress.edit(config, replace(second, remote_id=receipt.remote_id), client)
    assert media["alt_text"] == "Uusi allas" and len(sink.uploads) == 1
    assert sink.posts[int(receipt.remote_id or 0)]["featured_media"] == media["id"]
