"""A request's deadline, seen by the work it starts: checked between steps and before any model work is queued.

The HTTP timeout (api/timeout.py) answers the caller, but work already in a worker thread cannot be
interrupted from outside. So the request's thread carries its deadline in a context variable: the
pipeline checks it between steps and the batcher refuses new inputs, and stops waiting, once it
has passed. Its queued inputs are cancelled, so a timed-out request stops costing anyone anything
once the batch it is in ends.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import RequestTimeout

_deadline: ContextVar[float | None] = ContextVar("wirebrief_deadline", default=None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Work started in this block (in this thread) stops after `seconds`; None adds no deadline.

    Nested deadlines keep the earlier one.
    """
    if seconds is None:
        yield
        return
    outer = _deadline.get()
    ends = time.monotonic() + seconds
    token = _deadline.set(ends if outer is None else min(outer, ends))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (negative once passed); None when there is none."""
    ends = _deadline.get()
    return None if ends is None else ends - time.monotonic()


def check(before: str) -> None:
    """Raise RequestTimeout when the current deadline has passed: nothing more is started for this request."""
    left = remaining()
    if left is not None and left <= 0:
        raise RequestTimeout(f"the request passed its deadline before {before}; its remaining work was dropped")
