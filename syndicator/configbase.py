"""Building blocks of the settings, shared by ``config.py`` and the kind modules.

Each source kind (``sources/<kind>.py``) and destination kind (``deliver/<kind>.py``) declares
its own ``Config`` model on top of ``SourceBase`` / ``DestinationBase``; ``config.py``
composes them. Kept apart from ``config.py`` so that kind modules never import the loader.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

__all__ = [
    "MAX_DURATION_S",
    "ArticleProfile",
    "DatabaseUrl",
    "DestinationBase",
    "Duration",
    "Frozen",
    "HttpSettings",
    "Lang",
    "Name",
    "OrganisationName",
    "PositiveDuration",
    "SourceBase",
    "Term",
    "Url",
    "parse_duration",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_EXPECTED = "expected a duration such as 30s, 15m or 2h"
# Every duration ends up in a timedelta, a scheduler trigger or a socket timeout: nan, inf
# and 1e308 pass TOML but crash those, so a duration is finite and at most this long.
MAX_DURATION_S = 30 * 86400.0


def parse_duration(value: object) -> float:
    """``"15m"`` → 900.0 seconds; plain numbers are seconds. Finite, 0 … 30 days."""
    if isinstance(value, bool):
        raise ValueError(_EXPECTED)
    if isinstance(value, int) and value > MAX_DURATION_S:
        seconds = math.inf  # float() of a 400-digit integer raises OverflowError
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    else:
        raise ValueError(_EXPECTED)
    if math.isnan(seconds):
        raise ValueError(f"{_EXPECTED}, not nan")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    if seconds > MAX_DURATION_S:
        shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "…"
        raise ValueError(f"{shown} is too long: a duration is at most 30 days (30d)")
    return seconds


def _positive(seconds: float) -> float:
    if seconds <= 0:
        raise ValueError("must be longer than 0 s")
    return seconds


_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _check_database_url(value: str) -> str:
    """What SQLAlchemy will make of the URL, asked now rather than when the worker starts."""
    from sqlalchemy.engine import make_url  # here: importing config stays light
    from sqlalchemy.exc import ArgumentError

    hint = "write sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host:5432/db"
    try:
        url = make_url(value)
        port = url.port
    except ArgumentError:
        raise ValueError(f"not a database URL; {hint}") from None
    except ValueError:  # make_url's int() of the port
        raise ValueError(f"the port is not a number; {hint}") from None
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"port {port} is out of range (1-65535)")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"database {url.get_backend_name()!r} is not supported; {hint}")
    try:
        url.get_dialect().import_dbapi()
    except ArgumentError:  # NoSuchModuleError: SQLAlchemy knows no such driver
        raise ValueError(f"unknown database driver {url.drivername!r}; {hint}") from None
    except ImportError as exc:
        raise ValueError(
            f"the database driver {url.get_driver_name()!r} is not installed ({exc})"
        ) from None
    return value


def _check_url(value: str) -> str:
    try:
        return str(_HTTP_URL.validate_python(value))
    except ValidationError:
        raise ValueError("not a valid http(s) URL") from None


def _duration_schema(number: dict[str, float]) -> WithJsonSchema:
    """What ``parse_duration`` accepts, for ``config-schema`` (pydantic would say "number")."""
    text = {"type": "string", "pattern": _DURATION.pattern}
    bounded = {"type": "number", **number, "maximum": MAX_DURATION_S}
    described = "seconds, or a duration such as 30s, 15m, 2h or 1d (at most 30d)"
    return WithJsonSchema({"anyOf": [bounded, text], "description": described}, mode="validation")


Duration = Annotated[float, BeforeValidator(parse_duration), _duration_schema({"minimum": 0})]
PositiveDuration = Annotated[
    float,
    BeforeValidator(parse_duration),
    AfterValidator(_positive),
    _duration_schema({"exclusiveMinimum": 0}),
]
# The schema asks for the scheme only: pydantic's URL parser forgives much else (spaces, "https:x").
Url = Annotated[
    str,
    AfterValidator(_check_url),
    WithJsonSchema({"type": "string", "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?:"}, mode="validation"),
]
DatabaseUrl = Annotated[str, AfterValidator(_check_database_url)]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Term = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\w")]
OrganisationName = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HttpSettings(Frozen):
    """How we fetch from sources: politely."""

    user_agent: str = (
        "syndicator/0.1 (press-release syndication; +https://github.com/syndicator/syndicator)"
    )
    connect_timeout: PositiveDuration = 10.0
    read_timeout: PositiveDuration = 30.0
    # Total time for one request: connect, headers and the whole body, redirects included.
    # A source trickling one byte a second is cut off here, not after the last byte.
    request_deadline: PositiveDuration = 60.0
    max_body_bytes: int = Field(default=5_000_000, gt=0, le=1_000_000_000)
    min_host_delay: Duration = 1.0  # between two requests to one host
    max_retries: int = Field(default=3, ge=0, le=10)
    backoff_base: Duration = 1.0
    backoff_max: Duration = 300.0
    respect_robots: bool = True
    allow_private_networks: bool = False  # tests and the demo only


class ArticleProfile(Frozen):
    """CSS selectors for a site's article pages; unset fields fall back to generic extraction."""

    title: str | None = None
    body: str | None = None
    lead: str | None = None
    published: str | None = None
    updated: str | None = None
    remove: tuple[str, ...] = ()  # extra selectors of boilerplate to drop before extraction


