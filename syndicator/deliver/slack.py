"""Kind ``slack``: a Slack incoming webhook, Block Kit message."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from syndicator.configbase import DestinationBase

__all__ = ["Config"]


class Config(DestinationBase):
    kind: Literal["slack"]
    webhook_url: SecretStr  # the URL itself is the credential
