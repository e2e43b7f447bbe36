"""Every ``[[destinations]]`` example in the README loads as a real feeds.toml would, and
every destination kind has one: the README is how ops configure a kind from feeds.toml alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syndicator.config import load_config
from syndicator.deliver import KINDS

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.S | re.M)
_ENV = re.compile(r"\$\{([A-Z0-9_]+)\}")
_HEADER = """
[service]
database_url = "sqlite:///unused.sqlite3"

[[sources]]
name = "vaasa-fi"
kind = "html"
language = "fi"
urls = ["https://www.vaasa.fi/ajankohtaista/tiedotteet/"]
"""


def _examples() -> list[str]:
    blocks = _BLOCK.findall(README.read_text(encoding="utf-8"))
    return [block for block in blocks if block.lstrip().startswith("[[destinations]]")]


@pytest.mark.parametrize("example", _examples())
def test_a_destination_example_loads(example: str, tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(_HEADER + "\n" + example, encoding="utf-8")
    env = {name: _secret_for(name) for name in _ENV.findall(example)}
    config = load_config(path, env=env)
    assert config.destinations


def test_every_destination_kind_has_an_example() -> None:
    shown = {kind for block in _examples() for kind in re.findall(r'^kind = "(\w+)"', block, re.M)}
    assert shown == set(KINDS)


def _secret_for(name: str) -> str:
    """A value of the right shape for each secret the examples name."""
    shaped = {
        "SLACK_BOT_TOKEN": "xoxb-1234567890-0987654321-abcdefghijklmnop",
        "NTFY_APPRISE_URL": "ntfys://ntfy.example.org/tiedotteet",
        "TELEGRAM_BOT_TOKEN": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678",
    }
    if name in shaped:
        return shaped[name]
    if "WEBHOOK_SECRET" in name:
        return "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    if name.endswith("_URL") or name.endswith("_HOOK"):
        return "https://hooks.example.org/services/T000/B000/XXXX"
    return "secret-value-123"
