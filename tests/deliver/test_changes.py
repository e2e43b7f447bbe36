"""What a notice says changed: table-driven over title, date and text, in fi/sv/en."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from syndicator.deliver.changes import TEXT_MAX, describe_changes, word_diff
from tests.deliver.conftest import sample_article

BASE = sample_article(
    title="Uimahalli avataan maaliskuussa",
    lead="",
    text="Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on kaksi allasta.",
)


@pytest.mark.parametrize(
    ("old", "new", "diff"),
    [
        ("a b c", "a b c", ""),
        ("a b c", "a  b\nc", ""),  # whitespace is no change
        ("a b c", "a b c d e", "+ d e"),
        ("a b c d", "a d", "− b c"),
        ("a b c", "a x c", "+ x / − b"),
        ("a b c d e f", "x b c d e y", "+ x … y / − a … f"),
    ],
)
def test_word_diff(old: str, new: str, diff: str) -> None:
    assert word_diff(old, new) == diff


@pytest.mark.parametrize(
    ("changes", "lang", "expected"),
    [
        (
            {"title": "Uimahalli avataan huhtikuussa"},
            "fi",
            (
                "Otsikko muuttui: “Uimahalli avataan maaliskuussa” → "
                "“Uimahalli avataan huhtikuussa”",
            ),
        ),
        (
            {"published": datetime(2025, 3, 13, 8, 0, tzinfo=UTC)},
            "sv",
            ("Publiceringstiden ändrades: 12.3.2025 kl. 10.00 → 13.3.2025 kl. 10.00",),
        ),
        (
            {"text": BASE.text + " Lisätietoja antaa liikuntajohtaja."},
            "en",
            ("Text changed: + Lisätietoja antaa liikuntajohtaja.",),
        ),
        (
            {"text": BASE.text.replace("kaksi", "kolme")},
            "fi",
            ("Tekstiä muutettiin: + kolme / − kaksi",),
        ),
        (
            {"lead": "Uusi ingressi."},  # a lead that is not in the text counts as text
            "fi",
            ("Tekstiä muutettiin: + Uusi ingressi.",),
        ),
        ({"images": ()}, "sv", ("Länkar eller bilder ändrades",)),  # never an empty notice
    ],
)
def test_describe_changes(changes: dict[str, object], lang: str, expected: tuple[str, ...]) -> None:
    assert describe_changes(BASE, replace(BASE, **changes), lang) == expected


def test_title_and_text_together_in_order() -> None:
    new = replace(BASE, title="Uusi otsikko", text=BASE.text + " Lisää.")
    said = describe_changes(BASE, new, "en")
    assert [s.split(":")[0] for s in said] == ["Title changed", "Text changed"]


def test_a_long_rewrite_is_capped_at_a_word() -> None:
    rewritten = " ".join(f"sana{n}" for n in range(400))
    [said] = describe_changes(BASE, replace(BASE, text=rewritten), "fi")
    assert len(said) <= TEXT_MAX and said.endswith("…")
    assert said.startswith("Tekstiä muutettiin: + sana0 sana1")
    assert "sana399" not in said  # cut, not all 400 words
