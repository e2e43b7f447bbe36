"""Where our readers live: the Helsinki clock and their language tags.

Bottom layer (beside ``model``, ``errors`` and ``config``): every module that shows, parses or
compares local times uses ``HELSINKI``, and every module that reads a language tag from a page,
a feed, an API or a header reduces it with ``normalise_lang``, so ``"sv-FI"`` means the same
everywhere.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

__all__ = ["HELSINKI", "HELSINKI_NAME", "normalise_lang"]

HELSINKI_NAME = "Europe/Helsinki"
HELSINKI = ZoneInfo(HELSINKI_NAME)

# The primary subtag: 2-3 ASCII letters (ISO 639-1/-2), ending the tag or followed by a
# subtag ("fi-FI"), a POSIX region ("sv_FI") or codeset/modifier ("sv_FI.UTF-8", "ca@valencia").
_PRIMARY = re.compile(r"([A-Za-z]{2,3})(?:$|[-_.@])")


def normalise_lang(tag: object) -> str | None:
    """A language tag's primary language, lower case: ``"fi-FI"``, ``"fi_FI"``, ``"FI"`` → ``"fi"``.

    None for anything that names no language: None, non-strings, ``""``, ``"x-default"``,
    ``"i-klingon"``, ``"*"``, ``"12"``, ``"nonsense"``. Only the primary subtag is read, so a
    sloppy region (``"en-us,fi"``) still yields ``"en"``.
    """
    if not isinstance(tag, str):
        return None
    match = _PRIMARY.match(tag.strip())
    return match.group(1).lower() if match else None
