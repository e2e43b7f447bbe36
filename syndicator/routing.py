"""PURE: does a destination want this release, by its categories and words?

Per destination (all optional, all case-insensitive)::

    categories_include = ["Kulttuuri", "tapahtumat"]   # at least one of them
    categories_exclude = ["Henkilöstö"]                # none of them
    keywords_include = ["uimahalli*", "Wasa Teater"]  # at least one, in title, lead or text
    keywords_exclude = ["peruttu"]                     # none of them

Each include list that is set must be met (one of its entries is enough); an exclude match
always wins. A category matches by name or slug ("Kulttuuri ja vapaa-aika" is
"kulttuuri-ja-vapaa-aika"). A keyword matches whole words, several words in a row for a
phrase; a trailing ``*`` makes its last word a prefix ("uimahalli*" finds "uimahallin"),
which Finnish and Swedish inflection need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from syndicator.configbase import DestinationBase
from syndicator.model import Article

__all__ = ["Rules", "admits", "category_key", "wanted"]

_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Rules:
    categories_include: Sequence[str] = ()
    categories_exclude: Sequence[str] = ()
    keywords_include: Sequence[str] = ()
    keywords_exclude: Sequence[str] = ()

    @classmethod
    def of(cls, destination: DestinationBase) -> Rules:
        return cls(
            destination.categories_include,
            destination.categories_exclude,
            destination.keywords_include,
            destination.keywords_exclude,
        )

    @property
    def empty(self) -> bool:
        return not (
            self.categories_include
            or self.categories_exclude
            or self.keywords_include
            or self.keywords_exclude
        )


def category_key(name: str) -> str:
    """What two spellings of one category share: ``"Kulttuuri ja vapaa-aika"`` and
    ``"kulttuuri-ja-vapaa-aika"`` → ``"kulttuuri-ja-vapaa-aika"``."""
    return _NOT_WORD.sub("-", name.casefold()).strip("-")


def admits(rules: Rules, categories: Iterable[str], text: str) -> bool:
    """True when a release with ``categories`` and ``text`` passes ``rules``."""
    if rules.empty:
        return True
    keys = {category_key(name) for name in categories}
    if _any_category(rules.categories_exclude, keys):
        return False
    words = _words(text)
    if _any_keyword(rules.keywords_exclude, words):
        return False
    if rules.categories_include and not _any_category(rules.categories_include, keys):
        return False
    return not rules.keywords_include or _any_keyword(rules.keywords_include, words)


def wanted(destination: DestinationBase, article: Article) -> bool:
    """``admits`` for a destination's settings and an article's categories, title, lead
    and text."""
    rules = Rules.of(destination)
    if rules.empty:
        return True
    text = "\n".join((article.title, article.lead, article.text))
    return admits(rules, article.categories, text)


def _any_category(wanted_names: Sequence[str], keys: set[str]) -> bool:
    return any(category_key(name) in keys for name in wanted_names)


def _words(text: str) -> str:
    """The text's words, case-folded, each with one space either side."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def _any_keyword(keywords: Sequence[str], words: str) -> bool:
    for keyword in keywords:
        prefix = keyword.rstrip().endswith("*")
        phrase = " ".join(_WORD.findall(keyword.casefold()))
        if phrase and f" {phrase}{'' if prefix else ' '}" in words:
            return True
    return False
