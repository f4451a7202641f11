"""Every failure leaves as `{"error": {"code", "message"}}` with a fitting status; never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from ..db import storage_fault
from ..errors import WirebriefError, internal_error

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def render(exc: WirebriefError) -> JSONResponse:
    """Our error as a response; also used by middleware, which runs outside the exception handlers."""
    if exc.status >= 500:
        log.warning("%s: %s", exc.code, exc.message)
    return error_response(exc.status, exc.code, exc.message, exc.headers or None)


def install(app: FastAPI) -> None:
    @app.exception_handler(WirebriefError)
    async def _ours(_: Request, exc: WirebriefError) -> JSONResponse:
        return render(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = ["{}: {}".format(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        return error_response(422, "invalid_input", "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(SQLAlchemyError)
    async def _storage(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        """A store that is full, read-only, locked, corrupt or down is a 503 with Retry-After, not our bug."""
        fault = storage_fault(exc)
        return render(fault) if fault is not None else await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # this handler answers outside the app's middlewares: echo the request id they assigned
        request_id = getattr(request.state, "request_id", None)
        error = internal_error()
        return error_response(error.status, error.code, error.message,
                              {"X-Request-ID": request_id} if request_id else None)

