"""Kind ``webhook``: a JSON POST signed per the Standard Webhooks spec."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from syndicator.configbase import DestinationBase, Url

__all__ = ["Config"]


class Config(DestinationBase):
    kind: Literal["webhook"]
    url: Url
    secret: SecretStr  # "whsec_<base64>" as the Standard Webhooks libraries expect
