"""The public development sets in ``../shared/extraction-dev`` (see its README): our generic
path beside trafilatura and readability-lxml, each scored by the set's own ``score.py`` in a
subprocess of its own (one after the other: the figures include pages/s).

Absent on a bare CI clone (``/tmp/ciN`` has no ``../shared``): then one line says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEV_ROOT", "Score", "render_devsets", "run_devsets"]

DEV_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "extraction-dev"
SETS = ("readability", "trafilatura")
EXTRACTORS = {
    "ours": "bench.adapters:ours",
    "trafilatura": "bench.adapters:trafilatura_text",
    "readability-lxml": "bench.adapters:readability_lxml",
}
_TIMEOUT = 600  # seconds per run; the slowest takes about one minute


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int
    pages_per_s: float


def run_devsets(root: Path = DEV_ROOT) -> dict[str, dict[str, Score]] | None:
    """``{set: {extractor: Score}}``, or None when the sets are not there."""
    if not (root / "score.py").is_file():
        return None
    return {
        name: {key: _score(root, name, spec) for key, spec in EXTRACTORS.items()} for name in SETS
    }


def _score(root: Path, dataset: str, spec: str) -> Score:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "score.json"
        command = [
            sys.executable, str(root / "score.py"), str(root / dataset),
            "--callable", spec, "--bootstrap", "0", "--json", str(out),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=_TIMEOUT, check=False
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"score.py {dataset} {spec} failed ({done.returncode})")
        data = json.loads(out.read_text(encoding="utf-8"))
    overall = data["overall"]
    return Score(
        overall["precision"],
        overall["recall"],
        overall["f1"],
        overall["pages"],
        data["speed"]["pages_per_s"] or 0.0,
    )


def render_devsets(results: dict[str, dict[str, Score]] | None, root: Path = DEV_ROOT) -> str:
    if results is None:
        return f"development sets not found at {root}, skipped"
    lines = ["Development sets (generic path, no site profile): ours vs the best library", ""]
    header = (
        f"{'set':<18} {'extractor':<17} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}  "
        "F1/best  speed/traf."
    )
    lines += [header, "-" * len(header)]
    for name, scores in results.items():
        traf = scores["trafilatura"]
        best = max(score.f1 for key, score in scores.items() if key != "ours")
        for key, score in scores.items():
            tail = ""
            if key == "ours":
                f1_mark = "PASS" if score.f1 >= best else "MISS"
                speed_mark = "PASS" if score.pages_per_s >= traf.pages_per_s else "MISS"
                f1_ratio = score.f1 / best if best else 0.0
                speed_ratio = score.pages_per_s / traf.pages_per_s if traf.pages_per_s else 0.0
                tail = f"  {f1_ratio:.3f} {f1_mark}  {speed_ratio:.2f} {speed_mark}"
            lines.append(
                f"{name + f' ({score.pages})':<18} {key:<17} {score.precision:>6.3f} "
                f"{score.recall:>6.3f} {score.f1:>6.3f} {score.pages_per_s:>8.1f}{tail}"
            )
    lines += [
        "",
        "targets: F1 ≥ the best of trafilatura and readability-lxml; pages/s ≥ trafilatura's",
    ]
    return "\n".join(lines)
