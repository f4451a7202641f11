"""A small pool of daemon threads that repeat a step while it finds work and sleep when it does not."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class PollingThreads:
    """`count` threads calling `step()`; a step returns True when it did something (go again at once).

    Idle threads wait until `wake()` or `interval_s`, whichever comes first, so new work starts
    immediately and delayed work (retries, lapsed leases) is still found without a wake-up.

    A step that raises (the database is full, read-only or down) backs its thread off: it waits
    `interval_s`, then twice that, and so on up to `max_backoff_s`, deaf to `wake()` meanwhile,
    and logs one line per wait (the traceback only for the first failure). The first step that
    succeeds again resets the backoff and says so.
    """

    def __init__(
        self, name: str, count: int, step: Callable[[], bool], interval_s: float, max_backoff_s: float = 60.0
    ) -> None:
        self.name = name
        self.count = count
        self.step = step
        self.interval_s = interval_s
        self.max_backoff_s = max(max_backoff_s, interval_s)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._loop, name=f"{self.name}-{i}", daemon=True) for i in range(self.count)
        ]
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, grace_s: float) -> None:
        """Ask every thread to stop and wait up to `grace_s` for steps in progress to end."""
        self._stopping.set()
        self._wake.set()
        deadline = time.monotonic() + grace_s
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._threads = []

    def backoff_s(self, failures: int) -> float:
        """How long a thread waits after `failures` failed steps in a row (1, 2, ...)."""
        return min(self.max_backoff_s, self.interval_s * 2.0 ** min(failures - 1, 32))

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                found = self.step()
                if not found:
                    self._wake.clear()
                    found = not self._stopping.is_set() and self.step()  # work that came between miss and clear
            except Exception as error:
                failures += 1
                delay = self.backoff_s(failures)
                log.warning(
                    "%s: step failed (%s: %s); failure %d in a row, next try in %.1fs",
                    self.name,
                    type(error).__name__,
                    str(error).splitlines()[0] if str(error) else "",
                    failures,
                    delay,
                    exc_info=failures == 1,
                )
                self._stopping.wait(delay)  # not `_wake`: a wake-up must not turn the backoff into a spin
                continue
            if failures:
                log.warning("%s: steps succeed again after %d failures", self.name, failures)
                failures = 0
            if not found:
                self._wake.wait(self.interval_s)
