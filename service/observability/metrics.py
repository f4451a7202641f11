"""The process's Prometheus metrics: one dedicated registry, the metric objects, `observe_*` calls.

A registry of our own (not prometheus_client's global one) holds only wirebrief's series, so every
app built in one process (tests build many) shares one set without duplicate-registration errors,
and `/metrics` shows nothing a library registered. Hot paths call the small `observe_*` helpers, so
they need not know label names. Each process has its own numbers: in distributed mode the model and
webhook series of `wirebrief worker` processes are not in the API's `/metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry()

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

HTTP_REQUESTS = Counter(
    "wirebrief_http_requests",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "wirebrief_http_request_duration_seconds",
    "Time from request to the end of the response, by route template and status.",
    ["method", "route", "status"],
    buckets=_SECONDS,
    registry=REGISTRY,
)
INFERENCE = Histogram(
    "wirebrief_model_inference_seconds",
    "Duration of one batched generate call.",
    ["model", "task"],
    buckets=_SECONDS,
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "wirebrief_model_batch_size",
    "Inputs per generate call (cross-request batches).",
    ["model", "task"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "wirebrief_model_queue_depth", "Inputs waiting in a model's batcher queue.", ["model"], registry=REGISTRY
)
GENERATED_TOKENS = Counter(
    "wirebrief_model_generated_tokens",
    "Tokens generated (decoding steps kept per output); tokens/s is its rate().",
    ["model"],
    registry=REGISTRY,
)
MODEL_LOAD = Histogram(
    "wirebrief_model_load_seconds",
    "Time to load a model into the process.",
    ["model", "engine"],
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
    registry=REGISTRY,
)
CACHE_LOOKUPS = Counter(
    "wirebrief_result_cache_lookups", "Article result cache lookups: hit or miss.", ["result"], registry=REGISTRY
)
WEBHOOK_DELIVERIES = Counter(
    "wirebrief_webhook_deliveries",
    "Webhook delivery attempts by outcome: succeeded, retry, failed, gone.",
    ["outcome"],
    registry=REGISTRY,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_DURATION.labels(*labels).observe(seconds)


def observe_batch(model: str, task: str, size: int, seconds: float) -> None:
    INFERENCE.labels(model, task).observe(seconds)
    BATCH_SIZE.labels(model, task).observe(size)


def observe_queue(model: str, depth: int) -> None:
    QUEUE_DEPTH.labels(model).set(depth)


def observe_generated_tokens(model: str, tokens: int) -> None:
    GENERATED_TOKENS.labels(model).inc(tokens)


def observe_model_load(model: str, engine: str, seconds: float) -> None:
    MODEL_LOAD.labels(model, engine).observe(seconds)


def observe_cache(hit: bool) -> None:
    CACHE_LOOKUPS.labels("hit" if hit else "miss").inc()


def observe_webhook(outcome: str) -> None:
    WEBHOOK_DELIVERIES.labels(outcome).inc()


class _Joined:
    """Several collectors exposed as one, for `generate_latest`."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def render(*extra: Collector) -> bytes:
    """The exposition text: the process registry plus per-app collectors (the job store's states)."""
    return generate_latest(_Joined([REGISTRY, *extra]))
