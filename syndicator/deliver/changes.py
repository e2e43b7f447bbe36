"""PURE: what changed between two versions of an article, in a few human sentences.

An update sent as a notice (``Message.changes``) says it in the label language: the title
("old" → "new"), the publication time, and the text as a short word diff — the words added
and removed, each run of them separated by "…", the whole capped at ``TEXT_MAX``
characters. Nothing the reader would notice changed (links, images): one sentence saying
so, never an empty notice.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from syndicator.deliver.render import truncate
from syndicator.i18n import format_datetime, translate
from syndicator.model import Article

__all__ = ["TEXT_MAX", "describe_changes", "word_diff"]

TEXT_MAX = 300  # characters of one sentence about the text
ADDED, REMOVED = "+", "−"  # U+2212, as typeset diffs show a removal
_GAP = " … "


def describe_changes(previous: Article, current: Article, lang: str) -> tuple[str, ...]:
    """Sentences in ``lang`` about what changed from ``previous`` to ``current``."""
    said: list[str] = []
    old_title, new_title = _squash(previous.title), _squash(current.title)
    if old_title != new_title:
        said.append(f"{_word('changed_title', lang)}: “{old_title}” → “{new_title}”")
    if previous.published != current.published and current.published is not None:
        old = format_datetime(previous.published, lang) if previous.published else "–"
        new = format_datetime(current.published, lang)
        said.append(f"{_word('changed_date', lang)}: {old} → {new}")
    diff = word_diff(_body(previous), _body(current))
    if diff:
        said.append(truncate(f"{_word('changed_text', lang)}: {diff}", TEXT_MAX))
    if not said:
        said.append(_word("changed_other", lang))
    return tuple(said)


def word_diff(old: str, new: str) -> str:
    """``+ added words … / − removed words`` (either half alone when only one kind
    changed); empty when the words are the same."""
    before, after = old.split(), new.split()
    added: list[str] = []
    removed: list[str] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed.append(" ".join(before[i1:i2]))
        if tag in ("replace", "insert"):
            added.append(" ".join(after[j1:j2]))
    halves = ((ADDED, added), (REMOVED, removed))
    return " / ".join(f"{sign} {_GAP.join(runs)}" for sign, runs in halves if runs)


def _body(article: Article) -> str:
    """The lead and the text: a lead edited alone is a text change too (once, if the text
    starts with the lead)."""
    lead, text = _squash(article.lead), _squash(article.text)
    return text if not lead or text.startswith(lead) else f"{lead} {text}"


def _squash(text: str) -> str:
    return " ".join(text.split())


def _word(key: str, lang: str) -> str:
    return translate(f"label.{key}", lang)
