"""The /metrics exposition: every process's counts (`core.metrics`), then the queue, read now.

Queue depth is not counted anywhere: it is read from the database at scrape time, so every scrape
tells the truth whichever process answers it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from webapp.core.db import DbSession, utcnow
from webapp.core.metrics import CONTENT_TYPE
from webapp.jobs import queue

__all__ = ["CONTENT_TYPE", "address_allowed", "parse_networks", "scrape"]


class QueueCollector(Collector):
    """Jobs by state, how long the oldest due job has waited, and workers alive, read now."""

    def __init__(self, session: DbSession) -> None:
        self.session = session

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "kakehashi_jobs", "Jobs in the queue, by state.", labels=["state"]
        )
        for state, count in queue.depth_by_state(self.session).items():
            depth.add_metric([str(state)], count)
        yield depth
        oldest = queue.oldest_due(self.session)
        waited = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "kakehashi_jobs_oldest_due_seconds",
            "How long the longest-waiting due job has waited (0: none waits).",
            value=max(waited, 0.0),
        )
        alive = queue.count_alive_workers(self.session)
        yield GaugeMetricFamily(
            "kakehashi_workers_alive", "Workers whose heartbeat was seen lately.", value=alive
        )


def scrape(session: DbSession, multiproc_dir: str) -> bytes:
    """The text exposition: this process's counts (or every process's), then the queue."""
    if multiproc_dir:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiproc_dir)
    else:
        registry = REGISTRY
    live = CollectorRegistry()
    live.register(QueueCollector(session))
    return generate_latest(registry) + generate_latest(live)


def parse_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """METRICS_ALLOW_FROM as networks; a malformed entry stops the app with the entry named."""
    networks = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise RuntimeError(
                f"METRICS_ALLOW_FROM: {part!r} is not an address or network (e.g. 10.0.0.0/8)."
            ) from exc
    return networks


def address_allowed(address: str | None, networks: Iterable) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)
