"""feeds.toml validation: every problem named with its key path; check-config exits 2."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from syndicator.config import load_config, parse_config
from syndicator.configbase import MAX_DURATION_S, parse_duration
from syndicator.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

VALID = """
[[sources]]
name = "vaasa-fi"
kind = "html"
language = "fi"
urls = ["https://www.vaasa.fi/ajankohtaista/tiedotteet/"]
interval = "15m"

[[destinations]]
name = "hook"
kind = "webhook"
url = "https://partner.example/hook"
secret = "${HOOK_SECRET}"
"""

ENV = {"HOOK_SECRET": "whsec_abc"}

BROKEN = {
    "missing key": (
        VALID.replace('urls = ["https://www.vaasa.fi/ajankohtaista/tiedotteet/"]\n', ""),
        "sources[0].urls: required key is missing",
    ),
    "wrong type": (
        VALID.replace('interval = "15m"', 'interval = "often"'),
        "sources[0].interval: expected a duration",
    ),
    "unknown destination kind": (
        VALID.replace('kind = "webhook"', 'kind = "pigeon"'),
        "destinations[0]: unknown kind 'pigeon'",
    ),
    "undefined env var": (
        VALID.replace("${HOOK_SECRET}", "${NOT_SET_ANYWHERE}"),
        "destinations[0].secret: environment variable NOT_SET_ANYWHERE is not set",
    ),
    "bad URL": (
        VALID.replace("https://partner.example/hook", "partner dot example"),
        "destinations[0].url: not a valid http(s) URL",
    ),
}


def test_valid_config_loads_with_secret_from_env() -> None:
    config = parse_config(VALID, "feeds.toml", {"HOOK_SECRET": "whsec_abc"})
    assert config.sources[0].interval == 900.0
    destination = config.destinations[0]
    assert destination.kind == "webhook"
    assert destination.secret.get_secret_value() == "whsec_abc"
    assert "whsec_abc" not in repr(config)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_config_names_key_path(case: str) -> None:
    text, expected = BROKEN[case]
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "feeds.toml", {"HOOK_SECRET": "whsec_abc"})
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert all(problem.startswith("feeds.toml: ") for problem in raised.value.problems)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_config_exits_2_with_message(case: str, tmp_path: Path) -> None:
    text, expected = BROKEN[case]
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "check-config", str(path)],
        capture_output=True,
        text=True,
        env={"HOOK_SECRET": "whsec_abc", "PATH": ""},
        check=False,
    )
    assert run.returncode == 2
    assert expected in run.stderr
    assert str(path) in run.stderr


def test_check_config_accepts_the_default_feeds_toml() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "check-config", str(ROOT / "feeds.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "3 sources" in run.stdout


def test_env_default_and_duplicate_names() -> None:
    text = VALID.replace("${HOOK_SECRET}", "${HOOK_SECRET:-whsec_default}")
    assert parse_config(text, "f", {}).destinations[0].secret.get_secret_value() == "whsec_default"
    doubled = VALID + "\n[[destinations]]" + VALID.split("[[destinations]]")[1]
    with pytest.raises(ConfigError, match="used twice"):
        parse_config(doubled, "f", {"HOOK_SECRET": "whsec_abc"})


def test_unreadable_and_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[service\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"sources\[0\]\.colour: unknown key"):
        parse_config(
            VALID.replace('language = "fi"', 'language = "fi"\ncolour = "blue"'),
            "f",
            {"HOOK_SECRET": "whsec_abc"},
        )


# --- config that cannot crash the worker -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "not nan"),
        (math.inf, "inf is too long"),
        (-math.inf, "cannot be negative"),
        (1e308, "1e+308 is too long"),
        (10**400, "is too long"),
        ("99999999999999999999d", "is too long"),
        ("30.5d", "is too long"),
        (True, "expected a duration"),
    ],
)
def test_durations_are_finite_and_at_most_30_days(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_duration(value)


def test_durations_up_to_30_days_and_zero_are_fine() -> None:
    assert parse_duration("30d") == MAX_DURATION_S == 30 * 86400.0
    assert parse_duration(0) == parse_duration("0s") == 0.0
    text = VALID.replace('interval = "15m"', 'interval = "15m"\njitter = "0s"')
    assert parse_config(text, "f", ENV).sources[0].jitter == 0.0


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("service", "outbox_interval"),
        ("service", "retry_base"),
        ("service", "retry_max"),
        ("service", "delivery_lease"),
        ("service", "poll_deadline"),
        ("service", "parse_timeout"),
        ("http", "connect_timeout"),
        ("http", "read_timeout"),
        ("http", "request_deadline"),
    ],
)
def test_zero_is_refused_where_it_means_nothing(section: str, key: str) -> None:
    text = f'[{section}]\n{key} = "0s"\n' + VALID
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "f", ENV)
    assert raised.value.problems == [f"f: {section}.{key}: must be longer than 0 s"]


def test_source_interval_has_a_minimum_unless_fast_polling_is_allowed() -> None:
    fast = VALID.replace('interval = "15m"', 'interval = "29s"')
    with pytest.raises(ConfigError) as raised:
        parse_config(fast, "f", ENV)
    assert raised.value.problems == [
        "f: sources[0].interval: 29 s is under the 30 s minimum "
        "(service.allow_fast_polling = true lifts it, for tests)"
    ]
    allowed = "[service]\nallow_fast_polling = true\n" + fast
    assert parse_config(allowed, "f", ENV).sources[0].interval == 29.0
    slowest_allowed = VALID.replace('interval = "15m"', 'interval = "30s"')
    assert parse_config(slowest_allowed, "f", ENV).sources[0].interval == 30.0


@pytest.mark.parametrize("interval", ["0.001s", "999ms", "0.5"])
def test_fast_polling_still_has_a_one_second_floor(interval: str) -> None:
    fast = "[service]\nallow_fast_polling = true\n" + VALID
    with pytest.raises(ConfigError) as raised:
        parse_config(fast.replace('interval = "15m"', f'interval = "{interval}"'), "f", ENV)
    [problem] = raised.value.problems
    assert problem.startswith("f: sources[0].interval: ")
    assert problem.endswith(
        "s is under the 1 s minimum (even with service.allow_fast_polling = true)"
    )
    one_second = fast.replace('interval = "15m"', 'interval = "1s"')
    assert parse_config(one_second, "f", ENV).sources[0].interval == 1.0


def test_withdraw_after_has_the_interval_floors() -> None:
    quick = VALID.replace('interval = "15m"', 'interval = "15m"\nwithdraw_after = "10s"')
    assert quick != VALID
    with pytest.raises(ConfigError) as raised:
        parse_config(quick, "f", ENV)
    assert raised.value.problems == [
        "f: sources[0].withdraw_after: 10 s is under the 30 s minimum "
        "(service.allow_fast_polling = true lifts it, for tests)"
    ]
    allowed = "[service]\nallow_fast_polling = true\n" + quick
    assert parse_config(allowed, "f", ENV).sources[0].withdraw_after == 10.0
    assert parse_config(VALID, "f", ENV).sources[0].withdraw_after == 900.0


def test_adaptive_bounds_have_the_interval_floor_and_an_order() -> None:
    adaptive = 'interval = "15m"\nadaptive = true\nmin_interval = "{}"\nmax_interval = "{}"'
    quick = VALID.replace('interval = "15m"', adaptive.format("20s", "1h"))
    with pytest.raises(ConfigError) as raised:
        parse_config(quick, "f", ENV)
    assert raised.value.problems == [
        "f: sources[0].min_interval: 20 s is under the 30 s minimum "
        "(service.allow_fast_polling = true lifts it, for tests)"
    ]
    allowed = parse_config("[service]\nallow_fast_polling = true\n" + quick, "f", ENV)
    assert (allowed.sources[0].min_interval, allowed.sources[0].max_interval) == (20.0, 3600.0)
    upside_down = VALID.replace('interval = "15m"', adaptive.format("30m", "5m"))
    with pytest.raises(ConfigError) as raised:
        parse_config(upside_down, "f", ENV)
    assert raised.value.problems == [
        "f: sources[0].min_interval: 1800 s is longer than max_interval (300 s)"
    ]
    source = parse_config(VALID, "f", ENV).sources[0]
    assert (source.adaptive, source.min_interval, source.max_interval) == (False, 120.0, 3600.0)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///var/s.sqlite3",
        "sqlite://",
        "postgresql://u@h/db",
        "postgresql+psycopg://u@h:5432/db",
    ],
)
def test_database_urls_sqlalchemy_can_open(url: str) -> None:
    text = f'[service]\ndatabase_url = "{url}"\n' + VALID
    assert parse_config(text, "f", ENV).service.database_url == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("foo://x", "database 'foo' is not supported; write sqlite:///"),
        ("mysql://h/db", "database 'mysql' is not supported"),
        ("postgresql+nosuch://h/db", "unknown database driver 'postgresql+nosuch'"),
        ("postgresql+psycopg2://h/db", "the database driver 'psycopg2' is not installed"),
        ("postgresql://u@h:99999/db", "port 99999 is out of range (1-65535)"),
        ("postgresql://u@h:abc/db", "the port is not a number"),
        ("var/syndicator.sqlite3", "not a database URL"),
    ],
)
def test_database_urls_refused_at_check_time(url: str, message: str) -> None:
    text = f'[service]\ndatabase_url = "{url}"\n' + VALID
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "f", ENV)
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"f: service.database_url: {message}")


@pytest.mark.parametrize(
    "reference", ["${", "${1X}", "${HOOK_SECRET", "${}", "${A:B}", "${A:-${B}}"]
)
def test_malformed_references_are_refused_once(reference: str) -> None:
    text = VALID.replace("${HOOK_SECRET}", reference)
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "f", {**ENV, "A": "a", "B": "b"})
    [problem] = raised.value.problems  # no follow-on error from what was left behind
    assert problem.startswith(f"f: destinations[0].secret: malformed reference {reference!r}")
    assert "write ${NAME} or ${NAME:-default}" in problem


@pytest.mark.parametrize(
    ("written", "read"),
    [("$HOOK_SECRET", "$HOOK_SECRET"), ("$HOOK}", "$HOOK}"), ("a$${HOOK}b", "a${HOOK}b")],
)
def test_dollars_that_are_not_references_are_kept(written: str, read: str) -> None:
    config = parse_config(f'[feeds]\ntitle = "{written}"\n' + VALID, "f", ENV)
    assert config.feeds.title == read


@pytest.mark.parametrize("text", ["", "# feeds.toml\n\n# to do\n", "[service]\nport = 8081\n"])
def test_a_config_without_sources_is_refused(text: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "f", {})
    assert raised.value.problems == ["f: no sources configured; add at least one [[sources]] table"]


def test_kinds_come_from_the_registries() -> None:
    from syndicator.deliver import KINDS as DESTINATION_KINDS
    from syndicator.sources import KINDS as SOURCE_KINDS

    for registry, section, first in (
        (SOURCE_KINDS, "sources", 'kind = "html"'),
        (DESTINATION_KINDS, "destinations", 'kind = "webhook"'),
    ):
        with pytest.raises(ConfigError) as raised:
            parse_config(VALID.replace(first, 'kind = "pigeon"'), "f", ENV)
        expected = ", ".join(f"'{kind}'" for kind in registry)
        assert f"f: {section}[0]: unknown kind 'pigeon'; expected one of {expected}" in (
            raised.value.problems
        )


def test_importing_config_imports_no_kind_module() -> None:
    heavy = ("syndicator.sources", "syndicator.deliver", "feedparser", "trafilatura", "httpx")
    code = f"import sys, syndicator.config; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"
