"""What the hostile run's log and watchers say: failure lines per source, repeats, the table."""

from __future__ import annotations

import itertools
from typing import Any

from syndicator.scheduler import failure_backoff
from tests.hostile.cases import INTERVAL_S, Case
from tests.hostile.harness import HealthProbe, RssSampler
from tests.hostile.servers import HostileServer

__all__ = ["LAG_LIMIT_S", "failures_of", "repeats", "report"]

LAG_LIMIT_S = INTERVAL_S + 5


def failures_of(lines: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Warnings and errors naming the source with a cause (``poll.failed``, ``item.failed``,
    ``poll.empty``, ``source.degraded`` …); retries are not failures."""
    return [
        line
        for line in lines
        if line.get("source") == name
        and line["level"] in ("WARNING", "ERROR", "CRITICAL")
        and line.get("error_code")
        and line.get("event") != "fetch.retry"
    ]


def repeats(failures: list[dict[str, Any]]) -> list[str]:
    """Each failure is said once (a failed page is not fetched and parsed again); a failing
    listing at most once per failure backoff."""
    problems: list[str] = []
    floor = 0.8 * failure_backoff(1, INTERVAL_S, None)
    said: dict[tuple[Any, ...], list[float]] = {}
    for line in failures:
        key = (line.get("event"), line.get("url"), line.get("error_code"))
        said.setdefault(key, []).append(line["at"])
    for key, times in said.items():
        if key[0] != "poll.failed" and len(times) > 1:
            problems.append(f"{key} said {len(times)} times")
        gaps = [after - before for before, after in itertools.pairwise(times)]
        if key[0] == "poll.failed" and gaps and min(gaps) < floor:
            problems.append(f"{key} again after {min(gaps):.1f} s (backoff {floor / 0.8:.0f} s)")
    return problems


def report(
    hostile: list[tuple[Case, HostileServer]],
    lines: list[dict[str, Any]],
    probe: HealthProbe,
    sampler: RssSampler,
    lags: list[float | None],
    pid: int,
) -> str:
    rows = [
        f"{'case':<16} {'lines':>5} {'requests':>8} {'tree RSS MB':>11} {'healthz ms':>10}  causes",
    ]
    for case, server in hostile:
        failures = failures_of(lines, case.name)
        causes = sorted({str(f.get("error_code")) for f in failures}) or [
            _outcome(lines, case, server)
        ]
        peak = healthz = "-"
        if failures:  # the window in which the case was being fetched and parsed
            first = failures[0]["at"]
            peak = f"{sampler.peak_tree_mb(first - 7, first + 1):.0f}"
            healthz = f"{probe.worst(first - 7, first + 1) * 1000:.0f}"
        rows.append(
            f"{case.name:<16} {len(failures):>5} {len(server.requests):>8} {peak:>11} "
            f"{healthz:>10}  {', '.join(causes)}"
        )
    latencies = sorted(probe.latencies) or [float("nan")]
    children = {p: kb for p, kb in sampler.hwm_kb.items() if p != pid}
    rows += [
        "(tree RSS and slowest /healthz: in the 7 s before the case's first line, 1 s after)",
        "",
        f"worker VmHWM {sampler.hwm_kb.get(pid, 0) / 1024:.0f} MB; largest child VmHWM "
        f"{max(children.values(), default=0) / 1024:.0f} MB over {len(children)} children; "
        f"largest tree RSS {sampler.peak_tree_mb(0, float('inf')):.0f} MB",
        f"/healthz: {len(probe.latencies)} probes, max {latencies[-1] * 1000:.0f} ms, "
        f"p99 {latencies[int(0.99 * (len(latencies) - 1))] * 1000:.0f} ms, "
        f"{len(probe.failures)} failed",
        "healthy lag s: "
        + ", ".join("missed" if lag is None else f"{lag:.1f}" for lag in lags)
        + f"  (limit {LAG_LIMIT_S:.0f} s)",
    ]
    return "\n".join(rows) + "\n"


def _outcome(lines: list[dict[str, Any]], case: Case, server: HostileServer) -> str:
    """What became of a source that logged no failure."""
    if not server.requests:
        return "(never polled)"
    created = any(x.get("event") == "item.created" and x.get("source") == case.name for x in lines)
    return "(ingested)" if created else "(no failure, nothing ingested)"
