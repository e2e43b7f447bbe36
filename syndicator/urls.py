"""URL identity: canonical form (the item's identity) and absolute links."""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

__all__ = [
    "absolute_url",
    "canonical_url",
    "url_variants",
]

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "yclid",
        "msclkid",
        "igshid",
        "ref_src",
        "ref_url",
        "twclid",
        "li_fat_id",
        "s_cid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REFUSED_SCHEMES = frozenset({"javascript", "mailto", "data", "tel", "vbscript", "file", "about"})


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters.

    The rest of the query is kept byte for byte and in order: re-encoding it would turn
    one URL into two identities.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: keep what we were given
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal: hostname dropped its brackets
        host = f"[{host}]"
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, _drop_tracking(parts.query), ""))


def _drop_tracking(query: str) -> str:
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return "&".join(kept)


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).lower()
    return key in _TRACKING or key.startswith(_TRACKING_PREFIXES)


def absolute_url(href: str, base: str) -> str | None:
    """``href`` resolved against ``base``; None for script, mail and data links or nothing."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        scheme = urlsplit(href).scheme.lower()
        if scheme in _REFUSED_SCHEMES or (scheme and scheme not in ("http", "https")):
            return None
        resolved = urljoin(base, href)
        if urlsplit(resolved).scheme not in ("http", "https"):
            return None
    except ValueError:  # e.g. an unbalanced IPv6 bracket in a hand-written href
        return None
    return resolved


def url_variants(url: str) -> tuple[str, ...]:
    """``url`` first, then the spellings that name the same page: http/https and with or
    without a trailing slash. The store looks an item up by all of them, so a site that
    switches scheme or slash style does not turn one release into two."""
    base, hash_mark, fragment = url.partition("#")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https"):
        return (url,)
    path = parts.path or "/"
    paths = [path] if path == "/" else [path, path[:-1] if path.endswith("/") else path + "/"]
    variants = [url]
    for scheme in (parts.scheme, "https" if parts.scheme == "http" else "http"):
        for other in paths:
            spelled = (
                urlunsplit((scheme, parts.netloc, other, parts.query, "")) + hash_mark + fragment
            )
            if spelled not in variants:
                variants.append(spelled)
    return tuple(variants)
