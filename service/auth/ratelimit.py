"""Requests per minute and article characters per day, counted in storage all processes share.

The `limits` library keeps the counters: in Redis (`rate_limit_storage_url`, else the broker's Redis)
several server processes enforce one limit together; `memory://` limits each process on its own.
Requests use a moving window (no burst at a window edge). Characters use a fixed window keyed by the
UTC day, so the allowance resets at midnight like the usage report; a request's characters are
reserved before any work and given back when it is refused or fails, so only successes count.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from ..config import AccessSettings
from ..errors import QuotaExceeded, RateLimited

log = logging.getLogger(__name__)

NAMESPACE = "wirebrief"


def storage_url(settings: AccessSettings) -> str:
    """Where counters live: the explicit setting (`Settings.access` puts the broker's Redis there when it is
    empty), or this process's memory."""
    return settings.rate_limit_storage_url or "memory://"


def utc_day(at: float | None = None) -> date:
    return datetime.fromtimestamp(time.time() if at is None else at, tz=UTC).date()


def day_bounds(day: date) -> tuple[float, float]:
    """Epoch seconds of the start of `day` (UTC) and of the next day."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def _seconds_until(at: float) -> int:
    return max(1, math.ceil(at - time.time()))


class RateLimits:
    """The two limits of the settings (0 = off); with both off, no storage is touched at all."""

    def __init__(self, settings: AccessSettings) -> None:
        self.per_minute = (
            RateLimitItemPerMinute(settings.rate_limit_per_minute, namespace=NAMESPACE)
            if settings.rate_limit_per_minute
            else None
        )
        self.chars_per_day = settings.rate_limit_chars_per_day or None
        self.auth_failures = (
            RateLimitItemPerMinute(settings.auth_failures_per_minute, namespace=NAMESPACE)
            if settings.auth_required and settings.auth_failures_per_minute
            else None
        )
        self.storage: Storage | None = None
        if self.per_minute or self.chars_per_day or self.auth_failures:
            storage = storage_from_string(storage_url(settings))
            assert isinstance(storage, Storage), "a synchronous storage (redis://, memory://)"
            self.storage = storage
            self.requests = MovingWindowRateLimiter(storage)
            self.characters = FixedWindowRateLimiter(storage)

    def hit_request(self, who: str) -> None:
        """Count one request of `who`; RateLimited (Retry-After: when the oldest one leaves the window)."""
        if self.per_minute is None:
            return
        with self._fail_open():
            if self.requests.hit(self.per_minute, "requests", who):
                return
            reset = self.requests.get_window_stats(self.per_minute, "requests", who).reset_time
            raise RateLimited(
                f"more than {self.per_minute.amount} requests per minute (WIREBRIEF_RATE_LIMIT_PER_MINUTE)",
                retry_after_s=_seconds_until(reset),
            )

    def check_auth_failures(self, client: str) -> None:
        """Refuse (429) a client address that has failed too many key checks this minute, before checking more:
        keys cannot be guessed at the server's speed."""
        if self.auth_failures is None:
            return
        with self._fail_open():
            if not self.requests.test(self.auth_failures, "auth-failures", client):
                raise self._too_many_failures(client)

    def hit_auth_failure(self, client: str) -> None:
        """Count a failed key check of `client`; the one that goes over the limit is answered 429 already."""
        if self.auth_failures is None:
            return
        with self._fail_open():
            if not self.requests.hit(self.auth_failures, "auth-failures", client):
                raise self._too_many_failures(client)

    def _too_many_failures(self, client: str) -> RateLimited:
        assert self.auth_failures is not None
        reset = self.requests.get_window_stats(self.auth_failures, "auth-failures", client).reset_time
        return RateLimited(
            f"more than {self.auth_failures.amount} failed API key checks per minute from this "
            "address (WIREBRIEF_AUTH_FAILURES_PER_MINUTE)",
            retry_after_s=_seconds_until(reset),
        )

    def reserve_characters(self, who: str, characters: int, day: date) -> None:
        """Take `characters` from `day`'s allowance, all or nothing; RateLimited until midnight UTC if short."""
        if self.chars_per_day is None or characters <= 0:
            return
        item, ids = self._day_item(), self._day_ids(who, day)
        with self._fail_open():
            # `test` first: a request that cannot fit never shows up in the counter, even for a moment.
            if self.characters.test(item, *ids, cost=characters):
                if self.characters.hit(item, *ids, cost=characters):
                    return
                self._add(ids, -characters)  # lost a race; a fixed-window hit counts even when refused
            used = item.amount - self.characters.get_window_stats(item, *ids).remaining
            raise QuotaExceeded(
                f"request has {characters} characters; {used} of {item.amount} characters per "
                "day are used (WIREBRIEF_RATE_LIMIT_CHARS_PER_DAY)",
                retry_after_s=_seconds_until(day_bounds(day)[1]),
            )

    def refund_characters(self, who: str, characters: int, day: date) -> None:
        """Give back the reservation of a request that did not succeed."""
        if self.chars_per_day is None or characters <= 0:
            return
        with self._fail_open():
            self._add(self._day_ids(who, day), -characters)

    def _day_item(self) -> RateLimitItemPerDay:
        assert self.chars_per_day is not None
        return RateLimitItemPerDay(self.chars_per_day, namespace=NAMESPACE)

    @staticmethod
    def _day_ids(who: str, day: date) -> tuple[str, ...]:
        return ("characters", who, day.isoformat())

    def _add(self, ids: tuple[str, ...], amount: int) -> None:
        assert self.storage is not None
        item = self._day_item()
        self.storage.incr(item.key_for(*ids), item.get_expiry(), amount=amount)

    @contextmanager
    def _fail_open(self) -> Iterator[None]:
        """Storage trouble (Redis down) is logged and the request let through: limits must not stop serving."""
        assert self.storage is not None
        try:
            yield
        except self.storage.base_exceptions as exc:
            log.warning("rate limit storage unreachable, limits not enforced: %s", exc)
