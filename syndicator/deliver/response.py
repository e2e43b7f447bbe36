"""The HTTP boundary of the destinations: send one request, interpret the answer.

``post`` is the one place where httpx exceptions become delivery errors; ``check_status``
maps an HTTP status to ours. Codes: ``delivery.http_<status>``, ``delivery.timeout``,
``delivery.connect``, ``delivery.transport``, ``delivery.invalid_url``. Messages name the
redacted target, never the real URL (which may be the credential, as with Slack).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from syndicator.configbase import HttpSettings
from syndicator.deliver.masking import scrub
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after

__all__ = [
    "DEFAULT_USER_AGENT",
    "RETRYABLE_STATUSES",
    "check_status",
    "post",
]

RETRYABLE_STATUSES = frozenset({408, 425, 429})  # plus every 5xx
DEFAULT_USER_AGENT: str = HttpSettings.model_fields["user_agent"].default
_DETAIL_MAX = 200  # characters of the remote's answer quoted in an error message


async def post(
    client: httpx.AsyncClient,
    url: str,
    *,
    target: str,
    content: bytes,
    headers: Mapping[str, str],
    method: str = "POST",
    check: Callable[[str, httpx.Response], None] | None = None,
) -> httpx.Response:
    """POST (or ``method``) ``content`` to ``url``; a 2xx response, or a delivery error
    naming ``target``. ``check`` replaces ``check_status`` for an API whose errors are in
    its JSON body (it raises for a refusal, or accepts any answer and maps it later)."""
    sent = dict(headers)
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        sent.setdefault("User-Agent", DEFAULT_USER_AGENT)
    try:
        response = await client.request(method, url, content=content, headers=sent)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _transport_error(target, url, exc) from None
    (check or check_status)(target, response)
    return response


def check_status(target: str, response: httpx.Response) -> None:
    """Nothing for 2xx; RetryableDeliveryError for 408/425/429/5xx; else Permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = _detail(response)
    message = f"{target} answered HTTP {status}" + (f": {detail}" if detail else "")
    code = f"delivery.http_{status}"
    if status in RETRYABLE_STATUSES or 500 <= status < 600:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise RetryableDeliveryError(message, code=code, status=status, retry_after=retry_after)
    raise PermanentDeliveryError(message, code=code, status=status)


def _detail(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


def _transport_error(
    target: str, url: str, exc: httpx.HTTPError | httpx.InvalidURL
) -> RetryableDeliveryError | PermanentDeliveryError:
    reason = scrub(str(exc) or type(exc).__name__, (url,), target)
    if isinstance(exc, httpx.TimeoutException):
        return RetryableDeliveryError(
            f"{target} timed out ({type(exc).__name__})", code="delivery.timeout"
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return PermanentDeliveryError(f"{target}: {reason}", code="delivery.invalid_url")
    if isinstance(exc, httpx.ConnectError):
        return RetryableDeliveryError(
            f"{target}: could not connect: {reason}", code="delivery.connect"
        )
    return RetryableDeliveryError(f"{target}: {reason}", code="delivery.transport")
