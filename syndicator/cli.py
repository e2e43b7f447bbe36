"""Thin command line: parse arguments, load config once, call one function."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import signal
import socket
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from syndicator import eventloop
from syndicator.cli_deliveries import add_deliveries
from syndicator.config import Config, load_config
from syndicator.emailgroups import describe_groups
from syndicator.errors import ConfigError, StoreError, SyndicatorError
from syndicator.logs import configure_logging
from syndicator.progress import board, progress

if TYPE_CHECKING:
    from syndicator.store import Store

__all__ = ["main"]

_DEFAULT_CONFIG = os.environ.get("SYNDICATOR_CONFIG", "feeds.toml")
# Commands without --config (deliveries: per action).
_WITHOUT_CONFIG = ("check-config", "config-schema", "extract", "demo")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"syndicator: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="syndicator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, handler: object) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        if name not in _WITHOUT_CONFIG:
            sub.add_argument("--config", default=_DEFAULT_CONFIG, help="path to feeds.toml")
        return sub

    run = command("run", "run the worker and the web server; SIGHUP re-reads the config", _run)
    reload = command("reload", "make the running worker re-read its config (SIGHUP)", _reload)
    for sub in (run, reload):
        sub.add_argument("--pid-file", type=Path, help="default: syndicator.pid beside the store")
    command("serve", "serve feeds and status pages only", _serve)
    poll = command("poll", "poll every source", _poll)
    poll.add_argument(
        "--once",
        action="store_true",
        required=True,
        help="one poll of every source plus one outbox drain, then exit",
    )
    poll.add_argument("--dry-run", action="store_true", help="send nothing; log what would go")
    check = command("check-config", "validate feeds.toml; exit 2 on problems", _check_config)
    check.add_argument("path", nargs="?", default=_DEFAULT_CONFIG)
    schema = command("config-schema", "print the JSON Schema of feeds.toml", _config_schema)
    schema.add_argument("--output", help="write the schema to this file instead of stdout")
    extract = command("extract", "show what a poll would store for a page", _extract)
    extract.add_argument("target", help="URL or HTML file")
    extract.add_argument("--url", help="the page's URL when TARGET is a file")
    extract.add_argument(
        "--json", action="store_true", help="print a JSON list: one object per language item"
    )
    extract.add_argument(
        "--config", help="use this feeds.toml's HTTP settings, languages and profile"
    )
    extract.add_argument("--source", help="the source whose article profile to use")
    feeds = command("feeds", "feed documents", _feeds_build)
    feeds.add_argument("action", choices=["build"])
    feeds.add_argument("--out", required=True, help="directory to write the feeds to")
    status = command("status", "sources, destinations and the store; exit 1 on problems", _status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    backfill = command(
        "backfill", "fill the store and feeds with a source's older releases; sends nothing",
        _backfill,
    )  # fmt: skip
    backfill.add_argument("source", help="the source's name in feeds.toml")
    backfill.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="stop at releases older than DATE (YYYY-MM-DD, Helsinki time)",
    )
    backfill.add_argument("--max-pages", type=_pages, default=50, metavar="N",
                          help="archive pages to read at most (default 50)")  # fmt: skip
    add_deliveries(commands, _DEFAULT_CONFIG)
    demo = command("demo", "serve a bundled sample site and syndicate it", _demo)
    demo.add_argument("--port", type=int, default=8080)
    return parser


def _load(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    configure_logging(config.service.log_level)
    return config


def _claim_port(host: str, port: int, hint: str) -> None:
    """Bind the web port once before anything starts: a taken port is one line and exit 2,
    not tracebacks from uvicorn and the scheduler after the banner claimed the URL."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OverflowError:
            message = f"syndicator: port {port} is out of range (0-65535); {hint}"
            raise ConfigError(message, code="config.cannot_listen") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message, code = f"port {port} is in use on {host}", "config.port_in_use"
            else:
                message, code = (
                    f"cannot listen on {host}:{port}: {exc.strerror}",
                    "config.cannot_listen",
                )
            raise ConfigError(f"syndicator: {message}; {hint}", code=code) from None


_SET_PORT = "set service.port in feeds.toml"


