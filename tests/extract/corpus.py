"""The extraction corpus: ``tests/data/extraction/<name>.html`` beside ``<name>.expected.json``.

The one loader of the golden test and of ``python -m bench.extract``. Pages are read as bytes
and decoded the way a fetch decodes them (:func:`syndicator.charset.decode_body`), so a
windows-1252 page with its charset only in a ``<meta>`` tag is read as the service reads it.

Fields added to the golden files later (``kind``, ``body_text``, ``boilerplate``, ``profile``,
``parts``) may be missing from older files: ``missing`` names them, and each metric skips the
page (and counts it) instead of failing. ``kind`` alone is inferred for old files: ``error``
means ``no_article``, anything else ``release``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from syndicator.charset import decode_body
from syndicator.configbase import ArticleProfile

__all__ = ["ARTICLE_KINDS", "DATA", "KINDS", "CorpusPage", "Kind", "Part", "load_corpus"]

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"
Kind = Literal["release", "repost", "listing", "bilingual", "no_article"]
KINDS: frozenset[str] = frozenset({"release", "repost", "listing", "bilingual", "no_article"})
ARTICLE_KINDS: frozenset[str] = frozenset({"release", "repost"})  # one article, one language
_NEW_FIELDS = ("kind", "body_text", "boilerplate", "profile")


@dataclass(frozen=True, slots=True)
class Part:
    """One language of a bilingual page."""

    lang: str
    title: str
    body_text: str


@dataclass(frozen=True, slots=True)
class CorpusPage:
    name: str
    html: str
    expected: dict[str, Any]
    encoding: str = "utf-8"
    missing: tuple[str, ...] = ()  # new fields this golden file does not have yet
    parts: tuple[Part, ...] = field(default=())

    @property
    def kind(self) -> Kind:
        if "kind" in self.expected:
            return cast(Kind, self.expected["kind"])
        return "no_article" if "error" in self.expected else "release"

    @property
    def page_url(self) -> str:
        return str(self.expected["page_url"])

    @property
    def language(self) -> str | None:
        """The source's declared language, the hint given to the extractor."""
        value = self.expected.get("language")
        return str(value) if value else None

    @property
    def profile(self) -> ArticleProfile | None:
        raw = self.expected.get("profile")
        return ArticleProfile(**raw) if raw else None

    @property
    def body_text(self) -> str | None:
        """The true article body; for a bilingual page its parts joined."""
        if self.parts and "body_text" not in self.expected:
            return "\n\n".join(part.body_text for part in self.parts)
        value = self.expected.get("body_text")
        return str(value) if value is not None else None

    @property
    def boilerplate(self) -> tuple[str, ...]:
        return tuple(self.expected.get("boilerplate") or ())

    @property
    def expects_article(self) -> bool:
        return self.kind not in ("listing", "no_article")


def load_corpus(directory: Path = DATA) -> list[CorpusPage]:
    """Every page of ``directory``, sorted by name; ``ValueError`` for a malformed golden file."""
    return [_load(path) for path in sorted(directory.glob("*.expected.json"))]


def _load(expected_path: Path) -> CorpusPage:
    name = expected_path.name.removesuffix(".expected.json")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    if not isinstance(expected, dict) or "page_url" not in expected:
        raise ValueError(f"{expected_path.name}: not a golden file (no page_url)")
    kind = expected.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"{expected_path.name}: kind {kind!r} is not one of {sorted(KINDS)}")
    html, encoding = decode_body((expected_path.parent / f"{name}.html").read_bytes(), "text/html")
    parts = tuple(
        Part(str(p["lang"]), str(p.get("title", "")), str(p.get("body_text", "")))
        for p in expected.get("parts") or ()
    )
    missing = tuple(key for key in _NEW_FIELDS if key not in expected)
    if kind == "bilingual" and not parts:
        missing += ("parts",)
    return CorpusPage(name, html, expected, encoding, missing, parts)
