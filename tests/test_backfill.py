"""``syndicator backfill``: the real CLI (``cli.main``) against real local servers — the
sample site's paginated listing, a WordPress-shaped REST API, RFC 5005 archived feeds — and
a real SQLite store. A webhook destination is configured throughout: a release that was
routed would leave a delivery row, so "nothing sent" is checked in the deliveries table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.cli import main
from syndicator.demo.languages import LANGUAGES, demo_source
from syndicator.demo.releases import ReleaseText
from syndicator.demo.site import SampleSite
from syndicator.locales import HELSINKI
from syndicator.store import Store, open_store
from tests.deliver.conftest import SECRET
from tests.sources.wpsite import WordPressSite
from tests.test_cli_progress import assert_quiet, bar_lines, syndicator

pytestmark = pytest.mark.usefixtures("keep_logging")

_SETTINGS = """
[service]
database_url = "sqlite:///{db}"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
[feeds]
out_dir = "{out}"
[[destinations]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
secret = "{secret}"
"""
_WORDS = (
    "Kaupunginhallitus käsitteli kokouksessaan kaupungin talousarviota ja investointeja. "
    "Päätöksen mukaan uusi päiväkoti rakennetaan keskustan läheisyyteen ensi vuoden aikana."
)


@dataclass
class Setup:
    config: Path
    out: Path
    db: Path

    def store(self) -> Store:
        return open_store(f"sqlite:///{self.db}")


def _setup(tmp_path: Path, source: str) -> Setup:
    db, out, config = tmp_path / "store.sqlite3", tmp_path / "feeds", tmp_path / "feeds.toml"
    settings = _SETTINGS.format(db=db, out=out, secret=SECRET)
    config.write_text(settings + source, "utf-8")
    return Setup(config, out, db)


def _backfill(setup: Setup, name: str, *extra: str) -> int:
    return main(["backfill", name, "--config", str(setup.config), *extra])


# --- html: the sample site's listing, 5 a page, followed through its "next" link ------------


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite() as running:
        now = datetime.now(UTC)
        for day in range(30, 36):  # older releases: the archive reaches page 3
            slug = f"vanha-tiedote-{day}"
            text = ReleaseText(slug, f"Vanha tiedote {day} päivän takaa", _WORDS, (_WORDS,))
            running.add_release(slug, {"fi": text}, published=now - timedelta(days=day))
        yield running


def _fi(site: SampleSite) -> list[datetime]:
    """Publication times of the Finnish listing's releases, newest first."""
    return [release.published for release in site.releases if "fi" in release.texts]


def _html(tmp_path: Path, site: SampleSite) -> Setup:
    # catch_up = false: a poll of this source would send every release it finds
    listing = f"{site.url}{LANGUAGES['fi'].listing}"
    return _setup(tmp_path, demo_source("demo-fi", listing, "fi", catch_up=False))


def _articles(site: SampleSite, since: int) -> list[str]:
    """Paths of article pages requested since request number ``since``."""
    return [seen.path for seen in site.requests[since:] if "/tiedote/" in seen.path]


def test_html_archive_is_stored_and_nothing_is_sent(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup, releases = _html(tmp_path, site), _fi(site)
    assert len(releases) > 10  # three listing pages of five

    assert _backfill(setup, "demo-fi") == 0
    summary = capsys.readouterr().out
    assert f"3 pages walked, {len(releases)} releases found, {len(releases)} new stored" in summary
    store = setup.store()
    try:
        assert store.item_count("demo-fi") == len(releases)
        stored = {entry.article.published for entry in store.source_entries("demo-fi", 100)}
        assert min(releases) in stored  # the last archive page's release too
        assert store.list_deliveries() == []  # routed to nobody
    finally:
        store.close()
    feeds = "".join(path.read_text("utf-8") for path in setup.out.rglob("*.xml"))
    assert "Vanha tiedote 35 päivän takaa" in feeds  # the feeds were rebuilt

    before = len(site.requests)
    assert _backfill(setup, "demo-fi") == 0
    assert f"0 new stored, {len(releases)} skipped" in capsys.readouterr().out
    assert _articles(site, before) == []  # known releases are not fetched again

    # The next poll (catch_up = false) routes what is new, and only that: the destination
    # is live, and the backfilled releases are not announced late.
    text = ReleaseText("uusi-tiedote", "Uusi tiedote tänään", _WORDS, (_WORDS,))
    site.add_release("uusi", {"fi": text})
    assert main(["poll", "--once", "--dry-run", "--config", str(setup.config)]) == 0
    store = setup.store()
    try:
        [delivery] = store.list_deliveries()
        assert delivery.destination == "hook"
        assert store.item_count("demo-fi") == len(releases) + 1
    finally:
        store.close()


def test_since_stops_the_walk_early(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup, releases = _html(tmp_path, site), _fi(site)
    cutoff = releases[6]  # the second page's second release
    day = cutoff.astimezone(HELSINKI).date()
    newer = [moment for moment in releases if moment.astimezone(HELSINKI).date() >= day]

    assert _backfill(setup, "demo-fi", "--since", day.isoformat()) == 0
    summary = capsys.readouterr().out
    assert f"2 pages walked, {len(newer)} releases found, {len(newer)} new stored" in summary
    assert "older than --since" in summary
    store = setup.store()
    try:
        assert store.item_count("demo-fi") == len(newer) < len(releases)
    finally:
        store.close()
    assert not any("page/3/" in seen.path for seen in site.requests)


def test_max_pages_bounds_the_walk(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = _html(tmp_path, site)
    assert _backfill(setup, "demo-fi", "--max-pages", "1") == 0
    assert "1 pages walked, 5 releases found, 5 new stored" in capsys.readouterr().out


def test_a_failing_page_ends_the_walk_with_exit_1(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = _html(tmp_path, site)
    site.fail(f"/{LANGUAGES['fi'].listing}page/2/", 503, times=5)  # past max_retries = 0
    assert _backfill(setup, "demo-fi") == 1
    summary = capsys.readouterr().out
    assert "1 pages walked, 5 releases found, 5 new stored" in summary
    assert "the walk stopped early" in summary and "503" in summary
    # Run again once the site is back: page 1 is skipped, pages 2 and 3 are stored.
    site.clear_faults()
    assert _backfill(setup, "demo-fi") == 0
    total = len(_fi(site))
    again = f"3 pages walked, {total} releases found, {total - 5} new stored, 5 skipped"
    assert again in capsys.readouterr().out


def test_unknown_source_and_bad_date_are_config_errors(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = _html(tmp_path, site)
    assert _backfill(setup, "nowhere") == 2
    assert "no source named 'nowhere'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        _backfill(setup, "demo-fi", "--since", "eilen")
    assert exited.value.code == 2


# --- WordPress: page=1,2,3 of the REST list ---------------------------------------------------


@pytest.mark.parametrize("paging_headers", [True, False], ids=["total-pages", "until-400"])
def test_wordpress_pages(
    tmp_path: Path, paging_headers: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with WordPressSite() as wp:
        wp.paging_headers = paging_headers
        for n in range(10):  # 4 a page: 4, 4, 2
            body = f"<p>Tiedote numero {n}. {_WORDS}</p><p>{_WORDS}</p>"
            wp.add(100 + n, f"Tiedote {n}", body, now - timedelta(days=3 * n))
        source = f"""
[[sources]]
name = "wp"
kind = "wordpress"
url = "{wp.url}"
language = "fi"
per_page = 4
catch_up = false
"""
        setup = _setup(tmp_path, source)
        assert _backfill(setup, "wp") == 0
        pages = [query.get("page", ["1"])[0] for query in wp.queries]
        orders = {query["orderby"][0] for query in wp.queries}
    assert "3 pages walked, 10 releases found, 10 new stored" in capsys.readouterr().out
    # Without X-WP-TotalPages the walk learns the end from WordPress's 400 for page 4.
    assert pages == (["1", "2", "3"] if paging_headers else ["1", "2", "3", "4"])
    assert orders == {"date"}  # the archive by publication date, not by last change
    store = setup.store()
    try:
        assert store.item_count("wp") == 10
        assert store.list_deliveries() == []
    finally:
        store.close()


# --- feeds: only through RFC 5005 prev-archive links ----------------------------------------


def _atom(base: str, entries: range, prev: str | None) -> bytes:
    link = f'<link rel="prev-archive" href="{base}{prev}"/>' if prev else ""
    items = "".join(
        f"<entry><id>{base}t/{n}/</id><title>Tiedote {n}</title><link href='{base}t/{n}/'/>"
        f"<updated>2026-0{n}-02T10:00:00Z</updated><content type='html'>&lt;p&gt;{_WORDS}"
        f" {n}&lt;/p&gt;</content></entry>"
        for n in entries
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<id>{base}feed</id><title>Tiedotteet</title><updated>2026-09-01T00:00:00Z</updated>"
        f"{link}{items}</feed>"
    ).encode()


def _feed(tmp_path: Path, url: str) -> Setup:
    source = f"""
[[sources]]
name = "feed"
kind = "feed"
url = "{url}"
language = "fi"
fetch_article = false
"""
    return _setup(tmp_path, source)


def test_feed_without_archive_is_refused(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = _feed(tmp_path, f"{site.url}feed/")
    assert _backfill(setup, "feed") == 2
    assert "a feed has no archive" in capsys.readouterr().err


def test_feed_archive_is_followed(
    tmp_path: Path, site: SampleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    atom = "application/atom+xml"
    site.override("/arkisto/nyt.xml", _atom(site.url, range(7, 4, -1), "arkisto/2.xml"), atom)
    site.override("/arkisto/2.xml", _atom(site.url, range(4, 2, -1), "arkisto/1.xml"), atom)
    site.override("/arkisto/1.xml", _atom(site.url, range(2, 0, -1), None), atom)
    setup = _feed(tmp_path, f"{site.url}arkisto/nyt.xml")
    assert _backfill(setup, "feed") == 0
    assert "3 pages walked, 7 releases found, 7 new stored" in capsys.readouterr().out
    store = setup.store()
    try:
        assert store.item_count("feed") == 7
        assert store.list_deliveries() == []
    finally:
        store.close()


def test_the_walk_draws_bars_on_a_terminal_and_nothing_on_a_pipe(
    tmp_path: Path, site: SampleSite
) -> None:
    (tmp_path / "piped").mkdir(), (tmp_path / "shown").mkdir()
    piped_setup, shown_setup = _html(tmp_path / "piped", site), _html(tmp_path / "shown", site)
    piped = syndicator("backfill", "demo-fi", "--config", str(piped_setup.config), terminal=False)
    assert piped.returncode == 0, piped.stderr
    assert_quiet(piped.stderr)
    shown = syndicator("backfill", "demo-fi", "--config", str(shown_setup.config), terminal=True)
    assert shown.returncode == 0, shown.stderr
    pages = bar_lines(shown.stderr, "backfill demo-fi")
    assert pages and " 3/? " in pages[-1], pages[-1]  # three listing pages walked, of unknown
    found = bar_lines(shown.stderr, "catch-up demo-fi")  # each page's releases
    assert any("5/5" in frame for frame in found), found
    assert shown.stdout == piped.stdout  # the summary, on stdout alone
