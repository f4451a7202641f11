"""HTTP edges that live in the server, not the app: against a real `wirebrief serve` (and, for a route that
fails on purpose, the app served in this process with the very uvicorn configuration `serve` uses).

Bounded: one subprocess server for the module, loopback only, short deadlines set through settings.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import uvicorn
from fastapi import APIRouter

from service.api.app import create_app
from service.api.server import server_config
from service.config import Settings
from service.pipeline import Pipeline
from testkit import PROJECT_ROOT
from testkit.live import free_port, running_server, settings_env

TEXT = "The council met on Tuesday and approved the budget."
DEADLINES = {"header_timeout_s": 1.0, "body_timeout_s": 2.0, "keep_alive_timeout_s": 5.0}


def detect_ok(client: httpx.Client) -> None:
    """A normal request after a hostile one: it must still be answered, fully."""
    response = client.post("/v1/detect", json={"text": TEXT})
    assert response.status_code == 200 and response.json()["language"]["code"] == "en"


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("server") / "data", "job_workers": 0, "webhook_workers": 0,
        "rate_limit_per_minute": 8, **DEADLINES})
    with running_server(settings_env(configured), PROJECT_ROOT, startup_timeout_s=120) as (base, _):
        with httpx.Client(base_url=base, timeout=60) as warm:  # language detection loads on first use
            detect_ok(warm)
        yield base


def raw_connection(base: str) -> socket.socket:
    host, port = httpx.URL(base).host, httpx.URL(base).port
    return socket.create_connection((host, port), timeout=20)


def read_until_closed(sock: socket.socket, within_s: float) -> tuple[bytes, float]:
    started, received = time.monotonic(), b""
    sock.settimeout(within_s)
    while chunk := sock.recv(4096):
        received += chunk
    return received, time.monotonic() - started


def test_unfinished_headers_are_cut_off(server: str) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"POST /v1/detect HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        received, waited = read_until_closed(sock, within_s=20)
    assert received.startswith(b"HTTP/1.1 408 ") and waited < 15
    with raw_connection(server) as idle:  # a connection that sends nothing at all
        received, waited = read_until_closed(idle, within_s=20)
    assert received.startswith(b"HTTP/1.1 408 ") and waited < 15
    with httpx.Client(base_url=server, timeout=30) as client:
        detect_ok(client)


def test_a_trickled_body_is_408(server: str) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"text\": ")
        received, waited = read_until_closed(sock, within_s=20)
    assert received.startswith(b"HTTP/1.1 408 ") and b'"code":"body_timeout"' in received and waited < 15
    with httpx.Client(base_url=server, timeout=30) as client:
        detect_ok(client)


def test_forwarded_for_is_not_believed_by_default(server: str) -> None:
    """8 requests a minute per client: new X-Forwarded-For values every time do not make new clients."""
    with httpx.Client(base_url=server, timeout=30) as client:
        statuses = [client.get("/v1/languages", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(12)]
    assert statuses.count(429) >= 3 and statuses[:3] == [200] * 3  # the warm-up and the tests before used some


# -- the app served in this process: a route that fails on purpose -------------------------------------

broken = APIRouter()


@broken.get("/v1/broken")
def _broken() -> None:
    raise RuntimeError("a bug")


@pytest.fixture
def in_process(settings: Settings, pipeline: Pipeline, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """`create_app` with one failing route, served by uvicorn configured like `wirebrief serve`."""
    overrides = getattr(request, "param", {})
    configured = settings.model_copy(update={"data_dir": tmp_path / "data", "job_workers": 0, "webhook_workers": 0,
                                             **DEADLINES, **overrides})
    app = create_app(configured, pipeline)
    app.include_router(broken)
    port = free_port()
    uvicorn_server = uvicorn.Server(server_config(app, configured.server, host="127.0.0.1", port=port))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)


def local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


def test_the_connection_survives_a_500(in_process: str, caplog: pytest.LogCaptureFixture) -> None:
    with httpx.Client(base_url=in_process, timeout=30, limits=httpx.Limits(max_connections=1)) as client:
        failed = client.get("/v1/broken")
        assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal_error"
        assert "a bug" not in failed.text and failed.headers.get("connection") != "close"
        ok = client.get("/v1/languages")  # on the same connection: no reset
        assert ok.status_code == 200
        assert local_port(ok) == local_port(failed), "the connection was reused"
        again = client.get("/v1/broken")
        assert again.status_code == 500 and client.get("/health").status_code == 200
    logged = [r for r in caplog.records if r.exc_info and "a bug" in str(r.exc_info[1])]
    assert len(logged) == 2, "one traceback per failed request"


@pytest.mark.parametrize("in_process", [{"forwarded_allow_ips": "127.0.0.1", "rate_limit_per_minute": 3}],
                         indirect=True)
def test_forwarded_for_is_believed_from_a_configured_proxy(in_process: str) -> None:
    with httpx.Client(base_url=in_process, timeout=30) as client:
        by_client = [client.get("/v1/languages", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                     for i in range(6)]
        one_client = [client.get("/v1/languages", headers={"X-Forwarded-For": "198.51.100.1"}).status_code
                      for _ in range(4)]
    assert by_client == [200] * 6  # a proxy's clients are told apart by the header it sets
    assert one_client == [200, 200, 200, 429]
