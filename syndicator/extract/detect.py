"""Text language detection, restricted to the languages the service is configured for.

lingua in low-accuracy mode: about 20 MB resident for fi/sv/en and well under a
millisecond per paragraph (measured: +20.5 MB RSS, 0.13 ms per sentence), against about
130 MB in high-accuracy mode, which press-release paragraphs do not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["MIN_CONFIDENCE", "detect_language"]

MIN_CONFIDENCE = 0.8
_MIN_LETTERS = 12  # shorter text says nothing reliable about its language


def detect_language(text: str, languages: Sequence[str]) -> tuple[str, float] | None:
    """The most likely of ``languages`` for ``text`` with its confidence, or None."""
    if sum(character.isalpha() for character in text) < _MIN_LETTERS:
        return None
    detector = _detector(tuple(sorted(set(languages))))
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector | None:
    known: list[Language] = []
    for code in languages:
        try:
            known.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
        except ValueError:
            continue  # a code lingua does not know: not detectable, not an error
    if len(known) < 2:
        return None  # one candidate language: nothing to decide
    return LanguageDetectorBuilder.from_languages(*known).with_low_accuracy_mode().build()
