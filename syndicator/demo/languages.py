"""The demo site's words and paths in each language (vaasa.fi style), and the feeds.toml
``[[sources]]`` that read its listings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGES", "SiteLanguage", "demo_source", "demo_sources"]


@dataclass(frozen=True, slots=True)
class SiteLanguage:
    code: str
    html_lang: str
    locale: str
    prefix: str  # path prefix of the language: "", "sv/", "en/"
    listing: str  # listing path (no leading slash)
    site_name: str
    listing_title: str
    published: str
    updated: str
    at: str
    contact: str
    read_more: str
    attachment: str
    share: str
    related: str
    more: str
    next: str
    skip: str
    switch: str
    nav: tuple[tuple[str, str], ...]
    cookie_title: str
    cookie_text: str
    cookie_more: str
    cookie_accept: str
    footer: str


LANGUAGES: dict[str, SiteLanguage] = {
    "fi": SiteLanguage(
        code="fi",
        html_lang="fi-FI",
        locale="fi_FI",
        prefix="",
        listing="ajankohtaista/tiedotteet/",
        site_name="Vaasan kaupunki",
        listing_title="Tiedotteet",
        published="Julkaistu",
        updated="Päivitetty",
        at="klo",
        contact="Lisätietoja",
        read_more="Lue lisää:",
        attachment="Liite (PDF)",
        share="Jaa:",
        related="Muut tiedotteet",
        more="Lue lisää",
        next="Seuraava",
        skip="Siirry sisältöön",
        switch="Suomeksi",
        nav=(
            ("/", "Etusivu"),
            ("/asuminen/", "Asuminen ja ympäristö"),
            ("/kulttuuri/", "Kulttuuri ja vapaa-aika"),
            ("/ajankohtaista/", "Lue lisää ajankohtaisista"),
        ),
        cookie_title="Yksityisyydensuoja",
        cookie_text=(
            "Tämä verkkosivusto käyttää evästeitä, jotta voimme tarjota sinulle parhaan "
            "mahdollisen käyttökokemuksen. Evästetiedot tallennetaan selaimeesi ja niiden avulla "
            "voidaan esimerkiksi tunnistaa sinut, kun palaat sivustollemme, sekä auttaa tiimiämme "
            "ymmärtämään, mitkä osiot sivustolla ovat mielestäsi kiinnostavimpia ja hyödyllisimpiä."
        ),
        cookie_more="Lue lisää",
        cookie_accept="Hyväksy",
        footer="Vaasan kaupunki, PL 3, 65101 Vaasa · Kaupungintalo, Kauppapuistikko 11 · "
        "p. 06 325 1111 · kirjaamo@vaasa.fi",
    ),
    "sv": SiteLanguage(
        code="sv",
        html_lang="sv-FI",
        locale="sv_FI",
        prefix="sv/",
        listing="sv/aktuellt/pressmeddelanden/",
        site_name="Vasa stad",
        listing_title="Pressmeddelanden",
        published="Publicerad",
        updated="Uppdaterad",
        at="kl.",
        contact="Mer information",
        read_more="Läs mer:",
        attachment="Bilaga (PDF)",
        share="Dela:",
        related="Andra pressmeddelanden",
        more="Läs mer",
        next="Nästa",
        skip="Gå till innehållet",
        switch="På svenska",
        nav=(
            ("/sv/", "Startsida"),
            ("/sv/boende/", "Boende och miljö"),
            ("/sv/kultur/", "Kultur och fritid"),
            ("/sv/aktuellt/", "Läs mer om aktuellt"),
        ),
        cookie_title="Integritetsskydd",
        cookie_text=(
            "Den här webbplatsen använder kakor för att vi ska kunna erbjuda dig bästa möjliga "
            "användarupplevelse. Informationen i kakorna sparas i din webbläsare och används till "
            "exempel för att känna igen dig när du återvänder till vår webbplats och för att "
            "hjälpa vårt team att förstå vilka delar av webbplatsen du tycker är mest "
            "intressanta och användbara."
        ),
        cookie_more="Läs mer",
        cookie_accept="Godkänn",
        footer="Vasa stad, PB 3, 65101 Vasa · Stadshuset, Handelsesplanaden 11 · "
        "tfn 06 325 1111 · registratur@vaasa.fi",
    ),
    "en": SiteLanguage(
        code="en",
        html_lang="en-GB",
        locale="en_GB",
        prefix="en/",
        listing="en/news/press-releases/",
        site_name="City of Vaasa",
        listing_title="Press releases",
        published="Published",
        updated="Updated",
        at="at",
        contact="Further information",
        read_more="Read more:",
        attachment="Attachment (PDF)",
        share="Share:",
        related="Other press releases",
        more="Read more",
        next="Next",
        skip="Skip to content",
        switch="In English",
        nav=(
            ("/en/", "Home"),
            ("/en/living/", "Living and environment"),
            ("/en/culture/", "Culture and leisure"),
            ("/en/news/", "Read more news"),
        ),
        cookie_title="Privacy",
        cookie_text=(
            "This website uses cookies so that we can provide you with the best possible user "
            "experience. Cookie information is stored in your browser and is used, for example, to "
            "recognise you when you return to our website and to help our team understand which "
            "sections of the website you find most interesting and useful."
        ),
        cookie_more="Read more",
        cookie_accept="Accept",
        footer="City of Vaasa, P.O. Box 3, FI-65101 Vaasa, Finland · "
        "City Hall, Kauppapuistikko 11 · "
        "tel. +358 6 325 1111 · kirjaamo@vaasa.fi",
    ),
}


def demo_sources(
    base_url: str,
    *,
    interval: str = "10s",
    languages: tuple[str, ...] = ("fi", "sv", "en"),
    catch_up: bool = True,
    prefix: str = "demo",
    withdraw_after: str | None = None,
) -> str:
    """The ``[[sources]]`` of feeds.toml for the sample site: kind html, one per language."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return "\n".join(
        demo_source(
            f"{prefix}-{code}",
            f"{base}{LANGUAGES[code].listing}",
            code,
            interval=interval,
            catch_up=catch_up,
            withdraw_after=withdraw_after,
        )
        for code in languages
    )


def demo_source(
    name: str,
    url: str,
    language: str,
    *,
    interval: str = "10s",
    catch_up: bool = True,
    withdraw_after: str | None = None,
) -> str:
    """One ``[[sources]]`` block with the sample site's listing and article selectors."""
    withdraw = f'withdraw_after = "{withdraw_after}"\n' if withdraw_after else ""
    return f"""[[sources]]
name = "{name}"
kind = "html"
language = "{language}"
urls = ["{url}"]
interval = "{interval}"
jitter = "0s"
catch_up = {str(catch_up).lower()}
max_pages = 2
{withdraw}[sources.selectors]
item = "article.news-item"
link = "h2.news-title a[href]"
title = "h2.news-title"
date = "time[datetime]"
teaser = "p.excerpt"
next_page = "a.next.page-numbers"
[sources.article]
title = "h1.entry-title"
body = ".entry-content"
lead = "p.ingress"
published = "time.entry-date.published"
updated = "time.updated"
remove = [".share-buttons", ".related-posts", "#cookie-notice", ".lang-switcher"]
"""
