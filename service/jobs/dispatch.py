"""Dispatch: who runs the items. The seam where a distributed queue plugs in later.

The API only calls `submit(job_id)` after storing a job; a dispatcher makes sure its items get
run by an `ItemRunner`. The embedded one is a pool of threads that claim items from the store.
"""

from __future__ import annotations

import threading
from typing import Protocol

from ..common.polling import PollingThreads
from ..config import JobSettings
from .announce import Announcer
from .runner import ItemRunner
from .store import JobStore


class Dispatcher(Protocol):
    def start(self) -> None:
        """Begin running items (and recover what a previous process left behind)."""

    def submit(self, job_id: str) -> None:
        """A job was stored: its items are ready to run."""

    def stop(self) -> None:
        """Stop taking items; what is still running is given back or left to its lease."""


class NoDispatcher:
    """For a process that only takes jobs in (job_workers = 0): other processes claim its items."""

    def start(self) -> None: ...

    def submit(self, job_id: str) -> None: ...

    def stop(self) -> None: ...


class ThreadDispatcher:
    """`workers` threads that claim items from the store, plus a heartbeat that renews their leases.

    Leases, not process ids, decide when an item is free again, so any number of processes may
    share one store: the items of a process killed mid-job are taken up once their lease lapses.
    """

    def __init__(
        self, store: JobStore, runner: ItemRunner, announcer: Announcer, settings: JobSettings, workers: int
    ) -> None:
        self.store = store
        self.runner = runner
        self.announcer = announcer
        self.settings = settings
        self._held: set[str] = set()  # claim tokens of the items being worked on here
        self._lock = threading.Lock()
        self._workers = PollingThreads(
            "job-worker", workers, self._run_one, settings.job_poll_interval_s, settings.job_poll_max_backoff_s
        )
        heartbeat_s = min(settings.job_lease_s / 3, settings.job_poll_interval_s)
        self._heartbeat = PollingThreads(
            "job-heartbeat", 1, self._maintain, heartbeat_s, settings.job_poll_max_backoff_s
        )

    def start(self) -> None:
        self._heartbeat.start()
        self._workers.start()

    def submit(self, job_id: str) -> None:
        self._workers.wake()

    def stop(self) -> None:
        self._workers.stop(self.settings.job_shutdown_grace_s)
        self._heartbeat.stop(self.settings.job_shutdown_grace_s)
        with self._lock:
            unfinished = list(self._held)
        self.store.release(unfinished)  # their late results will be refused: the tokens are void now

    def _run_one(self) -> bool:
        if self._workers.stopping:
            return False
        claim = self.store.claim_next(self.settings.job_lease_s)
        if claim is None:
            return False
        with self._lock:
            self._held.add(claim.token)
        try:
            self.runner.run(claim)
        finally:
            with self._lock:
                self._held.discard(claim.token)
        return True

    def _maintain(self) -> bool:
        """Renew the leases of items in flight; announce what a crash left unannounced."""
        with self._lock:
            held = list(self._held)
        self.store.renew(held, self.settings.job_lease_s)
        self.announcer.sweep()
        return False


def make_dispatcher(
    store: JobStore, runner: ItemRunner, announcer: Announcer, settings: JobSettings, workers: int | None = None
) -> Dispatcher:
    count = settings.job_workers if workers is None else workers
    if count <= 0:
        return NoDispatcher()
    return ThreadDispatcher(store, runner, announcer, settings, count)
