"""End-to-end fixtures: the sample site as the source, sinks as destinations, the real CLI."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from syndicator.demo.languages import demo_sources
from syndicator.demo.releases import ReleaseText
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.locales import HELSINKI
from tests.sinks import SlackSink, SmtpSink, WebhookSink

SECRET = "whsec_" + base64.b64encode(b"syndicator-e2e-secret-0123456789").decode()
ROOT = Path(__file__).resolve().parents[2]
COOKIE_PHRASES = (
    "Yksityisyydensuoja",
    "evästeitä",
    "Välttämättömät evästeet",
    "Kolmannen osapuolen evästeet",
    "Google Analyticsia",
    "Integritetsskydd",
    "kakor",
)


def text(slug: str, title: str, lead: str, *paragraphs: str, contact: str = "") -> ReleaseText:
    return ReleaseText(
        slug=slug,
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        contact=(contact,) if contact else (),
        read_more_label="",
    )


LIBRARY = {
    "fi": text(
        "paakirjasto-avaa-lastenosaston",
        "Pääkirjasto avaa uudistetun lastenosaston",
        "Vaasan pääkirjaston lastenosasto avautuu joulukuussa uudistettuna.",
        "Uudistetussa osastossa on satunurkkaus, pelihuone ja hiljainen lukusali.",
        "Avajaisia vietetään lauantaina 5. joulukuuta kello 10 alkaen.",
        contact="Maija Meikäläinen, kirjastotoimenjohtaja, p. 040 111 2222, maija@vaasa.fi",
    ),
    "sv": text(
        "huvudbiblioteket-oppnar-barnavdelningen",
        "Huvudbiblioteket öppnar den förnyade barnavdelningen",
        "Barnavdelningen vid Vasa huvudbibliotek öppnar förnyad i december.",
        "Den förnyade avdelningen har en sagohörna, ett spelrum och en tyst läsesal.",
        "Öppningen firas lördagen den 5 december från klockan 10.",
        contact="Maija Meikäläinen, bibliotekschef, tfn 040 111 2222, maija.meikalainen@vaasa.fi",
    ),
}
ARENA = {
    "fi": text(
        "jaahalli-peruskorjataan",
        "Vaasan jäähalli peruskorjataan ensi kesänä",
        "Kaupunginvaltuusto hyväksyi jäähallin peruskorjauksen.",
        "Korjaus koskee ilmanvaihtoa, katsomoa ja kylmäkoneistoa.",
        "Työt alkavat toukokuussa ja valmistuvat syyskuussa ennen kauden alkua.",
    ),
    "sv": text(
        "ishallen-renoveras",
        "Vasa ishall renoveras nästa sommar",
        "Stadsfullmäktige godkände renoveringen av ishallen.",
        "Renoveringen gäller ventilationen, läktaren och kylmaskineriet.",
        "Arbetet börjar i maj och blir klart i september före säsongstarten.",
    ),
}
READ_MORE = "https://www.energyvaasa.fi/kirjasto/?utm_source=vaasa.fi&utm_medium=tiedote"


@dataclass
class Sinks:
    webhook: WebhookSink
    slack: SlackSink
    smtp: SmtpSink


@pytest.fixture
def site() -> Iterator[tuple[SampleSite, SiteHandle]]:
    sample = SampleSite(with_releases=False)
    base = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=2)
    sample.add_release("kirjasto", LIBRARY, published=base, read_more=READ_MORE, post_id=5001)
    sample.add_release("jaahalli", ARENA, published=base + timedelta(hours=3), post_id=5002)
    handle = sample.serve()
    yield sample, handle
    handle.stop()


@pytest.fixture
def sinks() -> Iterator[Sinks]:
    with WebhookSink(SECRET) as webhook, SlackSink() as slack, SmtpSink() as smtp:
        yield Sinks(webhook, slack, smtp)


def sources_toml(site_url: str, *, catch_up: bool, langs: tuple[str, ...] = ("fi", "sv")) -> str:
    return demo_sources(site_url, languages=langs, catch_up=catch_up, prefix="site")


def write_config(tmp_path: Path, sources: str, destinations: str, *, extra_http: str = "") -> Path:
    config = f"""
[service]
database_url = "sqlite:///{tmp_path / "e2e.sqlite3"}"
base_url = "http://127.0.0.1:8080/"
retry_base = "0.2s"
retry_max = "5s"
allow_fast_polling = true

[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 1
backoff_base = "0.05s"
read_timeout = "2s"
{extra_http}

[feeds]
out_dir = "{tmp_path / "public"}"
{sources}
{destinations}
"""
    path = tmp_path / "feeds.toml"
    path.write_text(config, encoding="utf-8")
    return path


def webhook_destination(sinks: Sinks) -> str:
    return f"""
[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "{sinks.webhook.url}/syndicator"
secret = "${{E2E_WEBHOOK_SECRET}}"
"""


def all_destinations(sinks: Sinks) -> str:
    return (
        webhook_destination(sinks)
        + f"""
[[destinations]]
name = "newsroom-slack"
kind = "slack"
webhook_url = "{sinks.slack.url}/services/T0000/B0000/XXXXXXXX"
languages = ["fi"]

[[destinations]]
name = "journalists-sv"
kind = "email"
host = "127.0.0.1"
port = {sinks.smtp.port}
security = "none"
sender = "tiedotteet@vaasa.example"
recipients = ["redaktion@hbl.example", "nyheter@yle.example"]
languages = ["sv"]
"""
    )


def syndicator(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real command line, in a new process each time (a restart every call)."""
    env = {**os.environ, "E2E_WEBHOOK_SECRET": SECRET}
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    if check and run.returncode != 0:
        raise AssertionError(f"exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    return run


def log_lines(stderr: str) -> list[dict[str, Any]]:
    lines = []
    for line in stderr.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines
