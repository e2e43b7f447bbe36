"""feeds.toml → one frozen, validated ``Config``.

Validated once, at the edge: ``check-config`` and the worker share ``load_config``, so a
config the check passes cannot crash ``run`` (durations finite and at most 30 days, source
intervals at least 30 s, the database URL one SQLAlchemy can open, at least one source).
Secrets are ``${NAME}`` / ``${NAME:-default}`` references, expanded before validation
(``$${`` is a literal ``${``; any other ``${`` is an error; a ``$`` without ``{`` is text);
every problem is reported with the file and key path
(``feeds.toml: destinations[2].url: not a valid http(s) URL``).
"""

from __future__ import annotations

import functools
import operator
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import (
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema

from syndicator.configbase import (
    DatabaseUrl,
    DestinationBase,
    Frozen,
    HttpSettings,
    Lang,
    Name,
    PositiveDuration,
    SourceBase,
    Url,
)
from syndicator.emailgroups import expand_destinations
from syndicator.errors import ConfigError

__all__ = [
    "MIN_FAST_INTERVAL_S",
    "MIN_INTERVAL_S",
    "Config",
    "DestinationConfig",
    "FeedFilter",
    "FeedSettings",
    "ServiceSettings",
    "SourceConfig",
    "WebSettings",
    "WebSubSettings",
    "load_config",
    "parse_config",
]

MIN_INTERVAL_S = 30.0  # the shortest source interval, unless service.allow_fast_polling
# ... and the shortest even then: below it a failing source's backoff and the scheduler's
# jitter lose their meaning and a local test server is hammered.
MIN_FAST_INTERVAL_S = 1.0


def _kind_models(family: str) -> tuple[type[Frozen], ...]:
    # Imported on first validation, not with this module: config stays at the bottom layer.
    if family == "sources":
        from syndicator.sources import KINDS as sources

        return tuple(cast(Any, module).Config for module in sources.values())
    from syndicator.deliver import KINDS as destinations

    return tuple(module.Config for module in destinations.values())


class _ByKind:
    """The union of a kind family's ``Config`` models, discriminated by ``kind`` and read from
    its registry (``sources.KINDS``, ``deliver.KINDS``): a new kind never touches this file."""

    def __init__(self, family: str) -> None:
        self.family = family

    def __get_pydantic_core_schema__(
        self, _source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        models = _kind_models(self.family)
        union = functools.reduce(operator.or_, models)
        if len(models) > 1:
            union = cast(Any, Annotated)[union, Field(discriminator="kind")]
        return handler.generate_schema(union)


# Typed as the base models; validated as the discriminated union of the registered kinds.
SourceConfig = Annotated[SourceBase, _ByKind("sources")]
DestinationConfig = Annotated[DestinationBase, _ByKind("destinations")]

# ${NAME} or ${NAME:-default}; $${ is a literal ${; any other ${ is a mistake.
_ENV_REF = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")
_ENV_HELP = "write ${NAME} or ${NAME:-default} (and $${ for a literal ${)"


class ServiceSettings(Frozen):
    database_url: DatabaseUrl = "sqlite:///var/syndicator.sqlite3"
    base_url: Url = "http://127.0.0.1:8080/"  # where partners reach our feeds
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    outbox_interval: PositiveDuration = 5.0  # how often the outbox is drained
    retry_base: PositiveDuration = 30.0  # first delivery retry after this long, doubling
    retry_max: PositiveDuration = 21600.0  # longest wait between two delivery attempts
    delivery_lease: PositiveDuration = 120.0  # a send without an outcome after this long is retried
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    # Lanes: sources on different hosts poll concurrently, at most this many at once;
    # one host still gets one request at a time (http.min_host_delay).
    poll_concurrency: int = Field(default=16, ge=1, le=512)
    poll_deadline: PositiveDuration = (
        600.0  # a whole poll of one source (never longer than its interval)
    )
    # Parsing runs in worker processes, each page within a time and memory budget.
    parse_workers: int = Field(default=4, ge=1, le=64)  # > pathological pages at once
    parse_timeout: PositiveDuration = 30.0
    parse_memory_mb: int = Field(default=512, ge=64, le=65536)  # beyond the worker's own
    allow_fast_polling: bool = False  # tests only: source intervals under 30 s (down to 1 s)


class FeedFilter(Frozen):
    """A saved filter: ``/feeds/filter/{name}/…`` holds the releases matching it, by
    ``routing.py``'s rules (each list that is set needs one match)."""

    name: Name
    title: dict[Lang, str] = Field(default_factory=dict)  # the feed's title per language
    categories: tuple[str, ...] = ()  # by name or slug
    keywords: tuple[str, ...] = ()  # whole words or phrases; "uimahalli*" for a prefix
    languages: tuple[Lang, ...] = ()  # empty: every language


class FeedSettings(Frozen):
    title: str = "Press releases"
    titles: dict[Lang, str] = Field(default_factory=dict)  # per-language feed titles
    max_entries: int = Field(default=50, ge=1, le=1000)
    archive_page_size: int = Field(default=100, ge=1, le=1000)  # RFC 5005 archive pages
    languages: tuple[Lang, ...] = ("fi", "sv", "en")
    out_dir: str | None = None  # also write feed files here after each change
    hub_url: Url | None = None  # the hub feeds name (rel="hub"); default our own, if enabled
    filters: tuple[FeedFilter, ...] = ()  # saved filters, each its own feeds

    @field_validator("filters")
    @classmethod
    def _unique_filters(cls, filters: tuple[FeedFilter, ...]) -> tuple[FeedFilter, ...]:
        names = [feed_filter.name for feed_filter in filters]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"names used twice: {twice}")
        return filters


class WebSubSettings(Frozen):
    """The built-in WebSub hub (``web/websub.py``) and the hubs we ping after a change."""

    enabled: bool = True  # serve /websub and name it as every feed's hub
    lease_default: PositiveDuration = 10 * 86400.0  # when a subscriber asks for none
    lease_max: PositiveDuration = 30 * 86400.0  # longer requests are cut to this
    publish_to: tuple[Url, ...] = ()  # external hubs: POST hub.mode=publish after a change
    max_verifying: int = Field(default=32, ge=1, le=1024)  # verifications under way at once


# A CSP host-source naming one partner origin: scheme, host (``*.`` wildcard allowed), port.
_ORIGIN = r"^https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$"


class WebSettings(Frozen):
    """The HTML pages. ``embed_origins``: the partner sites allowed to frame ``/embed/{lang}``
    (CSP ``frame-ancestors``); none listed means only our own origin (``'self'``)."""

    embed_origins: tuple[Annotated[str, Field(pattern=_ORIGIN)], ...] = ()


class Config(Frozen):
    # The kind unions are built on first validation (see _ByKind), not at import.
    model_config = ConfigDict(defer_build=True)

    service: ServiceSettings = ServiceSettings()
    http: HttpSettings = HttpSettings()
    feeds: FeedSettings = FeedSettings()
    websub: WebSubSettings = WebSubSettings()
    web: WebSettings = WebSettings()
    sources: tuple[SourceConfig, ...] = ()
    destinations: tuple[DestinationConfig, ...] = ()

    @field_validator("destinations")
    @classmethod
    def _recipient_languages(
        cls, destinations: tuple[DestinationBase, ...]
    ) -> tuple[DestinationBase, ...]:
        """E-mail recipients with languages: one destination per language group."""
        return expand_destinations(destinations)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for section in ("sources", "destinations"):
            seen: set[str] = set()
            for entry in getattr(self, section):
                if entry.name in seen:
                    raise ValueError(f"{section}: name {entry.name!r} is used twice")
                seen.add(entry.name)
        known = {source.name for source in self.sources}
        for destination in self.destinations:
            unknown = sorted(set(destination.sources) - known)
            if unknown:
                raise ValueError(
                    f"destinations: {destination.name!r} names unknown sources {unknown}"
                )
        return self

    @model_validator(mode="after")
    def _polite_intervals(self) -> Config:
        if self.service.allow_fast_polling:
            floor, why = MIN_FAST_INTERVAL_S, "even with service.allow_fast_polling = true"
        else:
            floor, why = MIN_INTERVAL_S, "service.allow_fast_polling = true lifts it, for tests"
        fields = ("interval", "withdraw_after", "min_interval")
        fast = [
            f"sources[{index}].{field}: {getattr(source, field):g} s is under the "
            f"{floor:g} s minimum ({why})"
            for index, source in enumerate(self.sources)
            for field in fields
            if getattr(source, field) < floor
        ] + [
            f"sources[{index}].min_interval: {source.min_interval:g} s is longer than "
            f"max_interval ({source.max_interval:g} s)"
            for index, source in enumerate(self.sources)
            if source.min_interval > source.max_interval
        ]
        if fast:
            raise ValueError("\n".join(fast))
        return self


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate a feeds.toml; raise ``ConfigError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, str(path), os.environ if env is None else env)


