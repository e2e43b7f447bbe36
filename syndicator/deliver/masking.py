"""Printing a destination's target without its secrets (logs, CLI, status page).

A kind declares a setting secret by its type, ``SecretStr`` (hidden in ``repr``, ``str`` and
dumps; the Config sets ``hide_input_in_errors`` so validation errors do not quote it either),
and builds its ``redacted()`` text from these helpers, so secrets are masked the same way
everywhere. What ``redacted()`` may show differs per kind (a Slack URL is the credential, a
webhook URL is not), so it is written per kind, not derived from a list of names.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["MASK", "mask_url", "scrub"]

MASK = "***"
_HINT = 3  # characters of a masked path segment kept as a hint ("T00…")


def mask_url(url: str, *, visible_segments: int | None = 0) -> str:
    """Scheme, host and port always; the first ``visible_segments`` path segments (None: all,
    for URLs that are not secret themselves); a 3-character hint of the next segment when it
    is long enough; everything else (more path, query, fragment, user info) masked.

    ``mask_url("https://hooks.slack.com/services/T0123ABCD/B0456/XXXX", visible_segments=1)``
    → ``"https://hooks.slack.com/services/T01…/***"``.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return MASK
    if ":" in host:
        host = f"[{host}]"
    base = f"{parts.scheme}://{host}{port}" if parts.scheme else MASK
    segments = [segment for segment in parts.path.split("/") if segment]
    cut = len(segments) if visible_segments is None else visible_segments
    shown, hidden = segments[:cut], segments[cut:]
    path = "".join(f"/{segment}" for segment in shown)
    if hidden:
        first = hidden[0]
        path += f"/{first[:_HINT]}…/{MASK}" if len(first) > 2 * _HINT else f"/{MASK}"
    if parts.query or parts.fragment:
        path += f"?{MASK}"
    return base + path


def scrub(text: str, secrets: tuple[str, ...], replacement: str = MASK) -> str:
    """``text`` with every non-empty secret replaced (for foreign error messages)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, replacement)
    return text
