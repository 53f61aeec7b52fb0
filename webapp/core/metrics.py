"""Prometheus instruments through prometheus-client: requests, latency, jobs, machine translation.

Any domain counts here; `ops.metrics` serves them (with the queue's depth) at /metrics.

Each process counts into its own registry; with PROMETHEUS_MULTIPROC_DIR set (gunicorn's workers,
and `flask worker` beside them on the same machine), every process writes its counts to files in
that folder and a scrape adds them up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import functools
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram

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
