"""Contact people from the "Lisätietoja" / "Mer information" / "Further information" block.

Best effort: releases write "Name, title, p. 040 123 4567, name@vaasa.fi" on one line, or
the same facts one per line, or "Lisätietoja antaa kaupunginjohtaja Tomas Häyry, …".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndicator.extract.blocks import Line
from syndicator.extract.readmore import LABEL
from syndicator.model import Contact

__all__ = ["CONTACT_HEADING", "find_contacts"]

CONTACT_HEADING = re.compile(
    r"^\s*(?:lisätie\w*|mer\s+information|ytterligare\s+(?:information|uppgifter)"
    r"|(?:for\s+)?(?:further|more|additional)\s+information|kontakt\w*|contact\w*)"
    r"(?:\s+(?:antaa|antavat|ger|from|lämnar|by))?\s*:?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+(?:@|\s?\(at\)\s?|\s?\[at\]\s?)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:(?:p|puh|tel|tfn|phone|gsm|mob|mobile|matkapuhelin)\.?:?\s*)?(\+?\(?\d[\d ()\-]{5,}\d)",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-ZÅÄÖ][\w'’-]+(?:\s+(?:von\s+|af\s+|de\s+)?[A-ZÅÄÖ][\w'’-]+){1,3}")
_SPLIT = re.compile(r"\s*[,;|/]\s*|\s+[–-]\s+")
_MAX_LINES = 12
_MAX_LINE = 240


@dataclass(slots=True)
class _Draft:
    name: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""

    def frozen(self) -> Contact:
        return Contact(self.name, self.title.strip(" ,."), self.phone, self.email)


def find_contacts(lines: list[Line]) -> tuple[Contact, ...]:
    """Contacts listed after the first contact heading, or ``()``."""
    for index, line in enumerate(lines):
        heading = CONTACT_HEADING.match(line.text)
        if heading is None:
            continue
        rest = line.text[heading.end() :].strip()
        block = ([rest] if rest else []) + _block_after(lines, index)
        contacts = _parse(block)
        if contacts:
            return contacts
    return ()


def _block_after(lines: list[Line], index: int) -> list[str]:
    texts: list[str] = []
    complete = False  # someone with a number or address is already listed
    for line in lines[index + 1 : index + 1 + _MAX_LINES]:
        text = line.text
        if line.block.startswith("h") and line.block[1:].isdigit():
            break
        if LABEL.match(text) or len(text) > _MAX_LINE or CONTACT_HEADING.match(text):
            break
        reachable = _EMAIL.search(text) or _PHONE.search(text)
        if any(not _is_contact_link(link.href) for link in line.links):
            break  # an attachment or a read-more link: the contact block is over
        if complete and not line.after_br and not reachable and not _NAME.search(text):
            break
        complete = complete or bool(reachable)
        texts.append(text)
    return texts


def _is_contact_link(href: str | None) -> bool:
    return (href or "").lower().startswith(("mailto:", "tel:"))


def _parse(texts: list[str]) -> tuple[Contact, ...]:
    contacts: list[Contact] = []
    draft = _Draft()
    for text in texts:
        parts = _parts(text)
        if parts and _complete(draft) and not _reach(parts[0]):
            # "Talvikunnossapidon päivystys, p. 06 …" after a person: a service, not them
            contacts.append(draft.frozen())
            draft = _Draft()
        for part in parts:
            draft = _absorb(draft, part, contacts)
    if draft.name and (draft.phone or draft.email or draft.title):
        contacts.append(draft.frozen())
    return tuple(contacts)


def _complete(draft: _Draft) -> bool:
    return bool(draft.name and (draft.phone or draft.email))


def _reach(part: str) -> bool:
    return bool(_EMAIL.fullmatch(part.strip()) or _PHONE.fullmatch(part.strip()))


def _parts(text: str) -> list[str]:
    """Comma-separated facts in order; addresses and numbers are cut out whole first, so
    the split on "-" or "/" cannot break them."""
    spans = [match.span() for match in _EMAIL.finditer(text)]
    blanked = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    spans += [match.span() for match in _PHONE.finditer(blanked)]
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        parts += _SPLIT.split(text[position:start])
        parts.append(text[start:end])
        position = end
    parts += _SPLIT.split(text[position:])
    return [part for part in parts if part.strip()]


def _absorb(draft: _Draft, part: str, done: list[Contact]) -> _Draft:
    part = part.strip()
    if email := _EMAIL.fullmatch(part):
        if draft.email and draft.name:
            done.append(draft.frozen())
            draft = _Draft()
        draft.email = re.sub(r"\s?[\(\[]at[\)\]]\s?", "@", email.group(0), flags=re.I)
        return draft
    if phone := _PHONE.fullmatch(part):
        if not draft.phone:
            draft.phone = " ".join(phone.group(1).split())
        return draft
    name = _NAME.search(part)
    if name and (not draft.name or draft.phone or draft.email):
        if draft.name:
            done.append(draft.frozen())
            draft = _Draft()
        draft.name = name.group(0)
        left = (part[: name.start()] + " " + part[name.end() :]).strip()
        draft.title = left
        return draft
    draft.title = f"{draft.title}, {part}" if draft.title else part
    return draft
