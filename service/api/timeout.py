"""A deadline for starting the response: past `request_timeout_s` the caller gets 504 request_timeout.

Pure ASGI. The route runs in a task of its own while this one waits for the response to start; at
the deadline the caller is answered at once and the route's task is cancelled. Work already in a
worker thread (`run_in_threadpool`) cannot be interrupted: it finishes in the background and what
it sends is dropped. A response that has started (a streamed job result) is never cut.
"""

from __future__ import annotations

import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import RequestTimeout
from .errors import render

log = logging.getLogger(__name__)


class _Exchange:
    """The route's side of `send`: notes when the response starts, drops everything after a timeout."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.timed_out = False
        self.settled = anyio.Event()  # the response started, or the route returned or failed

    async def __call__(self, message: Message) -> None:
        if self.timed_out:
            return
        if message["type"] == "http.response.start":
            self.settled.set()
        await self.send(message)


class RequestTimeoutMiddleware:
    """Answers 504 when the response has not started within `timeout_s` (WIREBRIEF_REQUEST_TIMEOUT_S)."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(send)
        failure: list[Exception] = []

        async def route() -> None:
            try:
                await self.app(scope, receive, exchange)
            except Exception as exc:
                failure.append(exc)
            finally:
                exchange.settled.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(route)
            with anyio.move_on_after(self.timeout_s):
                await exchange.settled.wait()
            if not exchange.settled.is_set():
                exchange.timed_out = True
                tasks.cancel_scope.cancel()
                error = RequestTimeout(
                    f"the request did not complete within {self.timeout_s:g}s (WIREBRIEF_REQUEST_TIMEOUT_S)"
                )
                with anyio.CancelScope(shield=True):
                    await render(error, scope["path"])(scope, receive, send)
        if failure and exchange.timed_out:  # the caller has had its 504; nobody else to tell
            log.warning("request failed after its timeout: %s", type(failure[0]).__name__, exc_info=failure[0])
        elif failure:  # as it was raised, not wrapped in an exception group
            raise failure[0]
