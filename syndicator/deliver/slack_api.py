"""Slack's Web API as the ``slack`` kind uses it in bot mode: one call, its answer mapped.

``POST {api_url}/{method}`` with ``Authorization: Bearer <token>`` and a JSON body
(api.slack.com/web#posting_json). Slack answers HTTP 200 even for a refusal, with
``{"ok": false, "error": "<code>"}`` in the body, so the body decides:

- ``ok: true`` → the answer (``channel``, ``ts``…);
- HTTP 429 with ``Retry-After`` (Slack's rate limiting) and ``ratelimited`` → retryable;
- 5xx and Slack's own ``internal_error``, ``fatal_error``, ``service_unavailable``,
  ``request_timeout`` → retryable;
- every other error (``invalid_auth``, ``not_authed``, ``token_revoked``,
  ``channel_not_found``, ``not_in_channel``, ``is_archived``, ``message_not_found``,
  ``cant_update_message``, ``invalid_blocks``, ``missing_scope``…) → permanent.

Codes are ``delivery.slack_<error>`` (``delivery.slack_channel_not_found``), Slack's own
stable error strings; an HTTP failure without one is ``delivery.slack_http_<status>``.
The token is only ever in a header: errors name the redacted target.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from pydantic import SecretStr

from syndicator.deliver.response import post
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.httperrors import parse_retry_after

__all__ = ["DEFAULT_API_URL", "RETRYABLE_ERRORS", "call", "split_remote_id"]

DEFAULT_API_URL = "https://slack.com/api"
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_ERROR = re.compile(r"^[a-z0-9_]{1,64}$")  # Slack's error strings; anything else is not one
_DETAIL_MAX = 200


async def call(
    api_url: str,
    token: SecretStr,
    method: str,
    body: dict[str, Any],
    client: httpx.AsyncClient,
    *,
    target: str,
) -> dict[str, Any]:
    """The answer of one Web API ``method`` (``ok`` was true), or a delivery error."""
    where = f"{target} {method}"
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Authorization": f"Bearer {token.get_secret_value()}",
        "Content-Type": "application/json; charset=utf-8",
    }
    response = await post(
        client, f"{api_url.rstrip('/')}/{method}", target=where, content=encoded,
        headers=headers, check=_check,
    )  # fmt: skip
    return _answer(response)


def split_remote_id(remote_id: str | None, target: str) -> tuple[str, str]:
    """``"C0123ABCD:1741766400.000100"`` → (channel id, ts); a permanent error otherwise."""
    channel, _, ts = (remote_id or "").partition(":")
    if not channel or not re.fullmatch(r"[0-9]+\.[0-9]+", ts):
        raise PermanentDeliveryError(
            f"{target}: {remote_id!r} is not a Slack message id (channel:ts)",
            code="delivery.slack_remote_id",
        )
    return channel, ts


def _check(target: str, response: httpx.Response) -> None:
    status = response.status_code
    answer = _answer(response)
    if 200 <= status < 300 and answer.get("ok") is True:
        return
    error = answer.get("error")
    error = error if isinstance(error, str) and _ERROR.match(error) else None
    if status == 429:
        error = error or "ratelimited"
    detail = error or " ".join(response.text.split())[:_DETAIL_MAX] or "no answer"
    message = f"{target} answered HTTP {status}: {detail}"
    code = f"delivery.slack_{error}" if error else f"delivery.slack_http_{status}"
    if error in RETRYABLE_ERRORS or status >= 500 or (200 <= status < 300 and error is None):
        wait = parse_retry_after(response.headers.get("retry-after"))
        raise RetryableDeliveryError(message, code=code, status=status, retry_after=wait)
    raise PermanentDeliveryError(message, code=code, status=status)


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return answer if isinstance(answer, dict) else {}
