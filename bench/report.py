"""Figures of both extractors on the same pages, the issue's targets, and what to fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bench.metrics import (
    Scores,
    leaked_phrases,
    macro,
    micro,
    normalise_space,
    token_diff,
    token_scores,
    tokens,
)
from bench.runners import PageOutput, RunResult
from syndicator.extract.dates import HELSINKI
from tests.extract.corpus import ARTICLE_KINDS, CorpusPage

__all__ = ["Failure", "Report", "Row", "build_report"]

F1_TARGET = 0.98
Outputs = dict[str, PageOutput]


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    ours: float | None
    theirs: float | None
    unit: str = "f1"  # f1 | pct | count | rate | mib
    target: str = ""
    passed: bool | None = None  # None: no target, or nothing to measure


@dataclass(frozen=True, slots=True)
class Failure:
    page: str
    field: str
    expected: str
    got: str


@dataclass
class Report:
    pages: int
    rows: list[Row] = field(default_factory=list)
    worst: list[tuple[str, Scores, Scores]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def build_report(corpus: list[CorpusPage], ours: RunResult, theirs: RunResult) -> Report:
    o = {out.name: out for out in ours.outputs}
    t = {out.name: out for out in theirs.outputs}
    report = Report(pages=len(corpus))
    articles = [p for p in corpus if p.kind in ARTICLE_KINDS]
    report.skipped = {
        "kind (inferred)": sum("kind" in p.missing for p in corpus),
        "body_text": sum(p.body_text is None for p in articles),
        "boilerplate": sum("boilerplate" in p.missing for p in corpus if p.expects_article),
        "profile (run without)": sum("profile" in p.missing for p in corpus),
        "parts (bilingual)": sum("parts" in p.missing for p in corpus),
    }
    _body_rows(report, [p for p in articles if p.body_text is not None], o, t)
    _bilingual_rows(report, [p for p in corpus if p.kind == "bilingual" and p.parts], o, t)
    _field_rows(report, articles, o, t)
    _leak_rows(report, [p for p in corpus if p.expects_article and p.boilerplate], o, t)
    _no_article_rows(report, corpus, o, t)
    _cost_rows(report, ours, theirs)
    return report


def _body_rows(report: Report, pages: list[CorpusPage], o: Outputs, t: Outputs) -> None:
    ours = {p.name: token_scores(o[p.name].text, p.body_text or "") for p in pages}
    theirs = {p.name: token_scores(t[p.name].text, p.body_text or "") for p in pages}
    generic = [p.name for p in pages if not p.expected.get("profile")]
    for subset, names in (("", [p.name for p in pages]), (" (no profile)", generic)):
        mine, base = [ours[n] for n in names], [theirs[n] for n in names]
        n = f"{len(names)} p"
        for how, average in (("micro", micro), ("macro", macro)):
            a, b = average(mine), average(base)
            for metric in ("precision", "recall", "f1"):
                x = getattr(a, metric) if a else None
                y = getattr(b, metric) if b else None
                label = f"body {metric} {how}{subset}, {n}"
                target, passed = "", None
                if metric == "f1" and x is not None:
                    target, passed = f"≥ {F1_TARGET}", x >= F1_TARGET
                    if subset:
                        target, passed = "≥ trafilatura", y is None or x >= y
                report.rows.append(Row(label, x, y, "f1", target, passed))
    report.worst = sorted(((n, ours[n], theirs[n]) for n in ours), key=lambda w: w[1].f1)[:5]
    for page in pages:
        if (scores := ours[page.name]).f1 < F1_TARGET:
            missing, extra = token_diff(o[page.name].text, page.body_text or "")
            got = f"{scores.f1:.3f} (P {scores.precision:.3f} R {scores.recall:.3f})"
            got += f"; missing {' '.join(missing[:8])!r}; extra {' '.join(extra[:8])!r}"
            report.failures.append(Failure(page.name, "body_f1", f"≥ {F1_TARGET}", got))


def _bilingual_rows(report: Report, pages: list[CorpusPage], o: Outputs, t: Outputs) -> None:
    if not pages:
        return
    mine, base = (
        micro(token_scores(out[p.name].text, p.body_text or "") for p in pages) for out in (o, t)
    )
    label = f"bilingual body f1, whole page, {len(pages)} p"
    report.rows.append(Row(label, mine.f1 if mine else None, base.f1 if base else None))
    split_right = 0
    part_scores = []
    for page in pages:
        got = {part["lang"]: part for part in o[page.name].parts}
        want = [part.lang for part in page.parts]
        if sorted(got) == sorted(want):
            split_right += 1
        else:
            report.failures.append(Failure(page.name, "parts", str(want), str(sorted(got))))
        for part in page.parts:
            found = got.get(part.lang, {"text": "", "title": ""})
            part_scores.append(token_scores(found["text"], part.body_text))
            if normalise_space(found["title"]) != normalise_space(part.title):
                report.failures.append(
                    Failure(page.name, f"parts[{part.lang}].title", part.title, found["title"])
                )
    share = split_right / len(pages)
    report.rows.append(
        Row("bilingual split into the right languages", share, None, "pct", "100 %", share == 1.0)
    )
    mean = macro(part_scores)
    report.rows.append(Row("bilingual part body f1 macro", mean.f1 if mean else None, None))


def _expected_day(page: CorpusPage) -> str | None:
    if page.expected.get("date_from_first_seen"):
        return None
    published = datetime.fromisoformat(page.expected["published"])
    return published.astimezone(HELSINKI).date().isoformat()


_Getter = Callable[[PageOutput], str | None]
_FIELDS: dict[str, tuple[str, Callable[[CorpusPage], str | None], _Getter]] = {
    "title": (
        "title",
        lambda p: normalise_space(p.expected["title"]),
        lambda out: normalise_space(out.title or ""),
    ),
    "date": ("published", _expected_day, lambda out: out.day),
    "language": ("lang", lambda p: p.expected["lang"], lambda out: out.lang),
}


def _field_rows(report: Report, pages: list[CorpusPage], o: Outputs, t: Outputs) -> None:
    for label, (key, want, got) in _FIELDS.items():
        measured = [p for p in pages if key in p.expected]
        ours = [p for p in measured if got(o[p.name]) == want(p)]
        theirs = [p for p in measured if got(t[p.name]) == want(p)]
        report.failures += [
            Failure(p.name, label, str(want(p)), str(got(o[p.name])))
            for p in measured
            if p not in ours
        ]
        report.rows.append(
            _share_row(f"{label} accuracy, {len(measured)} p", ours, theirs, len(measured))
        )
    wanted = [(p, url) for p in pages for url in p.expected.get("read_more") or ()]
    ours_found = [(p, url) for p, url in wanted if url in o[p.name].read_more]
    theirs_found = [(p, url) for p, url in wanted if url in t[p.name].read_more]
    report.failures += [
        Failure(p.name, "read_more", url, str(o[p.name].read_more))
        for p, url in wanted
        if (p, url) not in ours_found
    ]
    report.rows.append(
        _share_row(f"read-more recall, {len(wanted)} links", ours_found, theirs_found, len(wanted))
    )


def _share_row(label: str, ours: Sequence[object], theirs: Sequence[object], total: int) -> Row:
    if not total:
        return Row(label, None, None, "pct", "100 %")
    share = len(ours) / total
    return Row(label, share, len(theirs) / total, "pct", "100 %", share == 1.0)


def _leak_rows(report: Report, pages: list[CorpusPage], o: Outputs, t: Outputs) -> None:
    counts: list[tuple[int, int]] = []
    for out in (o, t):
        leaked = {
            p.name: leaked_phrases(p.boilerplate, out[p.name].text, out[p.name].lead) for p in pages
        }
        phrases = [phrase for found in leaked.values() for phrase in found]
        counts.append((len(phrases), sum(len(tokens(phrase)) for phrase in phrases)))
        if out is o:
            report.failures += [
                Failure(name, "boilerplate", "absent", phrase)
                for name, found in leaked.items()
                for phrase in found
            ]
    label = f"boilerplate phrases leaked, {len(pages)} p"
    (ours, ours_tokens), (theirs, theirs_tokens) = counts
    report.rows.append(Row(label, ours, theirs, "count", "0", ours == 0))
    report.rows.append(Row("boilerplate tokens leaked", ours_tokens, theirs_tokens, "count"))


def _no_article_rows(report: Report, corpus: list[CorpusPage], o: Outputs, t: Outputs) -> None:
    pages = [p for p in corpus if not p.expects_article]
    ours = [p for p in pages if o[p.name].rejected]
    theirs = [p for p in pages if t[p.name].rejected]
    report.failures += [
        Failure(p.name, "no_article", "ExtractError", f"article {o[p.name].title!r}")
        for p in pages
        if p not in ours
    ]
    report.failures += [
        Failure(p.name, "article", "an article", f"ExtractError {o[p.name].error}")
        for p in corpus
        if p.expects_article and o[p.name].rejected
    ]
    report.rows.append(
        _share_row(f"no-article pages rejected, {len(pages)} p", ours, theirs, len(pages))
    )


def _cost_rows(report: Report, ours: RunResult, theirs: RunResult) -> None:
    mine, base = (report.pages / max(min(run.seconds), 1e-9) for run in (ours, theirs))
    label = "pages per second (best of 3)"
    report.rows.append(Row(label, mine, base, "rate", "≥ trafilatura", mine >= base))
    mib = 1024 * 1024
    report.rows.append(
        Row(
            "tracemalloc peak, one run (MiB)",
            ours.tracemalloc_peak / mib,
            theirs.tracemalloc_peak / mib,
            "mib",
        )
    )
    report.rows.append(
        Row(
            "peak RSS of the subprocess (MiB)",
            ours.max_rss_kb / 1024,
            theirs.max_rss_kb / 1024,
            "mib",
        )
    )
