"""The benchmark's sources, in their own process so their CPU is not counted as ours.

``python -m bench.pollsite HOSTS SOURCES`` serves ``tests.replicas.site.ListingSite`` on
127.0.1.1 … 127.0.1.HOSTS (one release per source), prints the listing URLs as one JSON
line, then answers commands on stdin, one JSON line each: ``hits`` (request counts so far),
``publish N`` (a new release on source N). ``SiteProcess`` is the parent's side.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from bench.child import ROOT, JsonChild
from tests.replicas.site import ListingSite

__all__ = ["ROOT", "SiteProcess", "hosts"]


def hosts(count: int) -> list[str]:
    return [f"127.0.1.{n}" for n in range(1, count + 1)]


def _counts(site: ListingSite) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for hit in list(site.hits):
        if hit.path == "/robots.txt":
            counts["robots"] += 1
        elif hit.path.count("/") == 2:
            counts["listing"] += 1
            counts["listing_conditional"] += hit.conditional
            counts["listing_304"] += hit.status == 304
        else:
            counts["page"] += 1
    counts["total"] = len(site.hits)
    return dict(counts)


def serve(host_count: int, sources: int) -> None:
    with ListingSite(hosts(host_count), sources, releases=1) as site:
        print(json.dumps([site.source_url(n) for n in range(sources)]), flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "hits":
                print(json.dumps(_counts(site)), flush=True)
            elif command == "publish":
                print(json.dumps(site.publish(int(args[0]))), flush=True)
            else:
                print(json.dumps({"error": command}), flush=True)


class SiteProcess(JsonChild):
    """Starts ``serve`` in a subprocess; ``urls`` are the listings, ``ask`` sends a command."""

    def __init__(self, host_count: int, sources: int) -> None:
        super().__init__("bench.pollsite", str(host_count), str(sources))
        self.urls: list[str] = self.first


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
