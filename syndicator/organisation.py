"""PURE: who published a release, in words a reader recognises — never our source name.

Our source names (``vaasa-sv``) are internal: they name a configuration entry, not a
publisher. Every message and feed names the organisation instead, chosen in this order:

1. the source's ``organisation`` setting: one name, or one per language
   (``{fi = "Vaasan kaupunki", sv = "Vasa stad", en = "City of Vaasa"}``), where a
   language without a name takes the first one given;
2. the site's own name from the page (``og:site_name``);
3. the host of the release's URL (``www.vaasa.fi``).

The name is resolved when an item is saved (``stamp``) so the outbox, which knows no
sources, can print it; feeds resolve it again from the current settings
(``organisation_name``), so a changed setting shows at the next rebuild.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from syndicator.locales import normalise_lang
from syndicator.model import Article

__all__ = ["OrganisationSetting", "article_organisation", "organisation_name", "stamp"]

OrganisationSetting = str | Mapping[str, str] | None


def organisation_name(
    setting: OrganisationSetting, lang: str | None, *, site_name: str = "", url: str = ""
) -> str:
    """The publisher's name in ``lang`` (see the module's order); "" only when even the
    URL has no host."""
    if isinstance(setting, str) and setting.strip():
        return _squash(setting)
    named = _in_language(setting, normalise_lang(lang)) if isinstance(setting, Mapping) else ""
    if named:
        return named
    if site_name.strip():
        return _squash(site_name)
    return _host(url)


def article_organisation(article: Article, setting: OrganisationSetting = None) -> str:
    """``article``'s publisher: from ``setting`` when given, else as stamped when saved,
    else from what the page itself says."""
    if setting is None and article.organisation.strip():
        return _squash(article.organisation)
    return organisation_name(setting, article.lang, site_name=article.site_name, url=article.url)


def stamp(article: Article, setting: OrganisationSetting) -> Article:
    """``article`` with its publisher's name resolved, ready to be saved."""
    return replace(article, organisation=article_organisation(article, setting))


def _in_language(names: Mapping[str, str], lang: str | None) -> str:
    usable = {normalise_lang(key): _squash(value) for key, value in names.items() if value.strip()}
    if lang is not None and usable.get(lang):
        return usable[lang]
    return next(iter(usable.values()), "")


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _squash(text: str) -> str:
    return " ".join(text.split())
