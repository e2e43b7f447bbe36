"""A WebSub subscriber as the W3C Recommendation describes it, on 127.0.0.1:0.

In a test: ``Subscriber(secret)`` records every request. A verification ``GET`` (with
``hub.mode``, ``hub.topic``, ``hub.challenge``) is answered by echoing the challenge
(``answer = "echo"``), with another body (``"wrong"``) or a 404 (``"refuse"``). A content
distribution ``POST`` is checked as a subscriber must: ``X-Hub-Signature`` is the
``sha256=`` HMAC of the body with its secret (``verified``), and the ``Link`` header names
the hub (``rel="hub"``) and the topic (``rel="self"``); what is wrong goes to ``problems``.
It answers from the ``HttpSink`` script (200 by default).

As a process (``python -m tests.websub.subscriber --hub URL --topic URL --secret S``): it
subscribes, then prints one JSON line per request it gets (``verification``,
``distribution`` with the body, the time it arrived and whether the signature verified),
until its standard input closes.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.sinks import Answer, HttpSink, Recorded

__all__ = ["CALLBACK_PATH", "Subscriber", "main"]

CALLBACK_PATH = "/push/vaasa?token=abc"  # a query the hub must keep


class Subscriber(HttpSink):
    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self.secret = secret
        self.answer: Literal["echo", "wrong", "refuse"] = "echo"
        self.topic = ""  # the topic a distribution's rel="self" must name
        self.hub = ""

    @property
    def callback(self) -> str:
        return self.url + CALLBACK_PATH

    def verifications(self) -> list[dict[str, str]]:
        return [_query(r) for r in self.requests if r.method == "GET"]

    def distributions(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def inspect(self, request: Recorded) -> Answer | None:
        if request.method == "GET":
            query = _query(request)
            if query.get("token") != "abc":
                return 400  # the hub dropped the callback's own query
            if self.answer == "refuse":
                return 404
            body = query.get("hub.challenge", "") if self.answer == "echo" else "no"
            return (200, {}, body.encode())
        request.verified = self._signed(request)
        link = request.headers.get("link", "")
        if self.hub and f'<{self.hub}>; rel="hub"' not in link:
            request.problems.append(f"no rel=hub link: {link!r}")
        if self.topic and f'<{self.topic}>; rel="self"' not in link:
            request.problems.append(f"no rel=self link: {link!r}")
        return None

    def _signed(self, request: Recorded) -> bool | None:
        header = request.headers.get("x-hub-signature")
        if self.secret is None:
            return None if header is None else False
        if header is None or not header.startswith("sha256="):
            return False
        expected = hmac.new(self.secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(header.removeprefix("sha256="), expected)


def _query(request: Recorded) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.path).query).items()}


def _print(line: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hub", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--lease", default="3600")
    args = parser.parse_args(argv)
    with Subscriber(args.secret) as subscriber:
        subscriber.hub, subscriber.topic = args.hub, args.topic
        form = {
            "hub.mode": "subscribe",
            "hub.callback": subscriber.callback,
            "hub.topic": args.topic,
            "hub.secret": args.secret,
            "hub.lease_seconds": args.lease,
        }
        answer = httpx.post(args.hub, data=form, timeout=10)
        _print({"event": "requested", "status": answer.status_code, "body": answer.text})
        seen = 0
        while sys.stdin.readable():
            for request in subscriber.requests[seen:]:
                seen += 1
                _print(_described(request))
            if _stdin_closed():
                return 0
            time.sleep(0.02)
    return 0


def _described(request: Recorded) -> dict[str, object]:
    if request.method == "GET":
        return {"event": "verification", "at": request.at, **_query(request)}
    return {
        "event": "distribution",
        "at": request.at,
        "verified": request.verified,
        "problems": request.problems,
        "content_type": request.headers.get("content-type", ""),
        "body": request.body.decode("utf-8"),
    }


def _stdin_closed() -> bool:
    import select

    ready, _w, _x = select.select([sys.stdin], [], [], 0)
    return bool(ready) and sys.stdin.read(1) == ""


if __name__ == "__main__":
    raise SystemExit(main())
