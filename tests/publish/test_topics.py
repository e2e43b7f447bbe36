"""Which documents hold a release: the WebSub topics an event is distributed to."""

from __future__ import annotations

from dataclasses import replace

from syndicator.config import Config, FeedFilter, FeedSettings, ServiceSettings
from syndicator.publish import feed_documents, published_feeds
from syndicator.publish.topics import topics_of
from syndicator.sources import feed
from tests.publish.samples import BASE, EntryList, make_entry, sample_entries

FILTERS = (
    FeedFilter(name="energia", categories=("energia",), languages=("fi",)),
    FeedFilter(name="aurinko", keywords=("aurinkovoima*",)),
)


def _config() -> Config:
    sources = tuple(
        feed.Config(name=name, kind="feed", url=f"https://www.vaasa.fi/{name}.xml")
        for name in ("vaasa", "vasa")
    )
    return Config(
        service=ServiceSettings(base_url=BASE),
        feeds=FeedSettings(filters=FILTERS),
        sources=sources,
    )


def _folders(topics: tuple[str, ...]) -> set[str]:
    """``feeds/…/`` folders of the topics, each present in all three formats."""
    folders = [topic.removeprefix(BASE).rsplit("/", 1)[0] for topic in topics]
    assert all(folders.count(folder) == 3 for folder in folders), topics
    return set(folders)


def test_a_release_is_in_the_combined_its_language_its_source_and_matching_filters() -> None:
    article = replace(make_entry("fi").article, categories=("Energia",), text="Ei aurinkoa.")
    topics = topics_of(_config(), "vaasa", "fi", article)
    assert _folders(topics) == {"feeds", "feeds/fi", "feeds/source/vaasa", "feeds/filter/energia"}


def test_a_filter_s_language_and_words_decide() -> None:
    article = replace(make_entry("sv").article, categories=("Energia",), text="Aurinkovoimala.")
    topics = topics_of(_config(), "vasa", "sv", article)
    assert _folders(topics) == {"feeds", "feeds/sv", "feeds/source/vasa", "feeds/filter/aurinko"}


def test_a_language_we_do_not_publish_is_only_in_the_combined_and_source_feeds() -> None:
    article = replace(make_entry("fi").article, lang="de")
    assert _folders(topics_of(_config(), "vaasa", "de", article)) == {
        "feeds",
        "feeds/source/vaasa",
    }


def test_a_withdrawal_reaches_every_filter_that_could_have_held_it() -> None:
    """No article to match: the filters whose languages admit the item's."""
    assert _folders(topics_of(_config(), "vasa", "sv", None)) == {
        "feeds",
        "feeds/sv",
        "feeds/source/vasa",
        "feeds/filter/aurinko",
    }


def test_every_topic_is_a_published_document() -> None:
    config = _config()
    published = {document.url(config) for document in published_feeds(config)}
    article = replace(make_entry("fi").article, categories=("Energia",), text="Aurinkovoimala.")
    assert set(topics_of(config, "vaasa", "fi", article)) <= published


def test_feeds_build_writes_source_and_filter_documents_too() -> None:
    documents = feed_documents(EntryList(sample_entries()), _config())
    assert "feeds/source/vaasa/atom.xml" in documents
    assert "feeds/filter/aurinko/feed.json" in documents
    assert len(documents) == 3 * (4 + 2 + 2)
