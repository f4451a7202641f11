"""Process logging: JSON lines or readable text at the configured level, each record with its request id.

The request id lives in a context variable set by the request middleware; the handler's filter
copies it onto every record, so lines logged anywhere while a request is handled (worker threads
started through `run_in_threadpool` inherit the context) carry it. Article text is never logged at
INFO: lines say what happened to which request, not what it said.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from ..config import ObservabilitySettings

REQUEST_ID: ContextVar[str | None] = ContextVar("wirebrief_request_id", default=None)

#: loggers that servers set up on their own; they must propagate to our root handler instead
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps `request_id` ("-" outside a request) on every record that reaches the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get() or "-"
        return True


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            ["levelname", "name", "message", "request_id"],
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )  # uvicorn's ANSI copy
    return logging.Formatter(TEXT_FORMAT)


def configure(settings: ObservabilitySettings, stream: TextIO | None = None) -> logging.Handler:
    """Route every log record of the process (uvicorn's included) to one handler on the root logger."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(settings.log_format))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in _SERVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