def _open(config: Config) -> Store:
    from syndicator.store import open_store

    return open_store(config.service.database_url)


def _run(args: argparse.Namespace) -> int:
    from syndicator.pidfile import default_pid_file, pid_file
    from syndicator.scheduler import Worker

    config = _load(args)
    _claim_port(config.service.host, config.service.port, _SET_PORT)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # until the worker handles it: not fatal
    worker = Worker(config, _open(config), path=Path(args.config))
    with board(routine=False), pid_file(args.pid_file or default_pid_file(config)):
        eventloop.run(worker.run())  # a bar only for a source's catch-up
    return 0


def _reload(args: argparse.Namespace) -> int:
    from syndicator.pidfile import PidFileError, default_pid_file, signal_worker

    config = load_config(args.config)  # a broken file: its problems here, the worker untouched
    try:
        pid = signal_worker(args.pid_file or default_pid_file(config))
    except PidFileError as exc:
        print(f"syndicator: {exc}", file=sys.stderr)
        return 1
    print(f"sent SIGHUP to worker {pid}; its log says config.reloaded or config.reload_refused")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from syndicator.web import create_app

    config = _load(args)
    _claim_port(config.service.host, config.service.port, _SET_PORT)
    uvicorn.run(
        create_app(config, _open(config)),
        host=config.service.host,
        port=config.service.port,
        log_config=None,
        server_header=False,
    )
    return 0


def _poll(args: argparse.Namespace) -> int:
    from syndicator.scheduler import run_once

    config = _load(args)
    with board():  # a bar per source's items, on a terminal
        results = asyncio.run(run_once(config, _open(config), dry_run=args.dry_run))
    return 0 if all(result.ok for result in results) else 1


def _check_config(args: argparse.Namespace) -> int:
    config = load_config(args.path)
    print(
        f"{args.path}: ok — {len(config.sources)} sources, {len(config.destinations)} destinations"
    )
    for line in describe_groups(config.destinations):  # e-mail recipients by language
        print(f"  {line}")
    return 0


def _config_schema(args: argparse.Namespace) -> int:
    from syndicator.configschema import render_schema

    text = render_schema()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _extract(args: argparse.Namespace) -> int:
    from syndicator.inspection import extract_file, extract_url

    configure_logging("WARNING")
    config = load_config(args.config) if args.config else None
    try:
        if args.target.startswith(("http://", "https://")):
            extraction = asyncio.run(extract_url(args.target, config, args.source))
        else:
            extraction = extract_file(Path(args.target), args.url, config, args.source)
    except SyndicatorError as exc:
        print(f"syndicator: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    if args.json:
        from syndicator.inspection import as_json

        print(json.dumps(as_json(extraction), ensure_ascii=False, indent=2))
    else:
        from syndicator.inspection import describe

        print(describe(extraction))
    return 0


def _feeds_build(args: argparse.Namespace) -> int:
    from syndicator.publish import feed_documents, write_feeds

    config = _load(args)
    store = _open(config)
    # One bar: every document rendered (archive pages too), then every document written.
    with board(), progress("feeds build", None) as bar:
        documents = feed_documents(store, config, store, tracker=bar)
        bar.expect(len(documents))
        write_feeds(Path(args.out), documents, bar)
    for path in sorted(documents):
        print(Path(args.out) / path)
    return 0


def _status(args: argparse.Namespace) -> int:
    from syndicator.cli_status import show_status

    return show_status(_load(args), as_json=args.json)


def _since(text: str) -> datetime:
    from syndicator.backfill import parse_since

    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _pages(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def _backfill(args: argparse.Namespace) -> int:
    from syndicator.backfill import run_backfill

    config = _load(args)
    with board():  # pages walked, then each page's releases, on a terminal
        result = run_backfill(config, _open(config), args.source, since=args.since,
                              max_pages=args.max_pages)  # fmt: skip
    print(result.summary())
    return result.exit_code


def _demo(args: argparse.Namespace) -> int:
    from syndicator.demo.command import run_demo

    _claim_port("127.0.0.1", args.port, "pass --port")
    configure_logging("INFO")
    eventloop.run(run_demo(port=args.port))
    return 0
