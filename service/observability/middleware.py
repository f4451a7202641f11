"""Pure ASGI middlewares around every request: its id and access log line, and its HTTP metrics.

Pure ASGI (not BaseHTTPMiddleware) so streamed responses pass through untouched. It is the outermost
of the app's middlewares: every response, 413, 504 and 500 included, carries `X-Request-ID`, gets one
access line and is counted. Requests are labelled by route template (`/v1/jobs/{job_id}`), never the raw
path, so metric cardinality stays bounded.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import REQUEST_ID
from .metrics import observe_request

access_log = logging.getLogger("wirebrief.access")

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
UNMATCHED = "unmatched"  # the route label of paths no route matched (404s)


def request_id_from(scope: Scope) -> str:
    """The caller's `X-Request-ID` when it is safe to echo and log, else a fresh uuid4 hex."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The template of the route that handled the request (set on the scope by the router)."""
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED


class _Status:
    """Wraps `send` to remember the response status (500 if none was sent: an exception escaped)."""

    def __init__(self, send: Send, extra_headers: dict[str, str] | None = None) -> None:
        self.send = send
        self.extra_headers = extra_headers or {}
        self.status = 500

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.extra_headers:
                headers = MutableHeaders(scope=message)
                for name, value in self.extra_headers.items():
                    headers[name] = value
        await self.send(message)


class RequestMiddleware:
    """Per request, once: an id (context variable, scope state, response header), one access log line,
    and the HTTP metrics, all from one timer and one status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id  # the 500 handler runs outside us: it reads this
        REQUEST_ID.set(request_id)  # this request's task owns the context: no reset needed, and the
        # unhandled-error handler, which runs after we return, still logs with the id
        sender = _Status(send, {HEADER: request_id})
        started = time.perf_counter()
        try:
            await self.app(scope, receive, sender)
        finally:
            seconds = time.perf_counter() - started
            route, client = route_of(scope), scope.get("client")
            observe_request(scope["method"], route, sender.status, seconds)
            duration_ms = round(seconds * 1000, 1)
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                route,
                sender.status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "route": route,
                    "path": scope["path"],
                    "status": sender.status,
                    "duration_ms": duration_ms,
                    "client": client[0] if client else None,
                },
            )
