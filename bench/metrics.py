"""The measures of the extraction benchmark: pure functions, no I/O.

Tokens are lowercase words (``\\w+``, so "Häyry" and "040" count, punctuation does not);
overlap is the multiset intersection, so a paragraph extracted twice costs precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Scores",
    "leaked_phrases",
    "macro",
    "micro",
    "normalise_space",
    "token_diff",
    "token_scores",
    "tokens",
]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one page, with the counts micro-averaging needs."""

    precision: float
    recall: float
    f1: float
    overlap: int = 0
    predicted: int = 0
    expected: int = 0


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def token_scores(predicted: str, expected: str) -> Scores:
    """Token P/R/F1 of ``predicted`` against ``expected``.

    Two empty texts agree perfectly; an empty prediction of a non-empty text scores 0.
    """
    got, want = Counter(tokens(predicted)), Counter(tokens(expected))
    return _scores(sum((got & want).values()), sum(got.values()), sum(want.values()))


def _scores(overlap: int, predicted: int, expected: int) -> Scores:
    if predicted == 0 and expected == 0:
        return Scores(1.0, 1.0, 1.0, 0, 0, 0)
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / expected if expected else 0.0
    total = precision + recall
    f1 = 2 * precision * recall / total if total else 0.0
    return Scores(precision, recall, f1, overlap, predicted, expected)


def micro(pages: Iterable[Scores]) -> Scores | None:
    """Scores of all pages' tokens pooled; None for no pages."""
    pooled = list(pages)
    if not pooled:
        return None
    return _scores(
        sum(s.overlap for s in pooled),
        sum(s.predicted for s in pooled),
        sum(s.expected for s in pooled),
    )


def macro(pages: Sequence[Scores]) -> Scores | None:
    """The mean of the pages' precision, recall and F1; None for no pages."""
    if not pages:
        return None
    count = len(pages)
    return Scores(
        sum(s.precision for s in pages) / count,
        sum(s.recall for s in pages) / count,
        sum(s.f1 for s in pages) / count,
    )


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def leaked_phrases(phrases: Iterable[str], *outputs: str) -> list[str]:
    """The ``phrases`` found in any of ``outputs``, whitespace runs counted as one space.

    Case-sensitive, as the golden files' ``text_excludes`` always were: a menu item
    "Tiedotteet" is boilerplate, the word "tiedotteet" inside a sentence may not be.
    """
    haystacks = [normalise_space(output) for output in outputs]
    return [
        phrase
        for phrase in phrases
        if (needle := normalise_space(phrase)) and any(needle in h for h in haystacks)
    ]


def token_diff(predicted: str, expected: str) -> tuple[list[str], list[str]]:
    """``(missing, extra)``: expected tokens not extracted, extracted tokens not expected."""
    got, want = Counter(tokens(predicted)), Counter(tokens(expected))
    return list((want - got).elements()), list((got - want).elements())
