"""Helpers for the job and webhook tests: fast settings, bounded waits, and a real HTTP receiver."""

from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import pytest
from fastapi.testclient import TestClient

from conftest import ENGLISH_SEEDS, seed_text
from service.api.app import create_app
from service.config import Settings
from service.pipeline import Pipeline

T = TypeVar("T")

#: Short intervals so retries, leases and polls happen within a test's patience.
FAST: dict[str, Any] = {
    "job_workers": 2, "job_poll_interval_s": 0.05, "job_lease_s": 5.0, "job_retry_backoff_s": 0.05,
    "job_shutdown_grace_s": 5.0, "webhook_poll_interval_s": 0.05, "webhook_retry_schedule_s": [0.1, 0.2],
    "webhook_retry_jitter": 0.0, "webhook_timeout_s": 5.0, "webhook_allowed_hosts": "127.0.0.1",
}

EXTRACTIVE = {"method": "extractive"}


def fast_settings(settings: Settings, data_dir: Path, **overrides: Any) -> Settings:
    return settings.model_copy(update={"data_dir": data_dir, **FAST, **overrides})


def wait_until(check: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.05, what: str = "") -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")
        time.sleep(interval)


def wait_final(client: TestClient, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    def final() -> dict[str, Any] | None:
        job = client.get(f"/v1/jobs/{job_id}").json()
        return job if job["state"] in ("completed", "failed", "cancelled") and not job["counts"]["pending"] else None

    return wait_until(final, timeout=timeout, what=f"job {job_id} to finish")


def result_lines(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/jobs/{job_id}/results")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/jsonl")
    return [json.loads(line) for line in response.text.splitlines()]


def english_items(count: int, prefix: str = "a") -> list[dict[str, Any]]:
    """Short, distinct English items with extractive summaries: milliseconds each."""
    return [{"custom_id": f"{prefix}{i}", "summary": EXTRACTIVE,
             "text": f"The council met on day {i} to discuss the budget. It approved plan number {i} for schools."}
            for i in range(count)]


def article_items(count: int, prefix: str = "s") -> list[dict[str, Any]]:
    """Distinct full English seed articles, extractive: tens of milliseconds each, no model involved."""
    return [{"custom_id": f"{prefix}{i}", "summary": EXTRACTIVE,
             "text": f"{seed_text(ENGLISH_SEEDS[i % len(ENGLISH_SEEDS)])}\n\nReference number {i} of this archive."}
            for i in range(count)]


def norwegian_items(count: int, prefix: str = "n") -> list[dict[str, Any]]:
    """Short, distinct Norwegian items: translated by the tiny model, a fraction of a second each."""
    return [{"custom_id": f"{prefix}{i}", "summary": EXTRACTIVE,
             "text": f"Fragmenter fra en russisk missil skal ha truffet et område med boligblokker i Kyiv. "
                     f"Videoer fra stedet viser en eksplosjon nummer {i}."} for i in range(count)]


def jsonl(items: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver: a real HTTP server on 127.0.0.1 answering from a script, recording requests.

    `script` holds (status, headers) answers used in order; after it runs out, `default` answers.
    """

    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    default: tuple[int, dict[str, str]] = (200, {})
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body, time.monotonic()))
                    status, headers = receiver.script.pop(0) if receiver.script else receiver.default
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def received(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Wait until at least `count` requests came; all of them so far."""
        return wait_until(lambda: list(self.requests) if len(self.requests) >= count else None, timeout=timeout,
                          what=f"{count} webhook request(s), got {len(self.requests)}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def make_client(settings: Settings, pipeline: Pipeline, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Start the app (fast settings, this test's data folder, the session's models); stopped after the test."""
    with ExitStack() as stack:
        def make(**overrides: Any) -> TestClient:
            app_settings = fast_settings(settings, tmp_path / "data", **overrides)
            # the session's loaded models, with this app's settings
            app_pipeline = Pipeline(app_settings, pipeline.registry, pipeline.pool, pipeline.prompts)
            return stack.enter_context(TestClient(create_app(app_settings, app_pipeline)))

        yield make
