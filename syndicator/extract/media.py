"""Images and attachments of a release body, with absolute URLs.

Lazy-loading themes keep the real address in ``data-src`` / ``data-srcset`` and a
placeholder in ``src``; :func:`resolve_lazy_images` rewrites ``src`` in place so that the
sanitised body shows the real picture too.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from syndicator.extract import tree
from syndicator.extract.tree import Element
from syndicator.model import Attachment, Image
from syndicator.urls import absolute_url, canonical_url

__all__ = ["find_attachments", "find_images", "resolve_lazy_images"]

_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset", "srcset")
_PLACEHOLDER = re.compile(r"^data:|placeholder|blank\.gif|spacer\.gif|lazy[-_]?load", re.I)
_MIME_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "csv": "text/csv",
    "zip": "application/zip",
}


def resolve_lazy_images(root: Element, base_url: str) -> None:
    """Give every ``<img>`` its real, absolute ``src`` (or drop it when it has none)."""
    for img in list(root.iterdescendants("img")):  # listed first: the loop drops some
        src = _real_source(img)
        url = absolute_url(src, base_url) if src else None
        if url is None or _is_pixel(img):
            tree.drop(img)  # nothing to show, or a tracking pixel
            continue
        img.set("src", url)
        for attribute in (*_LAZY_SRC, *_LAZY_SRCSET, "sizes", "loading"):
            img.attrib.pop(attribute, "")


def _real_source(img: Element) -> str | None:
    for attribute in _LAZY_SRC:
        if value := _attr(img, attribute):
            return value
    src = _attr(img, "src")
    if src and not _PLACEHOLDER.search(src):
        return src
    for attribute in _LAZY_SRCSET:
        if value := _attr(img, attribute):
            return _largest(value)
    return None


def _largest(srcset: str) -> str | None:
    """The widest candidate of a ``srcset`` (``a.jpg 300w, b.jpg 1024w``)."""
    best: tuple[float, str] | None = None
    for candidate in srcset.split(","):
        fields = candidate.split()
        if not fields:
            continue
        size = 0.0
        if len(fields) > 1 and fields[1][:-1].replace(".", "", 1).isdigit():
            size = float(fields[1][:-1])
        if best is None or size > best[0]:
            best = (size, fields[0])
    return best[1] if best else None


def find_images(
    root: Element | None, og_image: str | None, og_alt: str, base_url: str
) -> tuple[Image, ...]:
    """``og:image`` first, then the body's pictures (figure captions stand in for alt)."""
    images: list[Image] = []
    if og_image and (url := absolute_url(og_image, base_url)):
        images.append(Image(url, og_alt))
    for img in root.iterdescendants("img") if root is not None else ():
        src = _attr(img, "src")
        url = absolute_url(src, base_url) if src else None
        if url is None or _is_pixel(img):
            continue
        images.append(Image(url, _attr(img, "alt") or _caption(img)))
    return _unique_images(images)


def _is_pixel(img: Element) -> bool:
    return _attr(img, "width") in ("0", "1") or _attr(img, "height") in ("0", "1")


def _caption(img: Element) -> str:
    figure = tree.find_parent(img, "figure")
    caption = tree.find(figure, "figcaption") if figure is not None else None
    return tree.text_of(caption, " ", strip=True) if caption is not None else ""


def _unique_images(images: list[Image]) -> tuple[Image, ...]:
    by_url: dict[str, Image] = {}
    for image in images:
        key = canonical_url(image.url)
        if key not in by_url or (image.alt and not by_url[key].alt):
            by_url[key] = Image(image.url, image.alt or by_url.get(key, image).alt)
    return tuple(by_url.values())


def find_attachments(root: Element | None, base_url: str) -> tuple[Attachment, ...]:
    """Links to documents (PDF, Office, OpenDocument, CSV, ZIP) in the body."""
    found: dict[str, Attachment] = {}
    for anchor in root.iterdescendants("a") if root is not None else ():
        if anchor.get("href") is None:
            continue
        url = absolute_url(_attr(anchor, "href"), base_url)
        if url is None:
            continue
        extension = urlsplit(url).path.rsplit(".", 1)[-1].lower()
        if "/" in extension or extension not in _MIME_TYPES:
            continue
        key = canonical_url(url)
        title = tree.text_of(anchor, " ", strip=True) or _attr(anchor, "title")
        if key not in found:
            found[key] = Attachment(key, title, _MIME_TYPES[extension])
    return tuple(found.values())


def _attr(element: Element, name: str) -> str:
    return tree.attr(element, name).strip()
