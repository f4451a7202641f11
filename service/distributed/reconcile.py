"""The safety net of distributed mode: find work whose message was lost and send it again.

Messages can go missing (an API process died between storing a job and sending, Redis lost its
data, a countdown longer than the visibility timeout). Every worker's main process looks every
`broker_reconcile_interval_s`; claims in the database make sure only one of them sends each.
It also announces finished items and jobs a crash left unannounced (the outbox sweep).
"""

from __future__ import annotations

import logging

from ..common.polling import PollingThreads
from .app import DELIVER, RUN_ITEM
from .tasks import WorkerContext

log = logging.getLogger(__name__)


class Reconciler:
    def __init__(self, context: WorkerContext) -> None:
        self.context = context
        self.threads = PollingThreads(
            "reconciler",
            1,
            self.step,
            context.settings.broker_reconcile_interval_s,
            context.settings.job_poll_max_backoff_s,
        )

    def start(self) -> None:
        self.threads.start()

    def stop(self) -> None:
        self.threads.stop(grace_s=5.0)

    def step(self) -> bool:
        """One look; True when it sent something (look again at once)."""
        c = self.context
        after = c.settings.broker_redispatch_after_s
        items = c.store.take_lost(after)
        for item_id in items:
            if not c.broker.send(RUN_ITEM, item_id):
                c.store.undispatch([item_id])
        deliveries = c.webhooks.deliveries.take_lost(after)
        for delivery_id in deliveries:
            if not c.broker.send(DELIVER, delivery_id):
                c.webhooks.deliveries.undispatch(delivery_id)
        c.announcer.sweep()
        if items or deliveries:
            log.info("reconciler re-sent %d item(s) and %d deliveries", len(items), len(deliveries))
        return False
