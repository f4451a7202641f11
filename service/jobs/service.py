"""The jobs facade the API, the CLI and the newsroom hook use: submit, inspect, cancel, read results.

Every call names the `Owner` it acts for: a job is its maker's, and another owner's job is not found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..common.clock import iso, now
from ..common.owners import Owner
from ..config import JobSettings
from ..db import Database
from ..desk.service import DeskService
from ..errors import InvalidInput
from ..events import EventSink
from ..pipeline import Pipeline
from .announce import Announcer
from .dispatch import Dispatcher, make_dispatcher
from .intake import JobDraft, parse_request
from .models import RUNNING, Job
from .runner import ItemRunner
from .schemas import JOB_EVENTS, JobCounts, JobOut, JobPage
from .store import JobStore


class JobService:
    def __init__(
        self,
        db: Database,
        pipeline: Pipeline,
        settings: JobSettings,
        sink: EventSink | None = None,
        *,
        public_base_url: str = "",
        workers: int | None = None,
        dispatcher: Dispatcher | None = None,
        desk: DeskService | None = None,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.sink = sink
        self.store = JobStore(db)
        self.announcer = Announcer(self.store, sink, public_base_url)
        self.runner = ItemRunner(self.store, pipeline, self.announcer, settings, desk=desk)
        self.dispatcher: Dispatcher = dispatcher or make_dispatcher(
            self.store, self.runner, self.announcer, settings, workers
        )

    @contextmanager
    def running(self) -> Iterator[JobService]:
        """Run items in the background while the context is open."""
        self.dispatcher.start()
        try:
            yield self
        finally:
            self.dispatcher.stop()

    def parse(self, raw: bytes, media_type: str, query: Mapping[str, str]) -> JobDraft:
        """Validate a `POST /v1/jobs` body whole (see `intake`)."""
        return parse_request(raw, media_type, query, self.pipeline, self.settings)

    def submit(self, draft: JobDraft, owner: Owner, *, idempotency_key: str | None = None) -> tuple[JobOut, bool]:
        """Store `owner`'s job and hand it to the dispatcher; (job, created). A repeated key of the same
        owner returns its job. The job may name only an endpoint of `owner`'s (admins included)."""
        if idempotency_key and (existing := self.store.replay(owner.id, idempotency_key, draft.fingerprint)):
            return self.view(existing), False
        options = draft.options
        endpoint_id = self._target(owner.id, options.webhook_endpoint_id, options.callback_url)
        events = list(options.events if options.events is not None else (JOB_EVENTS if endpoint_id else ()))
        job, created = self.store.create(
            owner.id,
            draft.items,
            endpoint_id=endpoint_id,
            events=events,
            idempotency_key=idempotency_key,
            fingerprint=draft.fingerprint,
        )
        if created:
            self.dispatcher.submit(job.id)
        return self.view(job), created

    def _target(self, owner: str, endpoint_id: str | None, callback_url: str | None) -> str | None:
        if self.sink is not None:
            return self.sink.check_target(owner, endpoint_id, callback_url)
        if endpoint_id or callback_url:
            raise InvalidInput("webhooks are not available here")
        return None

    def get(self, job_id: str, owner: Owner) -> JobOut:
        return self.view(self.store.owned(job_id, owner))

    def page(self, owner: Owner, limit: int, after: str | None = None) -> JobPage:
        jobs, has_more = self.store.page(owner, min(limit, self.settings.job_page_max), after)
        counts = self.store.counts(jobs)
        return JobPage(
            data=[self.view(job, counts[job.id]) for job in jobs],
            has_more=has_more,
            next_after=jobs[-1].id if has_more else None,
        )

    def cancel(self, job_id: str, owner: Owner) -> JobOut:
        return self.view(self.store.cancel(job_id, owner))

    def results(self, job_id: str, owner: Owner) -> tuple[JobOut, Iterator[str]]:
        """The job as it is now, and its finished items' lines (404 for an unknown or another owner's job,
        before streaming)."""
        return self.get(job_id, owner), self.store.result_lines(job_id)

    def view(self, job: Job, counts: JobCounts | None = None) -> JobOut:
        counts = counts or self.store.counts([job])[job.id]
        return JobOut(
            id=job.id,
            state=job.state,
            counts=counts,
            created_at=iso(job.created_at) or "",
            started_at=iso(job.started_at),
            finished_at=iso(job.finished_at),
            eta_seconds=_eta(job, counts),
            webhook_endpoint_id=job.endpoint_id,
            events=job.events,
            results_url=self.announcer.links(job.id)["results"],
        )


def _eta(job: Job, counts: JobCounts) -> float | None:
    """Seconds until the pending items are done, at the rate this job has gone so far."""
    finished = counts.completed + counts.failed
    if job.state != RUNNING or job.started_at is None or not finished or not counts.pending:
        return None
    return round(counts.pending * (now() - job.started_at) / finished, 1)
