"""When to try a failed delivery again: a bounded schedule with jitter, never sooner than Retry-After."""

from __future__ import annotations

import random
from collections.abc import Sequence
from email.utils import parsedate_to_datetime

from ..common.clock import jittered


def retry_delay(
    schedule: Sequence[float],
    tries: int,
    *,
    jitter: float,
    retry_after: float | None = None,
    retry_after_max: float = 3600.0,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait after `tries` failed attempts in a row; None when the schedule is used up.

    A receiver's Retry-After (capped at `retry_after_max`) is a lower bound on the wait.
    """
    if tries > len(schedule):
        return None
    delay = jittered(schedule[tries - 1], jitter, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, retry_after_max))
    return delay


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None
