"""Kind ``console``: prints each message to standard output; for local use and the demo."""

from __future__ import annotations

from typing import Literal

from syndicator.configbase import DestinationBase

__all__ = ["Config"]


class Config(DestinationBase):
    kind: Literal["console"]
