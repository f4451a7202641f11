"""What a worker process does with a message: the same `ItemRunner` and `Sender` as the embedded mode.

A message is only a pointer. The task claims the item (or delivery) in the database; when the
claim fails because someone else holds it or it is not due yet, one follow-up message is planned
for the moment that changes, and when it is final the message is simply dropped.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError as DatabaseDown

from ..backends.pool import import_engines
from ..common.clock import now
from ..config import Settings
from ..db import Database
from ..desk.service import DeskService, pipeline_summarizer
from ..jobs.announce import Announcer
from ..jobs.models import QUEUED, RUNNING
from ..jobs.runner import ItemRunner
from ..jobs.store import JobStore
from ..pipeline import Pipeline
from ..webhooks.models import PENDING
from ..webhooks.service import WebhookService
from .app import DELIVER, RUN_ITEM
from .broker import Broker

log = logging.getLogger(__name__)

#: A hard-killed item's lease lapses this long after the hard time limit, then it is claimable again.
LEASE_MARGIN_S = 5.0


@dataclass
class WorkerContext:
    """Everything a worker process needs, built once per process (so models load once per process)."""

    settings: Settings
    db: Database
    broker: Broker
    store: JobStore
    webhooks: WebhookService
    announcer: Announcer
    runner: ItemRunner | None  # None in the main process: it reconciles, it runs no items

    @classmethod
    def build(cls, settings: Settings, celery: Celery, *, with_pipeline: bool) -> WorkerContext:
        db = Database.from_settings(settings.storage)
        broker = Broker(celery, db, settings.broker)
        store = JobStore(db)
        webhooks = WebhookService(db, settings.webhooks, notify=broker.delivery, page_max=settings.job_page_max)
        announcer = Announcer(store, webhooks, settings.webhook_public_base_url)
        runner = None
        if with_pipeline:
            pipeline = Pipeline.from_settings(settings)
            desk = DeskService(
                db,
                settings.desk,
                pipeline_summarizer(pipeline),
                webhooks,
                public_base_url=settings.webhook_public_base_url,
            )
            if settings.preload:  # the owners' story indexes load while this process runs its first item
                desk.start_warm()
            runner = ItemRunner(store, pipeline, announcer, settings.jobs, timeouts=(SoftTimeLimitExceeded,), desk=desk)
        return cls(settings, db, broker, store, webhooks, announcer, runner)

    @property
    def lease_s(self) -> float:
        return self.settings.job_item_time_limit_s + LEASE_MARGIN_S

    def run_item(self, item_id: int) -> str:
        """Claim and process one item; what happened, for the log."""
        assert self.runner is not None
        claim = self.store.claim_item(item_id, self.lease_s)
        if claim is None:
            return self._follow_up_item(item_id)
        outcome = self.runner.run(claim)
        if outcome is None:
            return "lost its claim"
        if outcome.state == QUEUED:
            self.broker.item(item_id, at=outcome.retry_at)
            return f"retry at {outcome.retry_at:.0f}"
        return outcome.state

    def _follow_up_item(self, item_id: int) -> str:
        timing = self.store.timing(item_id)
        if timing is None:
            return "no such item"
        state, available_at, lease_until = timing
        if state == RUNNING and lease_until is not None:
            self.broker.item(item_id, at=lease_until + 0.5)  # look again when that lease lapses
            return "held by another worker"
        if state == QUEUED and available_at > now():
            self.broker.item(item_id, at=available_at)
            return "not due yet"
        return f"already {state}"

    def deliver(self, delivery_id: str) -> str:
        result = self.webhooks.sender.deliver(delivery_id)
        if result is not None:
            if result.state == PENDING:
                self.broker.delivery(delivery_id, at=result.retry_at)
            return result.state
        delivery = self.webhooks.deliveries.get(delivery_id)
        if delivery.state == PENDING and delivery.next_attempt_at is not None:
            self.broker.delivery(delivery_id, at=max(delivery.next_attempt_at, (delivery.lease_until or 0) + 0.5))
            return "not due yet, or held"
        return f"already {delivery.state}"


_context: WorkerContext | None = None
_context_pid: int | None = None


def context(settings: Settings, celery: Celery) -> WorkerContext:
    """This process's context (a forked child builds its own: connections are never shared across fork)."""
    global _context, _context_pid
    if _context is None or _context_pid != os.getpid():
        import_engines(settings.models)
        _context, _context_pid = WorkerContext.build(settings, celery, with_pipeline=True), os.getpid()
    return _context


def register(celery: Celery, settings: Settings) -> None:
    """Declare the tasks on `celery`; a database outage is retried with backoff, a bounded number of times."""
    retry = {
        "autoretry_for": (DatabaseDown,),
        "retry_backoff": max(1, int(settings.job_retry_backoff_s)),
        "retry_jitter": True,
        "max_retries": settings.job_item_max_attempts,
    }

    @celery.task(name=RUN_ITEM, **retry)
    def run_item(item_id: int) -> str:
        return context(settings, celery).run_item(item_id)

    @celery.task(name=DELIVER, **retry)
    def deliver(delivery_id: str) -> str:
        return context(settings, celery).deliver(delivery_id)
