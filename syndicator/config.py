"""feeds.toml → one frozen, validated ``Config``.

Validated once, at the edge: ``check-config`` and the worker share ``load_config``. Secrets
are ``${ENV_VAR}`` references, expanded before validation; every problem is reported with
the file and key path (``feeds.toml: destinations[2].url: not a valid http(s) URL``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from syndicator.configbase import Duration, Frozen, HttpSettings, Lang, Url
from syndicator.deliver import console, email, slack, webhook
from syndicator.errors import ConfigError
from syndicator.sources import feed, html_listing, wordpress

__all__ = [
    "Config",
    "DestinationConfig",
    "FeedSettings",
    "ServiceSettings",
    "SourceConfig",
    "load_config",
    "parse_config",
]

# The discriminated unions: one line per kind, beside the KINDS registries.
SourceConfig = Annotated[
    html_listing.Config | feed.Config | wordpress.Config, Field(discriminator="kind")
]
DestinationConfig = Annotated[
    webhook.Config | slack.Config | email.Config | console.Config,
    Field(discriminator="kind"),
]

_ENV_REF = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}"
)  # ${NAME} or ${NAME:-default}


class ServiceSettings(Frozen):
    database_url: str = "sqlite:///var/syndicator.sqlite3"
    base_url: Url = "http://127.0.0.1:8080/"  # where partners reach our feeds
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    outbox_interval: Duration = 5.0  # how often the outbox is drained
    retry_base: Duration = 30.0  # first delivery retry after this long, doubling
    retry_max: Duration = 21600.0  # longest wait between two delivery attempts
    delivery_lease: Duration = 120.0  # a send without an outcome after this long is retried
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    # Lanes: sources on different hosts poll concurrently, at most this many at once;
    # one host still gets one request at a time (http.min_host_delay).
    poll_concurrency: int = Field(default=16, ge=1, le=512)
    poll_deadline: Duration = 600.0  # a whole poll of one source (never longer than its interval)
    # Parsing runs in worker processes, each page within a time and memory budget.
    parse_workers: int = Field(default=2, ge=1, le=64)
    parse_timeout: Duration = 30.0
    parse_memory_mb: int = Field(default=1024, ge=128, le=65536)
    allow_fast_polling: bool = False  # tests only: source intervals under 30 s


class FeedSettings(Frozen):
    title: str = "Press releases"
    titles: dict[Lang, str] = Field(default_factory=dict)  # per-language feed titles
    max_entries: int = Field(default=50, ge=1, le=1000)
    languages: tuple[Lang, ...] = ("fi", "sv", "en")
    out_dir: str | None = None  # also write feed files here after each change


class Config(Frozen):
    service: ServiceSettings = ServiceSettings()
    http: HttpSettings = HttpSettings()
    feeds: FeedSettings = FeedSettings()
    sources: tuple[SourceConfig, ...] = ()
    destinations: tuple[DestinationConfig, ...] = ()

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
    problems: list[str] = []
    expanded = _expand_env(raw, (), env, problems)
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        problems.extend(_describe(error, expanded) for error in exc.errors())
        config = None
    if problems:
        lines = [f"{filename}: {problem}" for problem in problems]
        raise ConfigError("\n".join(lines), problems=lines)
    assert config is not None
    return config


def _expand_env(
    value: Any, path: tuple[str | int, ...], env: Mapping[str, str], problems: list[str]
) -> Any:
    if isinstance(value, dict):
        return {key: _expand_env(item, (*path, key), env, problems) for key, item in value.items()}
    if isinstance(value, list):
        return [
            _expand_env(item, (*path, index), env, problems) for index, item in enumerate(value)
        ]
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name not in env and default is not None:
                return default
            if name not in env:
                problems.append(f"{_format_path(path)}: environment variable {name} is not set")
                return ""
            return env[name]

        return _ENV_REF.sub(substitute, value)
    return value


def _describe(error: Any, data: Any) -> str:
    """A pydantic error as ``key.path: message``, without the union tags pydantic adds."""
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
    message = error["msg"]
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
    return f"{_format_path(tuple(path)) or '(top level)'}: {message}"


def _format_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
