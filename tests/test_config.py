"""feeds.toml validation: every problem named with its key path; check-config exits 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from syndicator.config import load_config, parse_config
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
