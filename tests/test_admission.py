"""Admission control: past `max_inflight_requests` model requests, the next is refused at once (429)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.pipeline import Pipeline


def long_norwegian(i: int) -> str:
    return " ".join(f"Kommunestyret i Kyiv behandlet sak nummer {i}-{n} om skoler og veier." for n in range(120))


def test_requests_past_the_bound_get_429_at_once_and_the_rest_is_served(settings: Settings, pipeline: Pipeline,
                                                                       tmp_path: Path) -> None:
    app_settings = settings.model_copy(update={"max_inflight_requests": 2, "cache_max_entries": 0,
                                               "data_dir": tmp_path, "job_workers": 0, "webhook_workers": 0})
    with TestClient(create_app(app_settings, pipeline)) as client:
        def post(i: int) -> tuple[int, float, dict[str, str], dict]:
            started = time.perf_counter()
            response = client.post("/v1/articles", json={"text": long_norwegian(i), "source_lang": "no",
                                                         "summary": {"method": "extractive"}})
            return response.status_code, time.perf_counter() - started, dict(response.headers), response.json()

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(post, range(6)))
            while_busy = client.get("/health")  # other routes are never held back

        statuses = sorted(status for status, *_ in answers)
        assert statuses == [200, 200, 429, 429, 429, 429]
        refused = [a for a in answers if a[0] == 429]
        served = [a for a in answers if a[0] == 200]
        assert all(headers["retry-after"] == "1" and body["error"]["code"] == "overloaded"
                   for _, _, headers, body in refused)
        assert max(seconds for _, seconds, *_ in refused) < min(seconds for _, seconds, *_ in served)
        assert while_busy.status_code == 200
        assert client.post("/v1/articles", json={"text": long_norwegian(99), "source_lang": "no",
                                                 "summary": {"method": "extractive"}}).status_code == 200