class SourceBase(Frozen):
    name: Name
    language: Lang | None = None  # declared language of the source's pages, if single
    interval: PositiveDuration = 900.0  # at least 30 s: see config.Config
    jitter: Duration = 60.0
    catch_up: bool = True  # first poll fills store and feeds but sends nothing
    enabled: bool = True
    max_items: int = Field(default=50, gt=0, le=10_000)
    recheck_days: int = Field(
        default=14, ge=0, le=3650
    )  # known items this young are checked for edits
    # A known page answering 404/410 is withdrawn when it still does this long after the
    # first answer (at least 30 s: see config.Config).
    withdraw_after: PositiveDuration = 900.0
    article: ArticleProfile = ArticleProfile()
    # Who publishes the releases, as readers see it: "Vaasan kaupunki", or one name per
    # language {fi = "Vaasan kaupunki", sv = "Vasa stad"}. Default: the site's own name
    # (og:site_name), else its host. Never our ``name``, which is internal.
    organisation: OrganisationName | dict[Lang, OrganisationName] | None = None
    # Subscribe to the WebSub hub the source advertises (``hubs``); polling stays on.
    websub: bool = True
    # Poll by the source's publishing rhythm (``adaptive.py``): often when it usually
    # publishes, rarely when it does not, within these bounds (at least 30 s: config.Config).
    adaptive: bool = False
    min_interval: PositiveDuration = 120.0
    max_interval: PositiveDuration = 3600.0


class DestinationBase(Frozen):
    name: Name
    languages: tuple[Lang, ...] = ()  # item languages wanted, in order of preference; empty = all
    one_language: bool = False  # only the most preferred language a release has
    language_wait: Duration = (
        1800.0  # with one_language: hold a fallback this long for a better one
    )
    locale: Lang | None = None  # language of our own words (labels); default: item language
    sources: tuple[Name, ...] = ()  # only releases from these sources; empty = all
    events: tuple[str, ...] = ("created", "updated", "withdrawn")
    max_attempts: int = Field(default=8, ge=1, le=100)
    enabled: bool = True
    # An update: "edit" the message sent before, "notify" with a new one that says what
    # changed (threaded under the first where the service has threads), or "ignore" it.
    # None: "edit" where the kind can edit, else "notify".
    on_update: Literal["edit", "notify", "ignore"] | None = None
    # Routing by what a release is about (``routing.py``), case-insensitive: each include
    # list that is set needs one match; any exclude match drops the release.
    categories_include: tuple[Term, ...] = ()
    categories_exclude: tuple[Term, ...] = ()
    keywords_include: tuple[Term, ...] = ()  # words or phrases; "uimahalli*" for a prefix
    keywords_exclude: tuple[Term, ...] = ()
