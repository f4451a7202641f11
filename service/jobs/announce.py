"""Tell the event sink about finished items and jobs, with thin payloads that link to the results.

Finished rows carry an `announced` flag (an outbox): a worker announces right after recording, and
a sweep announces whatever a crash left in between. The sink's idempotency keys make a second
announcement of the same thing a no-op, so nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import logging
from typing import Any

from ..common.clock import iso
from ..events import EventSink
from .models import Item, Job
from .schemas import ARTICLE_EVENT, ResultLine, parse_line
from .store import JobStore

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, store: JobStore, sink: EventSink | None, public_base_url: str = "") -> None:
        self.store = store
        self.sink = sink
        self.base = public_base_url.rstrip("/")  # WIREBRIEF_WEBHOOK_PUBLIC_BASE_URL: absolute links in events

    def links(self, job_id: str) -> dict[str, str]:
        return {"job": f"{self.base}/v1/jobs/{job_id}", "results": f"{self.base}/v1/jobs/{job_id}/results"}

    def item(self, item_id: int) -> None:
        item = self.store.item(item_id)
        self._announce_item(item, self.store.get(item.job_id))

    def job(self, job: Job) -> None:
        if self._emit(job, f"job.{job.state}", self.job_data(job), key=f"job.{job.state}:{job.id}"):
            self.store.mark_announced(job_id=job.id)

    def sweep(self) -> None:
        """Announce what finished without being announced (the process died in between)."""
        items, jobs = self.store.unannounced()
        for item, job in items:
            self._announce_item(item, job)
        for job in jobs:
            self.job(job)

    def job_data(self, job: Job) -> dict[str, Any]:
        counts = self.store.counts([job])[job.id]
        return {
            "job_id": job.id,
            "state": job.state,
            "counts": counts.model_dump(exclude={"pending"}),
            "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at),
            "links": self.links(job.id),
        }

    def item_data(self, item: Item) -> dict[str, Any]:
        line = parse_line(item.output or "")
        data: dict[str, Any] = {
            "job_id": item.job_id,
            "custom_id": item.custom_id,
            "state": "succeeded" if isinstance(line, ResultLine) else "failed",
            "links": self.links(item.job_id),
        }
        if isinstance(line, ResultLine):
            data["language"] = line.result.language.code
            data["headline"] = line.result.summary.headline if line.result.summary else None
        else:
            data["error"] = line.error.model_dump() if line else None
        return data

    def _announce_item(self, item: Item, job: Job) -> None:
        if ARTICLE_EVENT not in job.events or self._emit(
            job, ARTICLE_EVENT, self.item_data(item), key=f"{ARTICLE_EVENT}:{job.id}:{item.custom_id}"
        ):
            self.store.mark_announced(item_id=item.id)

    def _emit(self, job: Job, event_type: str, data: dict[str, Any], *, key: str) -> bool:
        """Hand one event over; False leaves it for the next sweep."""
        if self.sink is None or job.endpoint_id is None or event_type not in job.events:
            return True
        try:
            self.sink.emit(job.owner, job.endpoint_id, event_type, data, key=key)
        except Exception:
            log.exception("could not hand %s over to the event sink", key)
            return False
        return True
