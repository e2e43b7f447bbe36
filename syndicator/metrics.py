"""Prometheus metrics, in one registry of our own.

Other modules import the metric objects and update them; ``/metrics`` serves ``render()``.
We use a dedicated ``REGISTRY`` (not prometheus_client's global default) so that nothing a
library registers globally leaks into our page and tests can build apps repeatedly; the
process and platform collectors are added to it explicitly.

Labels are low-cardinality names from feeds.toml and fixed result words:

- ``POLLS`` {source, result}: one per poll; result ``ok`` | ``error``.
- ``DELIVERIES`` {destination, result}: one per outcome the outbox records; result
  ``delivered`` | ``retry`` | ``failed`` (dead letter) | ``skipped`` (superseded).
- ``EXTRACT_FALLBACKS`` {source}: an article page the site profile could not read, so the
  generic extractor was used (a hint that selectors need fixing).
- ``OUTBOX_PENDING``: deliveries not yet settled (waiting, held or in flight); set by the
  outbox after each pass of a lane.
- ``LAST_POLL_SUCCESS`` {source}: Unix time of the source's last successful poll.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

__all__ = [
    "CONTENT_TYPE",
    "DELIVERIES",
    "EXTRACT_FALLBACKS",
    "LAST_POLL_SUCCESS",
    "OUTBOX_PENDING",
    "POLLS",
    "REGISTRY",
    "render",
]

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

CONTENT_TYPE = CONTENT_TYPE_LATEST

POLLS = Counter(
    "syndicator_polls_total",
    "Polls of a source, by result (ok, error).",
    ["source", "result"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "syndicator_deliveries_total",
    "Delivery outcomes per destination, by result (delivered, retry, failed, skipped).",
    ["destination", "result"],
    registry=REGISTRY,
)
EXTRACT_FALLBACKS = Counter(
    "syndicator_extract_fallbacks_total",
    "Article pages read by the generic extractor because the site profile found nothing.",
    ["source"],
    registry=REGISTRY,
)
OUTBOX_PENDING = Gauge(
    "syndicator_outbox_pending",
    "Deliveries not yet settled: waiting, held or in flight.",
    registry=REGISTRY,
)
LAST_POLL_SUCCESS = Gauge(
    "syndicator_last_poll_success_timestamp_seconds",
    "Unix time of the last successful poll of a source.",
    ["source"],
    registry=REGISTRY,
)


def render() -> bytes:
    """The registry in the Prometheus text exposition format (``CONTENT_TYPE``)."""
    return generate_latest(REGISTRY)
