"""Many HTTP clients against a live `wirebrief serve` on 127.0.0.1: does cross-request batching pay?"""

from __future__ import annotations

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


def drive(base: str, articles: list[Article], clients: int, requests_per_client: int) -> dict[str, float]:
    """Each client posts `requests_per_client` articles of the mix, starting at its own offset."""

    def client(index: int) -> tuple[list[float], int]:
        latencies, errors = [], 0
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as http:
            for k in range(requests_per_client):
                article = articles[(index + k) % len(articles)]
                started = time.perf_counter()
                response = http.post(f"{base}/v1/articles", content=article.raw.encode(),
                                     headers={"content-type": "text/plain"})
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200
        return latencies, errors

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


def run(settings: Settings, articles: list[Article], levels: tuple[int, ...], per_client: dict[int, int]
        ) -> list[dict[str, float]]:
    with live_server(settings) as base:
        warm(base, articles)
        return [drive(base, articles, clients, per_client[clients]) for clients in levels]


__all__ = ["run"]
