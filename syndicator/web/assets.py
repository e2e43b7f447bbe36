"""``GET /static/copy.js``: our one script, the index's "Copy" buttons beside the feed
addresses (progressive enhancement: without it the addresses are still there to select).

The index's Content-Security-Policy allows it by its hash, ``script-src 'sha256-…'``, which
the browser matches against the ``integrity`` attribute of the script's tag: no other script
runs, not even another one from our origin (browsers before Chrome 59, Firefox 116 or
Safari 15.6 refuse it too, and show the plain fields). Its URL carries a digest of its bytes
(``?v=``), so it is cached for a year and a new release of it is fetched at once.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from syndicator.web.cache import encode
from syndicator.web.conditional import conditional_response

__all__ = ["COPY_SCRIPT", "COPY_SCRIPT_HASH", "COPY_SCRIPT_URL", "asset_routes"]

_PATH = "static/copy.js"
COPY_SCRIPT = (files("syndicator.web") / _PATH).read_bytes()
_DIGEST = hashlib.sha256(COPY_SCRIPT).digest()
COPY_SCRIPT_HASH = "sha256-" + base64.b64encode(_DIGEST).decode()  # CSP source and SRI value
COPY_SCRIPT_URL = f"{_PATH}?v={_DIGEST.hex()[:16]}"  # relative: the index may sit below /
_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",  # a new script has a new ?v=
    "X-Content-Type-Options": "nosniff",
}


def asset_routes() -> list[Route]:
    """``GET /static/copy.js`` with its ETag (brotli and gzip when the client takes them)."""
    rendered = encode(COPY_SCRIPT, "text/javascript", None)

    async def copy_script(request: Request) -> Response:
        return conditional_response(request, rendered, _HEADERS)

    return [Route(f"/{_PATH}", copy_script, methods=["GET"])]
