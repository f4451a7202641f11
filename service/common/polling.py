"""A small pool of daemon threads that repeat a step while it finds work and sleep when it does not."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)


class PollingThreads:
    """`count` threads calling `step()`; a step returns True when it did something (go again at once).

    Idle threads wait until `wake()` or `interval_s`, whichever comes first, so new work starts
    immediately and delayed work (retries, lapsed leases) is still found without a wake-up.
    """

    def __init__(self, name: str, count: int, step: Callable[[], bool], interval_s: float) -> None:
        self.name = name
        self.count = count
        self.step = step
        self.interval_s = interval_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        self._stopping.clear()
        self._threads = [threading.Thread(target=self._loop, name=f"{self.name}-{i}", daemon=True)
                         for i in range(self.count)]
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

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.step():
                    continue
                self._wake.clear()
                if not self._stopping.is_set() and self.step():  # work that came between the miss and the clear
                    continue
            except Exception:  # noqa: BLE001 - e.g. the database is briefly locked: keep the thread alive
                log.exception("%s: step failed", self.name)
            self._wake.wait(self.interval_s)
