"""Release text as literal CommonMark, for the kinds whose service renders Markdown
(Mattermost posts, Apprise's markdown body format).

Control characters are backslash-escaped and a line that would start a list is made
plain, so a release can never add links, emphasis or headings of its own; ``markdown_link``
is the one way we add a link. (Discord's Markdown differs: see ``discord.escape_markdown``;
Slack's mrkdwn: ``render.escape_mrkdwn``.)
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["escape_markdown", "markdown_link"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_LINE_START = re.compile(r"^(\s*)(-|\d+\.)(?=\s)", re.MULTILINE)  # would start a list


def escape_markdown(text: str) -> str:
    """Release text as literal Markdown: control characters backslash-escaped, a line that
    would start a list made plain."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(_plain_line, escaped)


def markdown_link(url: str, label: str) -> str:
    """``[label](url)`` with brackets, parentheses and spaces in the URL percent-encoded."""
    safe_url = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return f"[{escape_markdown(label)}]({safe_url})"


def _plain_line(match: re.Match[str]) -> str:
    marker = match.group(2)
    return match.group(1) + ("\\-" if marker == "-" else marker[:-1] + "\\.")
