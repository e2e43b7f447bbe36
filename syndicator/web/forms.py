"""Reading a request body capped while it streams, and small
``application/x-www-form-urlencoded`` forms on top of it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

__all__ = ["FORM_TYPE", "read_body", "read_form"]

FORM_TYPE = "application/x-www-form-urlencoded"


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body as it arrived (no content coding is undone); None once it passes ``limit``
    bytes (reading stops there)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def read_form(request: Request, limit: int) -> dict[str, str] | None:
    """The form's fields (the first of repeated keys); None when the body is not a form,
    is longer than ``limit`` bytes (reading stops there) or is not UTF-8."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        return None
    body = await read_body(request, limit)
    if body is None:
        return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form
