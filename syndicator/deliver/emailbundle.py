"""One mail of bundles: compose it, send it, record the outcome of every row it covers.

A bundle is one release in one mail: the claimed outbox rows it settles (the first is
delivered, the others skipped "sent together with …") and its language versions in the
destination's order. A digest is one mail of many bundles; a bilingual release one mail of
one bundle with several versions; any other bundle an ordinary release mail. The outcome
is recorded for all rows in one transaction (``Store.settle_digest`` and friends), so a
mail is delivered, retried or dead-lettered whole; the Message-ID of a digest or a
bilingual mail derives from its set of delivery ids, so a retry is the same mail.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from syndicator.deliver.attempt import Attempt
from syndicator.deliver.digest import digest_html, digest_subject, digest_text
from syndicator.deliver.email import SUBJECT_MAX, Config, build_email, compose, message_id, transmit
from syndicator.deliver.emailbody import bilingual_html, bilingual_text
from syndicator.deliver.policy import DrainResult, retry_delay
from syndicator.deliver.render import headline, truncate
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.logs import log_event
from syndicator.model import Delivery, Message
from syndicator.offload import offload

__all__ = ["Bundle", "send_mail", "settle_failed"]

log = logging.getLogger("syndicator.outbox")


@dataclass(frozen=True, slots=True)
class Bundle:
    """One release in one mail (see the module docstring)."""

    rows: tuple[Delivery, ...]
    messages: tuple[Message, ...]


async def send_mail(
    attempt: Attempt, config: Config, mail: Sequence[Bundle], result: DrainResult
) -> None:
    rows = [row for bundle in mail for row in bundle.rows]
    try:
        async with asyncio.timeout(attempt.policy.deadline):
            # A digest of hundreds of releases is real CPU work: off the loop, as pages are.
            email = await offload(_compose, config, mail, [row.id for row in rows], attempt.clock())
            receipt = await transmit(config, email, rows[0].release_id)
    except TimeoutError:
        late = f"no answer within {attempt.policy.deadline:g} s"
        await _settle_retry(attempt, rows, RetryableDeliveryError(late, code="delivery.timeout"),
                            result)  # fmt: skip
    except RetryableDeliveryError as exc:
        await _settle_retry(attempt, rows, exc, result)
    except PermanentDeliveryError as exc:
        await settle_failed(attempt, rows, exc, "delivery.failed", result)
    except Exception as exc:  # our own bug: keep the rows, retry later, say so loudly
        log.exception("delivery crashed",
                      extra={"event": "delivery.crashed", "destination": config.name})  # fmt: skip
        bug = RetryableDeliveryError(f"internal error: {exc!r}", code="delivery.internal")
        await _settle_retry(attempt, rows, bug, result)
    else:
        primaries = [bundle.rows[0].id for bundle in mail]
        together = {bundle.rows[0].release_id: _together(bundle) for bundle in mail
                    if len(bundle.messages) > 1 or len(bundle.rows) > 1}  # fmt: skip
        settled, skipped = await attempt.call(attempt.store.settle_digest, config.name, primaries,
                                     receipt.remote_id, owner=attempt.owner,
                                     now=attempt.clock(), together=together)  # fmt: skip
        result.count(config.name, "delivered", len(primaries))
        if skipped:
            result.count(config.name, "skipped", skipped)
        log_event(log, logging.INFO, "delivery.done",
                  f"{len(mail)} releases in one mail delivered", destination=config.name,
                  count=len(mail), status=receipt.status)  # fmt: skip
        _check(settled, len(primaries), config.name)


def _together(bundle: Bundle) -> str:
    """Why the release's other rows are skipped: the mail of ``bundle`` carried them."""
    first = bundle.rows[0]
    versions = ", ".join(message.lang for message in bundle.messages)
    return f"sent together with delivery {first.id} (one mail: {versions})"


def _compose(
    config: Config, mail: Sequence[Bundle], ids: Sequence[int], now: datetime
) -> EmailMessage:
    """A digest of every bundle, one release in several languages, or an ordinary mail."""
    listed = ",".join(str(number) for number in sorted(ids))
    if config.schedule:
        items = [bundle.messages for bundle in mail]
        labels = mail[0].messages[0].labels
        subject = digest_subject(labels, now, len(mail))
        key = message_id(f"digest {config.name}: {listed}", config.sender)
        bodies = (digest_text(items, labels), digest_html(items, labels, subject))
        return compose(config, subject, key, bodies, labels.get("locale", "en"))
    [bundle] = mail
    messages = bundle.messages
    if len(messages) == 1:
        return build_email(config, messages[0])
    share = SUBJECT_MAX // len(messages)
    subject = " / ".join(truncate(message.title, share) for message in messages)
    if messages[0].event != "created":
        subject = f"{headline(messages[0])}: {subject}"
    key = message_id(f"bilingual {config.name}: {listed}", config.sender)
    bodies = (bilingual_text(messages), bilingual_html(messages))
    return compose(config, subject, key, bodies, ", ".join(m.lang for m in messages))


async def _settle_retry(
    attempt: Attempt, rows: Sequence[Delivery], exc: RetryableDeliveryError, result: DrainResult
) -> None:
    attempts = max(row.attempts for row in rows) + 1
    if attempts >= attempt.config.max_attempts:
        await settle_failed(attempt, rows, exc, "delivery.dead_letter", result)
        return
    delay = retry_delay(attempts, exc.retry_after, attempt.policy)
    now = attempt.clock()
    later = now + timedelta(seconds=delay)
    settled = await attempt.call(attempt.store.retry_digest, [row.id for row in rows],
                                 owner=attempt.owner, next_attempt_at=later,
                                 code=exc.code, error=exc.message, now=now)  # fmt: skip
    result.count(attempt.config.name, "retry", len(rows))
    log_event(log, logging.WARNING, "delivery.retry", exc.message, error_code=exc.code,
              destination=attempt.config.name, count=len(rows), attempt=attempts,
              retry_in_s=round(delay, 3))  # fmt: skip
    _check(settled, len(rows), attempt.config.name)


async def settle_failed(
    attempt: Attempt,
    rows: Sequence[Delivery],
    exc: DeliveryError,
    event: str,
    result: DrainResult,
) -> None:
    settled = await attempt.call(attempt.store.fail_digest, [row.id for row in rows],
                                 owner=attempt.owner, code=exc.code, error=exc.message,
                                 now=attempt.clock())  # fmt: skip
    result.count(attempt.config.name, "failed", len(rows))
    log_event(log, logging.ERROR, event, exc.message, error_code=exc.code,
              destination=attempt.config.name, count=len(rows))  # fmt: skip
    _check(settled, len(rows), attempt.config.name)


def _check(settled: int, expected: int, destination: str) -> None:
    if settled < expected:
        log_event(log, logging.WARNING, "delivery.lease_lost",
                  f"{expected - settled} of {expected} rows were taken over by another worker; "
                  "their outcome stands", destination=destination)  # fmt: skip
