"""The one exception tree of syndicator.

Every error carries a stable ``code`` (``fetch.http_503``) used in logs, metrics, the
status page and the translated messages. Foreign exceptions are mapped to these at one
boundary: ``http.py`` for fetching, each ``deliver/<kind>`` module for its remote API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = [
    "ConfigError",
    "DeliveryError",
    "ExtractError",
    "FetchError",
    "PartialDeliveryError",
    "PermanentDeliveryError",
    "RetryableDeliveryError",
    "StoreError",
    "SyndicatorError",
]


class SyndicatorError(Exception):
    """Base of every error we raise on purpose."""

    code: str = "syndicator.error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class ConfigError(SyndicatorError):
    """feeds.toml is missing, unreadable or invalid. ``problems`` lists each one."""

    code = "config.invalid"  # also "config.port_in_use", "config.cannot_listen"

    def __init__(
        self, message: str, *, problems: list[str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.problems: list[str] = problems or [message]


class FetchError(SyndicatorError):
    """A source could not be fetched. ``code`` is e.g. ``fetch.timeout``, ``fetch.http_503``,
    ``fetch.too_large``, ``fetch.blocked_address``, ``fetch.robots_disallowed``."""

    code = "fetch.failed"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.url = url
        self.status = status
        self.retry_after = retry_after


class ExtractError(SyndicatorError):
    """A page held no article we could extract (``extract.no_article``)."""

    code = "extract.failed"


class StoreError(SyndicatorError):
    """The store is unreachable or its schema is wrong."""

    code = "store.failed"


class DeliveryError(SyndicatorError):
    """A destination did not accept a message."""

    code = "delivery.failed"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status


class RetryableDeliveryError(DeliveryError):
    """Try again later; ``retry_after`` (seconds) when the remote said how long to wait."""

    code = "delivery.retryable"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class PartialDeliveryError(RetryableDeliveryError):
    """Some recipients took the message, others refused it (e-mail RCPT replies).

    ``accepted`` have it and must never get it again; ``refused`` maps each other address to
    the server's reply ``(code, text)``. A 4xx refusal is retried for that address alone
    (``temporary``); a 5xx one is final for it."""

    code = "delivery.partial"

    def __init__(
        self,
        message: str,
        *,
        accepted: Sequence[str],
        refused: Mapping[str, tuple[int, str]],
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.accepted = tuple(accepted)
        self.refused = dict(refused)

    @property
    def temporary(self) -> tuple[str, ...]:
        """The refused addresses worth another try (4xx)."""
        return tuple(address for address, (code, _) in self.refused.items() if code < 500)


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (4xx other than 408/429, bad credentials, rejected payload)."""

    code = "delivery.permanent"
