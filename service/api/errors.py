"""Every failure leaves as `{"error": {"code", "message"}}` with a fitting status; never a trace.

On the paths of a foreign API we also speak (LibreTranslate, DeepL), the same errors leave in that API's shape
and statuses (`compat.dialects`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..db import storage_fault
from ..errors import WirebriefError, internal_error
from .compat.dialects import dialect_for

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def render(exc: WirebriefError, path: str = "") -> JSONResponse:
    """Our error as a response, in the shape of the API that owns `path`; also used by middleware, which runs
    outside the exception handlers."""
    if exc.status >= 500:
        log.warning("%s: %s", exc.code, exc.message)
    return respond(exc, path)


def respond(exc: WirebriefError, path: str = "") -> JSONResponse:
    """`render` without the log line, for failures logged already."""
    dialect = dialect_for(path)
    if dialect is not None:
        return dialect.render(exc)
    return error_response(exc.status, exc.code, exc.message, exc.headers or None)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> WirebriefError:
    """A framework's failure (validation, routing) as one of ours, to be rendered like the rest."""
    error = WirebriefError(message, headers=headers)
    error.status, error.code = status, code
    return error


def install(app: FastAPI) -> None:
    @app.exception_handler(WirebriefError)
    async def _ours(request: Request, exc: WirebriefError) -> JSONResponse:
        return render(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = ["{}: {}".format(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        return render(_error(422, "invalid_input", "; ".join(parts)), request.url.path)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        error = _error(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))
        return respond(error, request.url.path)

    @app.exception_handler(SQLAlchemyError)
    async def _storage(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        """A store that is full, read-only, locked, corrupt or down is a 503 with Retry-After, not our bug."""
        fault = storage_fault(exc)
        return render(fault, request.url.path) if fault is not None else await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        """The last resort, for a failure in a middleware: Starlette hands the exception on to the server after
        this answer, and the server drops the connection, so the client is told not to reuse it."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # this handler answers outside the app's middlewares: echo the request id they assigned
        request_id = getattr(request.state, "request_id", None)
        error = internal_error()
        error.headers = {"Connection": "close", **({"X-Request-ID": request_id} if request_id else {})}
        return respond(error, request.url.path)


class UnexpectedErrorMiddleware:
    """The innermost middleware: a route's unexpected exception becomes the sanitized 500 here, logged once.

    Answered inside the other middlewares, the 500 is an ordinary response to them (timed, counted, its
    reservation refunded) and the connection stays usable; left to Starlette's outermost handler, the exception
    would reach the server, which logs it again and closes the connection under a client that reuses it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, noting_start)
        except Exception:
            if started:  # a streamed response failed midway: nothing can be answered any more
                raise
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            await respond(internal_error(), scope["path"])(scope, receive, send)
