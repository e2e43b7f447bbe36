"""The pages in a real browser: a reader's way through them under the pages' own CSP with
no console error, then axe-core on each page. Screenshots go to build/artifacts/screenshots/
and axe's full findings to build/artifacts/axe.json (CI keeps both)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, Route, expect

from syndicator.i18n import translate
from tests.browser.conftest import EDITED, SCREENSHOTS, Site
from tests.publish.samples import TITLES

TIMEOUT_MS = 30_000  # a loaded 2-core machine: wait long, never sleep
INDEX_TITLES = {
    "fi": "Vaasa — Tiedotteet syötteinä",
    "sv": "Vasa — Pressmeddelanden som flöden",
    "en": "Vaasa (en) — Press releases as feeds",
}
SERIOUS = ("serious", "critical")
PIXEL = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
CHECKED = {"html-has-lang", "landmark-one-main", "color-contrast", "region"}  # ran, and passed
expect.set_options(timeout=TIMEOUT_MS)
_AXE_RUN = """async () => {
    const found = await axe.run(document);
    return {passed: found.passes.map(rule => rule.id),
            violations: found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                    nodes: v.nodes.map(n => n.target.join(" "))}))};
}"""


async def offline(context: BrowserContext, site: Site) -> None:
    """No request leaves 127.0.0.1: a release's images (on the city's site) are answered
    with a pixel; any other off-site request fails, and shows as a console error."""

    async def answer(route: Route) -> None:
        if route.request.url.startswith(site.url):
            await route.continue_()
        elif route.request.resource_type == "image":
            await route.fulfill(content_type="image/svg+xml", body=PIXEL)
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", answer)


def watch(context: BrowserContext) -> list[str]:
    """Every console error (CSP violations among them) and uncaught page error, as text."""
    errors: list[str] = []
    context.on(
        "console",
        lambda m: errors.append(f"{m.text} at {m.location['url']}") if m.type == "error" else None,
    )
    context.on("weberror", lambda e: errors.append(f"pageerror: {e.error}"))
    return errors


async def open_page(context: BrowserContext) -> Page:
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


async def test_a_reader_goes_through_the_pages_without_a_console_error(
    browser: Browser, site: Site
) -> None:
    context = await browser.new_context(locale="fi-FI", base_url=site.url)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url[:-1])
    await offline(context, site)
    errors = watch(context)
    page = await open_page(context)

    await page.goto("")  # Finnish from Accept-Language
    await expect(page).to_have_title(INDEX_TITLES["fi"])
    await expect(page.locator("html")).to_have_attribute("lang", "fi")
    await shoot(page, "index-fi")
    for lang in ("sv", "en"):
        await page.locator(f"header nav a[hreflang={lang}]").click()
        await expect(page).to_have_title(INDEX_TITLES[lang])
        await expect(page.locator("header h1")).to_have_text(INDEX_TITLES[lang])
        heading = page.locator("#feeds-all h2")
        await expect(heading).to_have_text(translate("index.all_languages", lang))
        await shoot(page, f"index-{lang}")

    await _copy_a_feed_address(page, site)

    await page.locator("#feeds-sv ul").last.get_by_role("link", name=TITLES["sv"]).click()
    await expect(page.locator("header h1")).to_have_text(TITLES["sv"])
    article = page.locator("main article")
    await expect(article.get_by_text("Ingressi sv: äöå ÄÖÅ & <tagit>")).to_be_visible()
    await expect(article.get_by_text("Runko sv äöå")).to_be_visible()
    others = page.get_by_role("navigation", name=translate("label.other_languages", "en"))
    await expect(others.get_by_role("link", name=TITLES["en"])).to_be_visible()
    await others.get_by_role("link", name=EDITED).click()  # the Finnish one, edited once
    await expect(page.locator("header h1")).to_have_text(EDITED)
    await expect(page.locator("#versions > ol > li")).to_have_count(2)
    await shoot(page, "release")

    await page.goto("status?lang=en")
    await expect(page.locator("#sources tr")).to_have_count(3)
    await expect(page.locator("#destinations")).to_contain_text("delivery.http_404")
    await shoot(page, "status")
    await page.goto("embed/fi")
    await expect(page.locator("h1")).to_have_text(f"Vaasa — {translate('index.latest', 'fi')}")
    await expect(page.get_by_role("link", name=EDITED)).to_be_visible()
    await shoot(page, "embed-fi")
    await context.close()
    assert errors == []


async def _copy_a_feed_address(page: Page, site: Site) -> None:
    """The copy button beside the combined Atom feed puts its absolute address on the
    clipboard, and that address answers."""
    item = page.locator("#feeds-all li").first
    address = await item.locator("input[type=url]").input_value()
    assert address == f"{site.url}feeds/atom.xml"
    button = item.get_by_role("button")
    await expect(button).to_have_text(translate("index.copy", "en"))
    await button.click()
    await expect(button).to_have_text(translate("index.copied", "en"))
    assert await page.evaluate("navigator.clipboard.readText()") == address
    feed = await page.request.get(address)
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")


async def test_without_javascript_the_addresses_are_still_there_to_select(
    browser: Browser, site: Site
) -> None:
    context = await browser.new_context(java_script_enabled=False, base_url=site.url)
    await offline(context, site)
    errors = watch(context)
    page = await open_page(context)
    await page.goto("?lang=sv")
    field = page.get_by_role("textbox", name=translate("index.feed_address", "sv")).first
    await expect(field).to_have_value(f"{site.url}feeds/atom.xml")
    await expect(page.locator("#feeds-all button")).to_have_count(0)
    await page.get_by_role("link", name=TITLES["en"]).click()  # the pages need no script
    await expect(page.locator("header h1")).to_have_text(TITLES["en"])
    await context.close()
    assert errors == []


async def test_axe_finds_nothing_serious_on_any_page(
    browser: Browser, site: Site, axe: Path
) -> None:
    # Only here is the pages' CSP bypassed: axe is a script the CSP rightly refuses.
    context = await browser.new_context(bypass_csp=True, base_url=site.url)
    await offline(context, site)
    page = await open_page(context)
    paths = [
        "?lang=fi", "?lang=sv", "?lang=en&q=school", f"releases/{site.ids['fi']}?lang=sv",
        "status?lang=fi", "embed/sv",
    ]  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    passed: dict[str, set[str]] = {}
    for path in paths:
        await page.goto(path)
        await page.add_script_tag(path=axe)
        results = await page.evaluate(_AXE_RUN)
        found[path], passed[path] = results["violations"], set(results["passed"])
    await context.close()
    report = SCREENSHOTS.parent / "axe.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(found, indent=1, ensure_ascii=False), "utf-8")
    serious = {path: [v for v in found[path] if v["impact"] in SERIOUS] for path in paths}
    assert serious == {path: [] for path in paths}
    assert {path: CHECKED - rules for path, rules in passed.items()} == {p: set() for p in paths}
