"""Extraction benchmark: our extractor against plain trafilatura on the golden corpus, then
the generic path beside trafilatura and readability-lxml on the public development sets.

    python -m bench.extract                    # both extractors, each in its own subprocess
    python -m bench.extract --only ours --json # one extractor, raw outputs and costs as JSON

Figures are printed, never asserted: the golden test asserts correctness, and wall-clock
speed depends on the machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys

from bench.devsets import render_devsets, run_devsets
from bench.report import Report, Row, build_report
from bench.runners import EXTRACTORS, RunResult, run_extractor
from tests.extract.corpus import load_corpus

__all__ = ["main"]

_WIDTH = 46


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("--only", choices=sorted(EXTRACTORS), help="run one extractor here")
    parser.add_argument("--json", action="store_true", help="print that run as JSON")
    parser.add_argument("--dev-only", action="store_true", help="only the development sets")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # trafilatura's and our INFO lines are not figures
    if args.dev_only:
        print(render_devsets(run_devsets()))
        return 0
    corpus = load_corpus()
    if args.only:
        result = run_extractor(args.only, corpus)
        if args.json:
            json.dump(result.to_json(), sys.stdout, ensure_ascii=False)
        else:
            print(f"{args.only}: {len(corpus)} pages, best {min(result.seconds):.3f} s")
        return 0
    ours, theirs = (_in_subprocess(name) for name in ("ours", "trafilatura"))
    print(render(build_report(corpus, ours, theirs)))
    print("", render_devsets(run_devsets()), sep="\n", flush=True)
    return 0


def _in_subprocess(name: str) -> RunResult:
    """A fresh interpreter per extractor, so peak memory is its own."""
    command = [sys.executable, "-m", "bench.extract", "--only", name, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench.extract --only {name} failed ({done.returncode})")
    return RunResult.from_json(json.loads(done.stdout))


def render(report: Report) -> str:
    lines = [f"Extraction benchmark: {report.pages} pages, ours vs plain trafilatura", ""]
    header = f"{'figure':<{_WIDTH}} {'ours':>8} {'trafil.':>8} {'ratio':>6}  target"
    lines += [header, "-" * len(header)]
    lines += [_row(row) for row in report.rows]
    skipped = ", ".join(f"{key}: {n}" for key, n in report.skipped.items() if n)
    lines += ["", f"golden files lacking new fields (metric skipped): {skipped or 'none'}"]
    lines += ["", "worst body F1 (ours | trafilatura):"]
    lines += [
        f"  {name:<36} {a.f1:.3f} (P {a.precision:.3f} R {a.recall:.3f}) | {b.f1:.3f}"
        for name, a, b in report.worst
    ]
    lines += ["", f"failures of ours ({len(report.failures)}): page | field | expected | got"]
    lines += [
        f"  {f.page} | {f.field} | {_short(f.expected)} | {_short(f.got)}" for f in report.failures
    ]
    return "\n".join(lines)


def _row(row: Row) -> str:
    ratio = ""
    if row.ours is not None and row.theirs:
        ratio = f"{row.ours / row.theirs:.2f}"
    mark = {True: "✓", False: "✗", None: ""}[row.passed]
    target = f"{row.target} {mark}".strip()
    return (
        f"{row.label:<{_WIDTH}} {_value(row.ours, row.unit):>8} "
        f"{_value(row.theirs, row.unit):>8} {ratio:>6}  {target}"
    )


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "pct":
        return f"{value:.0%}"
    if unit == "count":
        return str(int(value))
    if unit == "rate":
        return f"{value:.1f}"
    if unit == "mib":
        return f"{value:.2f}"
    return f"{value:.3f}"


def _short(text: str, limit: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


if __name__ == "__main__":
    raise SystemExit(main())
