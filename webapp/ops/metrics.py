"""Prometheus metrics through prometheus-client: requests, latency, jobs, machine translation.

Each process counts into its own registry; with PROMETHEUS_MULTIPROC_DIR set (gunicorn's workers,
and `flask worker` beside them on the same machine), every process writes its counts to files in
that folder and a scrape adds them up (prometheus-client's multiprocess mode). Queue depth is not
counted anywhere: it is read from the database at scrape time, so every scrape tells the truth
whichever process answers it.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from webapp.core.db import DbSession, utcnow
from webapp.jobs import queue

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "kakehashi_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "kakehashi_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_DURATION = Histogram(
    "kakehashi_job_duration_seconds",
    "Time a worker spent on one attempt of a job, by kind and outcome "
    "(done, retry, dead, lost, released).",
    ["kind", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
)
MT_SEGMENTS = Counter(
    "kakehashi_mt_segments", "Segments machine-translated, by language pair.", ["pair"]
)
MT_CALLS = Counter(
    "kakehashi_mt_calls",
    "Engine calls, by language pair (kakehashi_mt_segments over this: segments per call).",
    ["pair"],
)
MT_TOKENS = Counter(
    "kakehashi_mt_output_tokens",
    "Output tokens the engine produced, by language pair (rate over kakehashi_mt_seconds: "
    "tokens per second).",
    ["pair"],
)
MT_SECONDS = Counter(
    "kakehashi_mt_seconds", "Seconds spent inside the engine, by language pair.", ["pair"]
)


def observe_request(endpoint: str, method: str, status: int, seconds: float | None) -> None:
    count, latency = _request_series(endpoint, method, status)
    count.inc()
    if seconds is not None:
        latency.observe(seconds)


@functools.lru_cache(maxsize=1024)
def _request_series(endpoint: str, method: str, status: int) -> tuple[Any, Any]:
    """The series of one kind of answer, looked up once (a label lookup costs more than a count).

    Endpoints, methods and statuses are the app's own few values (unmatched paths are one
    endpoint), so the cache stays small.
    """
    return REQUESTS.labels(endpoint, method, str(status)), LATENCY.labels(endpoint)


def observe_job(kind: str, outcome: str, seconds: float) -> None:
    JOB_DURATION.labels(kind, outcome).observe(seconds)


def observe_mt(
    source: str, target: str, segments: int, seconds: float, output_tokens: int | None = None
) -> None:
    """One engine call: how many segments (and output tokens) it translated, in how long."""
    pair = f"{source}-{target}"
    MT_CALLS.labels(pair).inc()
    MT_SEGMENTS.labels(pair).inc(segments)
    MT_SECONDS.labels(pair).inc(seconds)
    if output_tokens is not None:
        MT_TOKENS.labels(pair).inc(output_tokens)


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
