"""Many HTTP clients against a live `wirebrief serve` on 127.0.0.1: does cross-request batching pay?"""

from __future__ import annotations

import queue
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Iterator

import httpx

from service.config import Settings

from testkit import PROJECT_ROOT
from testkit.live import running_server, settings_env

from .workload import Article

REQUEST_TIMEOUT_S = 600.0


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    with running_server(settings_env(settings), PROJECT_ROOT) as (base, _):
        yield base


def drive(base: str, articles: list[Article], clients: int, total: int) -> dict[str, float]:
    """`clients` clients share one list of `total` articles (the mix, cycled): every level does the same work."""
    work: queue.SimpleQueue[Article] = queue.SimpleQueue()
    for k in range(total):
        work.put(articles[k % len(articles)])

    def client(_: int) -> tuple[list[float], int]:
        latencies, errors = [], 0
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as http:
            while True:
                try:
                    article = work.get_nowait()
                except queue.Empty:
                    return latencies, errors
                started = time.perf_counter()
                response = http.post(f"{base}/v1/articles", content=article.raw.encode(),
                                     headers={"content-type": "text/plain"})
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": sum(e for _, e in results),
        "articles_per_min": len(latencies) / elapsed * 60,
        "p50_s": latencies[len(latencies) // 2],
        "p95_s": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
    }


def warm(base: str, articles: list[Article]) -> None:
    """Load both models before timing (the first request pays the load)."""
    norwegian = next(a for a in articles if a.lang != "en")
    httpx.post(f"{base}/v1/articles", content=norwegian.raw.encode(), headers={"content-type": "text/plain"},
               timeout=REQUEST_TIMEOUT_S)


def run(settings: Settings, articles: list[Article], levels: tuple[int, ...], total: int, rounds: int
        ) -> list[dict[str, object]]:
    """Each level `rounds` times, interleaved (1, 4, 16, 1, 4, 16, ...): load drift hits every level alike."""
    samples: dict[int, list[dict[str, float]]] = {clients: [] for clients in levels}
    with live_server(settings) as base:
        warm(base, articles)
        for _ in range(rounds):
            for clients in levels:
                samples[clients].append(drive(base, articles, clients, total))
    out: list[dict[str, object]] = []
    for clients, runs in samples.items():
        rates = sorted(r["articles_per_min"] for r in runs)
        out.append({
            "clients": clients, "rounds": len(runs), "requests": sum(int(r["requests"]) for r in runs),
            "errors": sum(int(r["errors"]) for r in runs), "articles_per_min": statistics.median(rates),
            "articles_per_min_range": [rates[0], rates[-1]],
            "p50_s": statistics.median(r["p50_s"] for r in runs), "p95_s": max(r["p95_s"] for r in runs),
        })
    return out


__all__ = ["run"]
