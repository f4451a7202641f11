"""Epoch time, its one API form (RFC 3339 UTC), and jitter for retry waits.

Times are stored as epoch seconds (a double) so SQLite and PostgreSQL compare them the same way
and no time zone is ever lost on the way through a driver.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso(ts: float | None) -> str | None:
    """Epoch seconds as RFC 3339 UTC with milliseconds, the form every API time takes."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def jittered(delay: float, jitter: float, rng: random.Random | None = None) -> float:
    """`delay` scaled by a random factor in [1 - jitter, 1 + jitter], so retries do not stampede."""
    return max(0.0, delay * (1 + (rng or random).uniform(-jitter, jitter)))
