"""The request-timeout middleware on its own: prompt 504, work left to finish, streams never cut."""

from __future__ import annotations

import time
from typing import Any, AsyncIterator

import anyio
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from starlette.concurrency import run_in_threadpool

from service.api import errors
from service.api.timeout import RequestTimeoutMiddleware

finished: list[str] = []


def _app(timeout_s: float) -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.get("/thread")
    async def thread() -> dict[str, str]:
        await run_in_threadpool(time.sleep, 0.6)  # a worker thread cannot be interrupted
        finished.append("thread")
        return {"ok": "late"}

    @app.get("/sleep")
    async def sleep() -> dict[str, str]:
        await anyio.sleep(5)
        return {"ok": "never"}

    @app.get("/fast")
    async def fast() -> dict[str, str]:
        return {"ok": "fast"}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(4):
                await anyio.sleep(0.1)
                yield f"line {i}\n".encode()
        return StreamingResponse(chunks(), media_type="application/jsonl")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_middleware(RequestTimeoutMiddleware, timeout_s=timeout_s)
    return app


async def _call(app: Any, path: str) -> list[tuple[float, dict[str, Any]]]:
    """Drive the ASGI app directly, noting when each message was sent (TestClient only shows the end)."""
    sent: list[tuple[float, dict[str, Any]]] = []
    started = time.perf_counter()
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [], "http_version": "1.1", "scheme": "http", "server": ("test", 80), "root_path": ""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append((time.perf_counter() - started, message))

    await app(scope, receive, send)
    return sent


def test_the_504_is_sent_at_the_deadline_while_the_thread_finishes_in_the_background() -> None:
    finished.clear()
    sent = anyio.run(_call, _app(0.1), "/thread")
    start_at, start = sent[0]
    assert start["type"] == "http.response.start" and start["status"] == 504
    assert 0.1 <= start_at < 0.4, "answered at the deadline, not when the thread ended"
    assert b'"code":"request_timeout"' in sent[1][1]["body"]
    assert len(sent) == 2, "what the route sent after the timeout was dropped"
    assert finished == ["thread"], "the work itself ran to its end"


def test_an_awaiting_route_is_cancelled_at_the_deadline() -> None:
    with TestClient(_app(0.05)) as client:
        started = time.perf_counter()
        response = client.get("/sleep")
        assert time.perf_counter() - started < 1
    assert response.status_code == 504
    assert response.json() == {"error": {"code": "request_timeout",
                                         "message": "the request did not complete within 0.05s "
                                                    "(WIREBRIEF_REQUEST_TIMEOUT_S)"}}


def test_fast_routes_and_started_streams_are_untouched() -> None:
    with TestClient(_app(0.05)) as client:
        assert client.get("/fast").json() == {"ok": "fast"}
        response = client.get("/stream")  # 0.4 s of streaming against a 0.05 s timeout
    assert response.status_code == 200
    assert response.text == "".join(f"line {i}\n" for i in range(4))


def test_route_errors_pass_through_unwrapped() -> None:
    with TestClient(_app(1.0), raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    with TestClient(_app(1.0)) as client:
        try:
            client.get("/boom")
        except RuntimeError as exc:  # not an ExceptionGroup: error handlers and logs see the real error
            assert str(exc) == "a bug"
        else:
            raise AssertionError("the error was swallowed")
