"""Sending work to the queue: one message per item or delivery, never more than one per moment.

Every send is recorded first (`dispatched_at`, compare-and-set), so concurrent senders do not
multiply messages; a send the broker refuses is un-recorded and left to the reconciler.
This is also the `Dispatcher` the API uses in distributed mode: it only enqueues.
"""

from __future__ import annotations

import logging

from celery import Celery
from kombu.exceptions import OperationalError as BrokerDown

from ..common.clock import now
from ..config import DistributedSettings, JobSettings
from ..db import Database
from ..jobs.store import JobStore
from ..webhooks.deliveries import DeliveryStore
from .app import DELIVER, PUBLISH_RETRY, QUEUE, RUN_ITEM, make_celery

log = logging.getLogger(__name__)


class Broker:
    def __init__(self, celery: Celery, db: Database, settings: DistributedSettings) -> None:
        self.celery = celery
        self.items = JobStore(db)
        self.deliveries = DeliveryStore(db)
        # A countdown message is held unacknowledged by a worker; past the visibility timeout Redis
        # would hand it out again. Longer waits are left to the reconciler, which looks when due.
        self.max_countdown_s = settings.broker_visibility_timeout_s / 2

    @classmethod
    def from_settings(cls, db: Database, settings: DistributedSettings, jobs: JobSettings) -> Broker:
        return cls(make_celery(settings, jobs), db, settings)

    # -- the jobs Dispatcher protocol (API processes) ----------------------------------------------

    def start(self) -> None: ...

    def submit(self, job_id: str) -> None:
        """Send one message per item of a newly stored job; the job is durable whatever happens here."""
        ids = self.items.mark_job_dispatched(job_id, now())
        sent = self.send_many(RUN_ITEM, ids)
        if sent < len(ids):
            self.items.undispatch(ids[sent:])
            log.warning("broker unreachable: %d item(s) of job %s wait for the reconciler", len(ids) - sent, job_id)

    def stop(self) -> None:
        self.celery.close()

    # -- single messages ---------------------------------------------------------------------------

    def item(self, item_id: int, at: float | None = None) -> None:
        """Make sure a message will look at the item at `at` (now by default)."""
        at = now() if at is None else at
        if at - now() > self.max_countdown_s:
            return  # the reconciler sends it once due
        if self.items.mark_dispatched(item_id, at) and not self.send(RUN_ITEM, item_id, at):
            self.items.undispatch([item_id])

    def delivery(self, delivery_id: str, at: float | None = None) -> None:
        """Make sure a message will attempt the delivery at `at` (now by default)."""
        at = now() if at is None else at
        if at - now() > self.max_countdown_s:
            return  # the reconciler sends it once due
        if self.deliveries.mark_dispatched(delivery_id, at) and not self.send(DELIVER, delivery_id, at):
            self.deliveries.undispatch(delivery_id)

    def send(self, task: str, key: int | str, at: float | None = None) -> bool:
        """Publish one message (already recorded by the caller); False when the broker is down."""
        countdown = max(0.0, at - now()) if at is not None else 0.0
        try:
            self.celery.send_task(
                task, args=[key], queue=QUEUE, countdown=countdown or None, retry=True, retry_policy=PUBLISH_RETRY
            )
        except BrokerDown as exc:
            log.warning("broker unreachable (%s): %s %s left for the reconciler", exc, task, key)
            return False
        return True

    def send_many(self, task: str, keys: list[int] | list[str]) -> int:
        """Publish one message per key over one connection; how many went out before any failure."""
        sent = 0
        try:
            with self.celery.producer_or_acquire() as producer:
                for key in keys:
                    self.celery.send_task(
                        task, args=[key], queue=QUEUE, producer=producer, retry=True, retry_policy=PUBLISH_RETRY
                    )
                    sent += 1
        except BrokerDown as exc:
            log.warning("broker unreachable after %d of %d messages: %s", sent, len(keys), exc)
        return sent
