"""Where the headline and the content box usually are, found in one walk over the page.

The generic selectors are few and simple (a tag, a class, an attribute, "inside an
``<article>``"), so they are checked in Python in a single pass rather than by one CSS
traversal each: this runs on every page. Site profiles keep full CSS (``page.select_one``).
"""

from __future__ import annotations

from dataclasses import dataclass

from syndicator.extract.tree import Element, classes, elements, find_parent

__all__ = ["BODY_RULES", "TITLE_RULES", "Rule", "first_matches"]


@dataclass(frozen=True, slots=True)
class Rule:
    css: str  # the selector this rule stands for
    name: str | None = None
    cls: str | None = None
    attr: tuple[str, str] | None = None
    inside: str | None = None  # the tag name of an ancestor

    def matches(self, element: Element, tokens: list[str]) -> bool:
        if self.name is not None and element.tag != self.name:
            return False
        if self.cls is not None and self.cls not in tokens:
            return False
        if self.attr is not None and element.get(self.attr[0]) != self.attr[1]:
            return False
        return self.inside is None or find_parent(element, self.inside) is not None


TITLE_RULES = (
    Rule("h1.entry-title", name="h1", cls="entry-title"),
    Rule("article h1", name="h1", inside="article"),
    Rule("main h1", name="h1", inside="main"),
    Rule("[itemprop=headline]", attr=("itemprop", "headline")),
)
BODY_RULES = (
    Rule(".entry-content", cls="entry-content"),
    Rule("article .content", cls="content", inside="article"),
    Rule("[itemprop=articleBody]", attr=("itemprop", "articleBody")),
    Rule(".wp-block-post-content", cls="wp-block-post-content"),
    Rule(".post-content", cls="post-content"),
    Rule(".article-content", cls="article-content"),
    Rule(".article__body", cls="article__body"),
    Rule(".elementor-widget-theme-post-content", cls="elementor-widget-theme-post-content"),
    Rule("article", name="article"),
    Rule("main", name="main"),
    Rule("[role=main]", attr=("role", "main")),
)


def first_matches(root: Element, rules: tuple[Rule, ...]) -> list[tuple[Rule, Element, bool]]:
    """For each rule that matches, its first element in document order, and whether the rule
    matches again outside it (one fragment of several: ``.article__body`` per section); in
    rule order."""
    first: dict[int, Element] = {}
    again: set[int] = set()
    for element in elements(root):
        tokens = classes(element)
        for index, rule in enumerate(rules):
            if not rule.matches(element, tokens):
                continue
            if index not in first:
                first[index] = element
            elif index not in again and not _inside(element, first[index]):
                again.add(index)
    return [(rules[index], first[index], index in again) for index in sorted(first)]


def _inside(element: Element, container: Element) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())
