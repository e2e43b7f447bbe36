"""Decode a fetched body to text, the way a browser would, without ever raising.

Order (as WHATWG): a UTF-8/UTF-16 byte order mark → the Content-Type charset → ``<meta
charset>`` / http-equiv (or an XML declaration) in the first 4 KB → UTF-8 when the bytes are
valid UTF-8 → windows-1252.
Labels that mean windows-1252 to browsers (latin-1, ascii) are decoded as windows-1252.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_body", "sniff_encoding"]

_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE | re.DOTALL
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WINDOWS_1252_ALIASES = frozenset({"latin_1", "ascii", "iso8859_1"})
_SNIFF_BYTES = 4096


def _normalise(label: str) -> str | None:
    """A Python codec name for ``label``; None when unknown."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    if name.replace("-", "_") in _WINDOWS_1252_ALIASES:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # a <meta> claiming UTF-16 in an ASCII-compatible body is a lie
    return name


def sniff_encoding(content: bytes, content_type: str) -> str:
    """The encoding to decode ``content`` with. A BOM wins over every label: servers and
    templates mislabel, but a BOM is only ever written by the encoder that made the bytes."""
    for bom, bom_encoding in _BOMS:
        if content.startswith(bom):
            return bom_encoding
    match = _CONTENT_TYPE_CHARSET.search(content_type)
    if match and (name := _normalise(match.group(1))):
        return name
    head = content[:_SNIFF_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found and (name := _normalise(found.group(1).decode("ascii", "replace"))):
            return name
    try:  # final=False: a body cut at max_body_bytes may end inside a character
        codecs.getincrementaldecoder("utf-8")().decode(content, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_body(content: bytes, content_type: str) -> tuple[str, str]:
    """``(text, encoding)``; undecodable bytes become U+FFFD, never an exception."""
    encoding = sniff_encoding(content, content_type)
    text = content.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff"), encoding
