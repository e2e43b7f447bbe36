"""The HTTP boundary of the ``mattermost`` kind: one request to a hook or the REST API.

Both the incoming webhook (``POST /hooks/<key>``) and the bot's REST API (``POST
/api/v4/posts``, ``PUT /api/v4/posts/{id}``, ``Authorization: Bearer <token>``) answer
errors the same way, JSON ``{"id": "api.…app_error", "message", "status_code"}``: the
message and id are quoted in our error. 429 (``Retry-After``, else ``X-Ratelimit-Reset``:
seconds, or a Unix time on some proxies) and 5xx are retried; 400/401/403/404 are permanent.
Codes: ``delivery.mattermost_<status>``; transport failures keep ``response.post``'s codes.
Neither the hook key nor the token ever appears in a message.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from pydantic import SecretStr

from syndicator.deliver.response import check_status, post
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after

__all__ = ["request", "returned_id"]

_EPOCH = 1_000_000_000  # an X-Ratelimit-Reset this large is a Unix time, not seconds
_DETAIL_MAX = 200


async def request(
    client: httpx.AsyncClient,
    url: str,
    body: dict[str, Any],
    *,
    target: str,
    method: str = "POST",
    token: SecretStr | None = None,
) -> httpx.Response:
    """Send ``body`` as JSON; the 2xx response, or a ``delivery.mattermost_*`` error."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token.get_secret_value()}"
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return await post(
        client, url, target=target, content=encoded, headers=headers, method=method,
        check=_check,
    )  # fmt: skip


def returned_id(response: httpx.Response, target: str) -> str:
    """The ``id`` of the post the REST API answered with."""
    answer = _json(response)
    post_id = answer.get("id")
    if not isinstance(post_id, str) or not post_id:
        raise RetryableDeliveryError(
            f"{target}: answer without a post id", code="delivery.mattermost_answer"
        )
    return post_id


def _check(target: str, response: httpx.Response) -> None:
    try:
        check_status(target, response)
    except DeliveryError as exc:
        raise _renamed(exc, target, response) from None


def _renamed(exc: DeliveryError, target: str, response: httpx.Response) -> DeliveryError:
    """``delivery.http_429`` → ``delivery.mattermost_429``, Mattermost's own words in the
    message, X-Ratelimit-Reset as the wait when there is no Retry-After."""
    code = f"delivery.mattermost_{exc.status}"
    answer = _json(response)
    words, error_id = answer.get("message"), answer.get("id")
    message = exc.message
    if isinstance(words, str) and isinstance(error_id, str):
        detail = " ".join(f"{words} ({error_id})".split())[:_DETAIL_MAX]
        message = f"{target} answered HTTP {exc.status}: {detail}"
    if not isinstance(exc, RetryableDeliveryError):
        return PermanentDeliveryError(message, code=code, status=exc.status)
    wait = exc.retry_after
    reset = parse_retry_after(response.headers.get("x-ratelimit-reset"))
    if wait is None and reset is not None:
        wait = max(0.0, reset - time.time()) if reset > _EPOCH else reset
    return RetryableDeliveryError(message, code=code, status=exc.status, retry_after=wait)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return answer if isinstance(answer, dict) else {}
