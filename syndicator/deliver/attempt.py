"""One delivery attempt: render a claimed row, call the kind under a deadline, record the
outcome. Which call — ``send``, a notice (``send`` of an update), ``edit``, ``withdraw``, or
none (skipped, with a code) — is ``dispatch.plan``; the remote id it needs is the one the
destination's earlier delivery of the item returned (``store.remote_id_for``).

Every outcome is recorded only while this process still holds the row's lease (the store
fences by owner); losing it is logged as ``delivery.lease_lost``. Each outcome also counts
in ``syndicator_deliveries_total``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import httpx

from syndicator.configbase import DestinationBase
from syndicator.decide import superseded
from syndicator.deliver import DestinationKind, can_edit, can_withdraw, kind_of, transcript
from syndicator.deliver.changes import describe_changes
from syndicator.deliver.dispatch import Plan, action_of, kept_remote_id, logged_as, plan
from syndicator.deliver.policy import DrainResult, RetryPolicy, StoreCall, retry_delay
from syndicator.deliver.render import label_language, render_message
from syndicator.errors import (
    DeliveryError,
    PartialDeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from syndicator.logs import log_event
from syndicator.model import Delivery, Entry, Message, Receipt
from syndicator.store import Store

__all__ = ["Attempt"]

log = logging.getLogger("syndicator.outbox")


@dataclass(frozen=True, slots=True)
class Attempt:
    """Delivers claimed rows of one destination, one at a time."""

    store: Store
    config: DestinationBase
    client: httpx.AsyncClient
    policy: RetryPolicy
    owner: str
    clock: Callable[[], datetime]
    call: StoreCall
    kind: DestinationKind | None = None  # a kind outside KINDS (a WebSub subscription)

    async def run(self, delivery: Delivery, result: DrainResult, *, dry_run: bool) -> None:
        fields: dict[str, object] = {
            "destination": self.config.name,
            "delivery_id": delivery.id,
            "attempt": delivery.attempts + 1,
            "release_id": delivery.release_id,
        }
        found = await self.call(self.store.entry_for_event, delivery.event_id)
        if found is None:
            vanished = PermanentDeliveryError("event vanished", code="delivery.no_event")
            await self._dead(delivery, vanished, result, fields, "delivery.failed")
            return
        event, entry = found
        fields["url"] = entry.article.url
        if await self._superseded(delivery, entry, result, fields):
            return
        kind = self.kind or kind_of(self.config)
        remote_id = None
        if event != "created":
            remote_id = await self.call(self.store.remote_id_for, entry.item_id, self.config.name)
        chosen = plan(event, self.config.on_update, remote_id=remote_id,
                      editable=can_edit(kind, self.config),
                      withdrawable=can_withdraw(kind, self.config))  # fmt: skip
        fields["path"] = chosen.path
        if dry_run:
            result.dry_run += 1
            log_event(log, logging.INFO, "delivery.dry_run",
                      f"would {chosen.path} {event} {entry.article.url} to "
                      f"{kind.redacted(self.config)}", **fields)  # fmt: skip
            return
        if chosen.path == "skip":
            await self._skip(delivery, chosen, result, fields)
            return
        # A notice says what changed; an edit gets it too (Slack replies in the thread with it).
        changes = await self._changes(entry) if chosen.path in ("notice", "edit") else ()
        await self._attempt(kind, chosen, delivery, result, fields,
                            lambda: render_message(entry, event, self.config,
                                                   delivery.idempotency_key, remote_id=remote_id,
                                                   changes=changes))  # fmt: skip

    async def _superseded(
        self, delivery: Delivery, entry: Entry, result: DrainResult, fields: dict[str, object]
    ) -> bool:
        """With ``one_language``: the release exists in a language this destination prefers."""
        available: list[str] = []
        if self.config.one_language:
            available = await self.call(self.store.release_languages, delivery.release_id)
        if not superseded(self.config, entry.article.lang, available):
            return False
        reason = f"release exists in {available}"
        applied = await self.call(self.store.mark_skipped, delivery.id, owner=self.owner,
                                  reason=reason, now=self.clock())  # fmt: skip
        result.count(self.config.name, "skipped")
        log_event(log, logging.INFO, "delivery.superseded",
                  f"not sending [{entry.article.lang}]: the release exists in a preferred "
                  "language", **fields)  # fmt: skip
        self._check(applied, fields)
        return True

    async def _skip(
        self, delivery: Delivery, chosen: Plan, result: DrainResult, fields: dict[str, object]
    ) -> None:
        applied = await self.call(self.store.mark_skipped, delivery.id, owner=self.owner,
                                  reason=chosen.reason, code=chosen.code,
                                  now=self.clock())  # fmt: skip
        result.count(self.config.name, "skipped")
        log_event(log, logging.INFO, "delivery.skipped", f"not sent: {chosen.reason}",
                  reason=chosen.code, **fields)  # fmt: skip
        self._check(applied, fields)

    async def _changes(self, entry: Entry) -> tuple[str, ...]:
        """What changed since the previous version, in this destination's label language."""
        previous = await self.call(self.store.previous_article, entry.item_id, entry.version)
        if previous is None:
            return ()
        return describe_changes(previous, entry.article, label_language(entry, self.config))

    async def _attempt(
        self,
        kind: DestinationKind,
        chosen: Plan,
        delivery: Delivery,
        result: DrainResult,
        fields: dict[str, object],
        render: Callable[[], Message],
    ) -> None:
        """Render and call the kind's ``send``/``edit``/``withdraw`` under the deadline."""
        transcript.begin(self.config, self.client, self.clock())
        try:
            async with asyncio.timeout(self.policy.deadline):
                message = await self._skipping(delivery, render())
                receipt = await action_of(kind, chosen.path)(self.config, message, self.client)
        except TimeoutError:
            deadline = self.policy.deadline
            late = RetryableDeliveryError(
                f"no answer within {deadline:g} s", code="delivery.timeout"
            )
            await self._retry(delivery, late, result, fields)
        except PartialDeliveryError as exc:
            await self._partial(delivery, exc, result, fields)
        except RetryableDeliveryError as exc:
            await self._retry(delivery, exc, result, fields)
        except PermanentDeliveryError as exc:
            await self._dead(delivery, exc, result, fields, "delivery.failed")
        except Exception as exc:  # our own bug: keep the row, retry later, say so loudly
            log.exception("delivery crashed", extra={"event": "delivery.crashed", **fields})
            bug = RetryableDeliveryError(f"internal error: {exc!r}", code="delivery.internal")
            await self._retry(delivery, bug, result, fields)
        else:
            kept = kept_remote_id(chosen.path, receipt.remote_id, message.remote_id)
            await self._settled(delivery, message, replace(receipt, remote_id=kept),
                                f"{message.event} {message.url}", result, fields,
                                logged_as(chosen.path))  # fmt: skip

    async def _skipping(self, delivery: Delivery, message: Message) -> Message:
        """A row that failed before may have reached some e-mail recipients: leave them out
        (and, on an automatic retry, those refused for good)."""
        if not delivery.last_error_code:
            return message
        skip = await self.call(self.store.settled_recipients, delivery.id,
                               retrying=delivery.attempts > 0)  # fmt: skip
        return replace(message, skip_recipients=skip) if skip else message

    async def _partial(
        self,
        delivery: Delivery,
        exc: PartialDeliveryError,
        result: DrainResult,
        fields: dict[str, object],
    ) -> None:
        """Some recipients have it: record each; retry while a refusal was temporary (the
        next attempt skips who has it), else dead-letter the ones refused for good."""
        give_up = delivery.attempts + 1 >= self.config.max_attempts
        await self.call(self.store.record_recipients, delivery.id, exc.accepted, exc.refused,
                        owner=self.owner, give_up=give_up, now=self.clock())  # fmt: skip
        if exc.temporary:
            await self._retry(delivery, exc, result, fields)
        else:
            await self._dead(delivery, exc, result, fields, "delivery.failed")

    async def _settled(
        self,
        delivery: Delivery,
        message: Message,
        receipt: Receipt,
        what: str,
        result: DrainResult,
        fields: dict[str, object],
        logged: str = "delivery.done",
    ) -> None:
        """Delivered — unless this was a retry to the recipients left (``skip_recipients``)
        and one refused for good earlier: then the row is a dead letter that names them."""
        if not message.skip_recipients:
            await self._delivered(delivery, receipt, what, result, fields, logged)
            return
        refused = await self.call(self.store.recipients_sent, delivery.id,
                                  message.skip_recipients, owner=self.owner,
                                  now=self.clock())  # fmt: skip
        if not refused:
            await self._delivered(delivery, receipt, what, result, fields, logged)
            return
        named = ", ".join(refused)
        final = PermanentDeliveryError(f"{what}: the others have it; refused for good: {named}",
                                       code="delivery.email_refused")  # fmt: skip
        await self._dead(delivery, final, result, fields, "delivery.failed")

    async def _delivered(
        self,
        delivery: Delivery,
        receipt: Receipt,
        what: str,
        result: DrainResult,
        fields: dict[str, object],
        logged: str = "delivery.done",
    ) -> None:
        now = self.clock()
        applied = await self.call(self.store.mark_delivered, delivery.id, receipt, now,
                                  owner=self.owner, attempt=transcript.finish(
                                      "delivered", now, status=receipt.status))  # fmt: skip
        result.count(self.config.name, "delivered")
        log_event(log, logging.INFO, logged, f"{what} delivered ({fields.get('path', 'send')})",
                  status=receipt.status, **fields)  # fmt: skip
        self._check(applied, fields)

    async def _retry(
        self,
        delivery: Delivery,
        exc: RetryableDeliveryError,
        result: DrainResult,
        fields: dict[str, object],
    ) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._dead(delivery, exc, result, fields, "delivery.dead_letter")
            return
        delay = retry_delay(attempts, exc.retry_after, self.policy)
        now = self.clock()
        applied = await self.call(self.store.mark_retry, delivery.id, owner=self.owner,
                                  next_attempt_at=now + timedelta(seconds=delay),
                                  code=exc.code, error=exc.message, now=now,
                                  attempt=transcript.finish("retry", now, status=exc.status,
                                                            code=exc.code, error=exc.message),
                                  )  # fmt: skip
        result.count(self.config.name, "retry")
        log_event(log, logging.WARNING, "delivery.retry", exc.message, error_code=exc.code,
                  status=exc.status, retry_in_s=round(delay, 3), **fields)  # fmt: skip
        self._check(applied, fields)

    async def _dead(
        self,
        delivery: Delivery,
        exc: DeliveryError,
        result: DrainResult,
        fields: dict[str, object],
        event: str,
    ) -> None:
        now = self.clock()
        applied = await self.call(self.store.mark_failed, delivery.id, owner=self.owner,
                                  code=exc.code, error=exc.message, now=now,
                                  attempt=transcript.finish("failed", now, status=exc.status,
                                                            code=exc.code, error=exc.message),
                                  )  # fmt: skip
        result.count(self.config.name, "failed")
        message = exc.message
        if event == "delivery.dead_letter":
            message = f"giving up after {delivery.attempts + 1} attempts: {exc.message}"
        log_event(log, logging.ERROR, event, message, error_code=exc.code, status=exc.status,
                  **fields)  # fmt: skip
        self._check(applied, fields)

    def _check(self, applied: bool, fields: dict[str, object]) -> None:
        if not applied:
            log_event(log, logging.WARNING, "delivery.lease_lost",
                      "the lease ran out and another worker took the row; its outcome stands",
                      **fields)  # fmt: skip
