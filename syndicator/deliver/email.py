"""Kind ``email``: one multipart (text + HTML) message per release per recipient list, over SMTP."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from syndicator.configbase import DestinationBase

__all__ = ["Config"]


class Config(DestinationBase):
    kind: Literal["email"]
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    recipients: tuple[str, ...] = Field(min_length=1)
    timeout: float = 30.0
