"""Jobs, job items and webhook deliveries by state, counted in the database when `/metrics` is scraped.

The database is the truth whichever process runs the items and deliveries (embedded threads or
`wirebrief worker`), so the API process reports them all, the whole cluster's. Three `GROUP BY state`
queries per scrape; every known state is reported, zeros included, so series do not vanish.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select

from ..db import Database
from ..jobs.models import CANCELLED, COMPLETED, DONE, FAILED, QUEUED, RUNNING, Item, Job
from ..webhooks import models as hooks

log = logging.getLogger(__name__)

JOB_STATES = (QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED)
ITEM_STATES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
DELIVERY_STATES = (hooks.PENDING, hooks.SUCCEEDED, hooks.FAILED, hooks.CANCELLED)


class JobStateCollector:
    """A custom collector over one app's job database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        try:
            with self.db.session() as session:
                jobs = dict(session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
                items = dict(session.execute(select(Item.state, func.count()).group_by(Item.state)).all())
                deliveries = dict(
                    session.execute(select(hooks.Delivery.state, func.count()).group_by(hooks.Delivery.state)).all()
                )
        except Exception:
            log.warning("job state metrics skipped: the job database did not answer", exc_info=True)
            return
        yield _family("wirebrief_jobs", "Jobs by state.", JOB_STATES, jobs)
        yield _family("wirebrief_job_items", "Job items by state.", ITEM_STATES, items)
        yield _family(
            "wirebrief_webhook_delivery_states",
            "Webhook deliveries (events × endpoints) by state, whichever process delivers them.",
            DELIVERY_STATES,
            deliveries,
        )


def _family(name: str, documentation: str, known: tuple[str, ...], counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["state"])
    for state in dict.fromkeys([*known, *counts]):
        family.add_metric([state], counts.get(state, 0))
    return family
