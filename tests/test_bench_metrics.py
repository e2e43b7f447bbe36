"""The benchmark's token metric, so the figures it prints mean what they say."""

from __future__ import annotations

import pytest

from bench.metrics import Scores, leaked_phrases, macro, micro, token_scores, tokens


@pytest.mark.parametrize(
    ("predicted", "expected", "precision", "recall", "f1"),
    [
        ("Vaasa kasvaa.", "Vaasa kasvaa.", 1.0, 1.0, 1.0),
        ("", "", 1.0, 1.0, 1.0),
        ("", "Vaasa kasvaa", 0.0, 0.0, 0.0),
        ("Vaasa kasvaa", "", 0.0, 0.0, 0.0),
        ("VAASA, kasvaa!", "vaasa kasvaa", 1.0, 1.0, 1.0),  # case and punctuation ignored
        ("Vaasa kasvaa Etusivu Haku", "Vaasa kasvaa", 0.5, 1.0, 2 / 3),  # extra = precision
        ("Vaasa", "Vaasa kasvaa nopeasti ja", 1.0, 0.25, 0.4),  # missing = recall
        ("a a a", "a", 1 / 3, 1.0, 0.5),  # a paragraph twice is counted twice
        ("Häyry 040 123", "häyry 040 123", 1.0, 1.0, 1.0),  # \w+ keeps ä and digits
        ("kissa", "koira", 0.0, 0.0, 0.0),
    ],
)
def test_token_scores(
    predicted: str, expected: str, precision: float, recall: float, f1: float
) -> None:
    scores = token_scores(predicted, expected)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((precision, recall, f1))


def test_tokens_are_lowercase_words() -> None:
    assert tokens("Lue lisää: www.vaasa.fi!") == ["lue", "lisää", "www", "vaasa", "fi"]


def test_micro_pools_tokens_and_macro_averages_pages() -> None:
    big = token_scores("a b c d e f g h", "a b c d e f g h")  # 8/8
    small = token_scores("x y", "a b")  # 0/2
    pooled = micro([big, small])
    assert pooled is not None and pooled.precision == pytest.approx(0.8)
    mean = macro([big, small])
    assert mean == Scores(0.5, 0.5, 0.5)
    assert micro([]) is None and macro([]) is None


def test_leaked_phrases_ignore_whitespace_runs_but_not_case() -> None:
    found = leaked_phrases(["Hyväksy kaikki", "Etusivu", "Haku"], "x Hyväksy\n kaikki", "etusivu")
    assert found == ["Hyväksy kaikki"]