def parse_config(text: str, filename: str, env: Mapping[str, str]) -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{filename}: not valid TOML: {exc}") from None
    broken: dict[str, list[str]] = {}  # key path → what is wrong with its ${…} references
    expanded = _expand_env(raw, (), env, broken)
    problems = [f"{key}: {message}" for key, messages in broken.items() for message in messages]
    try:
        config: Config | None = Config.model_validate(expanded)
    except ValidationError as exc:
        described = (line for error in exc.errors() for line in _describe(error, expanded))
        # A broken reference left "" behind: the errors that follows from it would only confuse.
        problems.extend(line for line in described if line.split(": ", 1)[0] not in broken)
        config = None
    if config is not None and not config.sources:  # an empty file is a mistake, not a worker
        problems.append("no sources configured; add at least one [[sources]] table")
    if problems:
        lines = [f"{filename}: {problem}" for problem in problems]
        raise ConfigError("\n".join(lines), problems=lines)
    assert config is not None
    return config


def _expand_env(
    value: Any, path: tuple[str | int, ...], env: Mapping[str, str], broken: dict[str, list[str]]
) -> Any:
    if isinstance(value, dict):
        return {key: _expand_env(item, (*path, key), env, broken) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand_env(item, (*path, index), env, broken) for index, item in enumerate(value)]
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if match.group(0) == "$${":
                return "${"
            if name is None or (default is not None and "${" in default):
                snippet = value[match.start() : match.start() + 24]
                problem = f"malformed reference {snippet!r}; {_ENV_HELP}"
                broken.setdefault(_format_path(path), []).append(problem)
                return ""
            if name not in env and default is not None:
                return default
            if name not in env:
                problem = f"environment variable {name} is not set"
                broken.setdefault(_format_path(path), []).append(problem)
                return ""
            return env[name]

        return _ENV_REF.sub(substitute, value)
    return value


def _describe(error: Any, data: Any) -> list[str]:
    """A pydantic error as ``key.path: message``, without the union tags pydantic adds.

    Checks across sections (on ``Config``) have no path; their messages name their keys."""
    path: list[str | int] = []
    node = data
    for part in error["loc"]:
        tag = isinstance(node, dict) and isinstance(part, str) and part not in node
        if tag and node.get("kind") == part:
            continue  # the discriminator tag of a union member
        path.append(part)
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and part < len(node)
                else None
            )
        )
    message: str = error["msg"]
    if error["type"] == "union_tag_invalid":
        kind = error.get("input", {}).get("kind") if isinstance(error.get("input"), dict) else None
        message = f"unknown kind {kind!r}; expected one of {error['ctx']['expected_tags']}"
    elif error["type"] == "union_tag_not_found":
        message = "missing key 'kind'"
    elif error["type"] == "missing":
        message = "required key is missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown key"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if not path and error["type"] == "value_error":
        return message.splitlines()
    return [f"{_format_path(tuple(path)) or '(top level)'}: {message}"]


def _format_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
