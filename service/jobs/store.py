"""The job store: every state change of jobs and items, as short portable transactions.

Items are claimed one at a time with a lease and a token (see `common.claim_one`); an outcome is
recorded only by the claim that still holds the item, so a worker that lost its lease (it stalled,
or its process died and another took over) can never write a second result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..common.claims import claim_all, claim_one, rows_matched
from ..common.clock import now
from ..common.ids import new_id, new_token
from ..common.owners import Owner, visible
from ..db import Database
from ..errors import Conflict, NotFound
from .models import CANCELLED, COMPLETED, DONE, FAILED, FINISHED_ITEM, LIVE_JOB, QUEUED, RUNNING, Item, Job
from .schemas import ARTICLE_EVENT, JobCounts, JobItemIn

RESULT_PAGE = 500  # rows per query while streaming results


@dataclass(frozen=True)
class Claim:
    """An item held by one worker until `lease_until`; `token` fences its outcome."""

    item_id: int
    job_id: str
    custom_id: str
    request: dict[str, Any]
    attempts: int
    token: str
    announce: bool  # the job wants article.processed for its items


@dataclass(frozen=True)
class Outcome:
    """How a claimed item ended: `done`/`failed` with its results line, or `queued` again for a retry."""

    state: Literal["done", "failed", "queued"]
    output: str | None = None
    error_code: str | None = None
    retry_at: float | None = None
    announced: bool = False


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- jobs -------------------------------------------------------------------------------------

    def create(
        self,
        owner: str,
        items: list[JobItemIn],
        *,
        endpoint_id: str | None,
        events: Sequence[str],
        idempotency_key: str | None,
        fingerprint: str,
    ) -> tuple[Job, bool]:
        """Store `owner`'s job and all its items in one transaction; (job, created). A known key replays."""
        if idempotency_key and (existing := self.replay(owner, idempotency_key, fingerprint)):
            return existing, False
        t = now()
        job = Job(
            id=new_id("job"),
            owner=owner,
            state=QUEUED,
            total=len(items),
            endpoint_id=endpoint_id,
            events=list(events),
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            created_at=t,
            announced=False,
        )
        rows = [
            {
                "job_id": job.id,
                "seq": seq,
                "custom_id": item.custom_id,
                "state": QUEUED,
                "attempts": 0,
                "available_at": t,
                "announced": False,
                "request": item.model_dump(mode="json", exclude={"custom_id"}),
            }
            for seq, item in enumerate(items)
        ]
        with self.db.session() as session:
            try:
                session.add(job)
                session.flush()
                session.execute(insert(Item), rows)
                session.commit()
            except IntegrityError:
                session.rollback()
                if idempotency_key and (existing := self.replay(owner, idempotency_key, fingerprint)):
                    return existing, False  # a concurrent request with the same key won the race
                raise
        return job, True

    def replay(self, owner: str, key: str, fingerprint: str) -> Job | None:
        """The job `owner`'s Idempotency-Key already made; 409 when it was made from another request.
        Keys are per owner: another owner's use of the same key is another job, never a clash."""
        with self.db.session() as session:
            job = session.scalars(select(Job).where(Job.owner == owner, Job.idempotency_key == key)).one_or_none()
        if job is not None and job.fingerprint != fingerprint:
            raise Conflict(f"Idempotency-Key {key!r} was used for a different request (job {job.id})")
        return job

    def get(self, job_id: str) -> Job:
        """Any owner's job, for the workers; requests go through `owned`."""
        return self.db.get(Job, job_id, "job")

    def owned(self, job_id: str, owner: Owner) -> Job:
        """The job if `owner` may see it; another owner's job is as unknown as a missing one (404)."""
        with self.db.session() as session:
            job = session.scalars(select(Job).where(Job.id == job_id, visible(Job.owner, owner))).one_or_none()
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job

    def page(self, owner: Owner, limit: int, after: str | None) -> tuple[list[Job], bool]:
        """`owner`'s jobs, newest first; `after` is the last id of the previous page (ids sort by creation time)."""
        query = select(Job).where(visible(Job.owner, owner)).order_by(Job.id.desc()).limit(limit + 1)
        if after:
            query = query.where(Job.id < after)
        with self.db.session() as session:
            jobs = list(session.scalars(query))
        return jobs[:limit], len(jobs) > limit

    def counts(self, jobs: list[Job]) -> dict[str, JobCounts]:
        by_state: dict[str, dict[str, int]] = {job.id: {} for job in jobs}
        query = (
            select(Item.job_id, Item.state, func.count())
            .where(Item.job_id.in_(list(by_state)))
            .group_by(Item.job_id, Item.state)
        )
        with self.db.session() as session:
            for job_id, state, count in session.execute(query):
                by_state[job_id][state] = count
        return {
            job.id: JobCounts(
                total=job.total,
                completed=by_state[job.id].get(DONE, 0),
                failed=by_state[job.id].get(FAILED, 0),
                cancelled=by_state[job.id].get(CANCELLED, 0),
                pending=by_state[job.id].get(QUEUED, 0) + by_state[job.id].get(RUNNING, 0),
            )
            for job in jobs
        }

    def cancel(self, job_id: str, owner: Owner) -> Job:
        """Stop a live job `owner` may see: queued items are cancelled, running ones finish and are kept."""
        t = now()
        with self.db.session() as session:
            flipped = rows_matched(
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.state.in_(LIVE_JOB), visible(Job.owner, owner))
                    .values(state=CANCELLED, finished_at=t)
                )
            )
            if flipped:
                session.execute(
                    update(Item)
                    .where(Item.job_id == job_id, Item.state == QUEUED)
                    .values(state=CANCELLED, finished_at=t, announced=True)
                )
            session.commit()
        job = self.owned(job_id, owner)
        if not flipped:  # completed, failed or cancelled before: nothing to stop
            raise Conflict(f"job {job_id} is already {job.state}")
        return job

    def finish_if_done(self, job_id: str) -> Job | None:
        """Close a job whose items are all final; only the caller that closes it gets the job back."""
        live_items = exists().where(Item.job_id == job_id, Item.state.in_((QUEUED, RUNNING)))
        any_done = exists().where(Item.job_id == job_id, Item.state == DONE)
        with self.db.session() as session:
            if session.scalar(select(live_items)):
                return None
            final = COMPLETED if session.scalar(select(any_done)) else FAILED
            closed = rows_matched(
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.state.in_(LIVE_JOB), ~live_items)
                    .values(state=final, finished_at=now())
                )
            )
            session.commit()
        return self.get(job_id) if closed else None

    def result_lines(self, job_id: str) -> Iterator[str]:
        """Finished items' lines in item order; while the job runs, those finished so far."""
        last = -1
        while True:
            with self.db.session() as session:
                rows = session.execute(
                    select(Item.seq, Item.output)
                    .where(Item.job_id == job_id, Item.state.in_(FINISHED_ITEM), Item.seq > last)
                    .order_by(Item.seq)
                    .limit(RESULT_PAGE)
                ).all()
            if not rows:
                return
            for _, output in rows:
                assert output is not None, "a finished item always has its line"
                yield output + "\n"
            last = rows[-1].seq

    # -- claiming and finishing items -------------------------------------------------------------

    def claim_next(self, lease_s: float) -> Claim | None:
        """The oldest item whose lease lapsed (its worker died), else the oldest queued one that is due."""
        t = now()
        lapsed = and_(Item.state == RUNNING, Item.lease_until < t)
        due = and_(Item.state == QUEUED, Item.available_at <= t)
        return self._claim(lapsed, lease_s) or self._claim(due, lease_s)

    def claim_item(self, item_id: int, lease_s: float) -> Claim | None:
        """Claim one given item (a distributed worker handed its id), if it is still to do."""
        t = now()
        ready = and_(
            Item.id == item_id,
            and_(Item.state == QUEUED, Item.available_at <= t) | and_(Item.state == RUNNING, Item.lease_until < t),
        )
        return self._claim(ready, lease_s)

    def _claim(self, ready: ColumnElement[bool], lease_s: float) -> Claim | None:
        t, token = now(), new_token()
        values = {"state": RUNNING, "claim_token": token, "lease_until": t + lease_s, "attempts": Item.attempts + 1}
        with self.db.session() as session:
            item_id = claim_one(session, Item, ready, values)
            if item_id is None:
                return None
            item = session.get(Item, item_id)
            assert item is not None
            job = session.get(Job, item.job_id)
            assert job is not None
            session.execute(
                update(Job).where(Job.id == job.id, Job.state == QUEUED).values(state=RUNNING, started_at=t)
            )
            session.commit()
            return Claim(
                item_id=item.id,
                job_id=item.job_id,
                custom_id=item.custom_id,
                request=item.request,
                attempts=item.attempts,
                token=token,
                announce=job.endpoint_id is not None and ARTICLE_EVENT in job.events,
            )

    def record(self, claim: Claim, outcome: Outcome) -> bool:
        """Store an outcome if `claim` still holds the item; False means another claim took it over."""
        values: dict[str, Any] = {
            "state": outcome.state,
            "error_code": outcome.error_code,
            "claim_token": None,
            "lease_until": None,
        }
        if outcome.state == QUEUED:
            values["available_at"] = outcome.retry_at
        else:
            values.update(output=outcome.output, finished_at=now(), announced=outcome.announced)
        with self.db.session() as session:
            hit = rows_matched(
                session.execute(
                    update(Item)
                    .where(Item.id == claim.item_id, Item.claim_token == claim.token, Item.state == RUNNING)
                    .values(**values)
                )
            )
            session.commit()
        return hit == 1

    def renew(self, tokens: list[str], lease_s: float) -> None:
        """Extend the leases of items still being worked on (the heartbeat)."""
        if tokens:
            self._update_claimed(tokens, lease_until=now() + lease_s)

    def release(self, tokens: list[str]) -> None:
        """Give items back on a clean stop; the interrupted try does not count."""
        if tokens:
            self._update_claimed(tokens, state=QUEUED, claim_token=None, lease_until=None, attempts=Item.attempts - 1)

    def _update_claimed(self, tokens: list[str], **values: Any) -> None:
        with self.db.session() as session:
            session.execute(update(Item).where(Item.claim_token.in_(tokens), Item.state == RUNNING).values(**values))
            session.commit()

    def release_all(self) -> int:
        """Requeue every running item at once. Only for a store this process alone uses (`wirebrief batch`)."""
        with self.db.session() as session:
            count = rows_matched(
                session.execute(
                    update(Item).where(Item.state == RUNNING).values(state=QUEUED, claim_token=None, lease_until=None)
                )
            )
            session.commit()
        return count

    # -- dispatch bookkeeping (distributed mode: one broker message per item, re-sent when lost) -----

    def mark_dispatched(self, item_id: int, at: float) -> bool:
        """Record that a message for the item becomes deliverable at `at`; False if one already covers it.

        Compare-and-set: of several workers that want to send a message for the same moment
        (a retry, a lapsed lease), exactly one wins, so messages never multiply.
        """
        with self.db.session() as session:
            hit = rows_matched(
                session.execute(
                    update(Item)
                    .where(
                        Item.id == item_id,
                        Item.state.in_((QUEUED, RUNNING)),
                        (Item.dispatched_at.is_(None)) | (Item.dispatched_at < at),
                    )
                    .values(dispatched_at=at)
                )
            )
            session.commit()
        return hit == 1

    def mark_job_dispatched(self, job_id: str, at: float) -> list[int]:
        """Mark every queued item of a new job as sent at `at`; their ids, in job order."""
        with self.db.session() as session:
            ids = list(
                session.scalars(
                    select(Item.id)
                    .where(Item.job_id == job_id, Item.state == QUEUED, Item.dispatched_at.is_(None))
                    .order_by(Item.seq)
                )
            )
            session.execute(update(Item).where(Item.id.in_(ids)).values(dispatched_at=at))
            session.commit()
        return ids

    def undispatch(self, item_ids: list[int]) -> None:
        """The broker refused the messages: leave the items for the reconciler to send."""
        with self.db.session() as session:
            session.execute(update(Item).where(Item.id.in_(item_ids)).values(dispatched_at=None))
            session.commit()

    def take_lost(self, redispatch_after_s: float, limit: int = 500) -> list[int]:
        """Ready items no live message covers (never sent, sent before their retry was due or their lease
        lapsed, or sent too long ago), marked as sent now; each id goes to exactly one caller, however
        many reconcile."""
        t = now()
        ready = ((Item.state == QUEUED) & (Item.available_at <= t)) | ((Item.state == RUNNING) & (Item.lease_until < t))
        stale = (
            Item.dispatched_at.is_(None)
            | (Item.dispatched_at < t - redispatch_after_s)
            | ((Item.state == QUEUED) & (Item.dispatched_at < Item.available_at))
            | ((Item.state == RUNNING) & (Item.dispatched_at < Item.lease_until))
        )
        with self.db.session() as session:
            return claim_all(session, Item, and_(ready, stale), {"dispatched_at": t}, limit)

    def timing(self, item_id: int) -> tuple[str, float, float | None] | None:
        """(state, available_at, lease_until) of an item; None when it does not exist."""
        with self.db.session() as session:
            row = session.execute(
                select(Item.state, Item.available_at, Item.lease_until).where(Item.id == item_id)
            ).one_or_none()
        return (row.state, row.available_at, row.lease_until) if row else None

    # -- announcements (the outbox: final states whose events are not handed over yet) -----------

    def unannounced(self, limit: int = 200) -> tuple[list[tuple[Item, Job]], list[Job]]:
        with self.db.session() as session:
            items = [
                (item, job)
                for item, job in session.execute(
                    select(Item, Job)
                    .join(Job, Item.job_id == Job.id)
                    .where(Item.announced.is_(False), Item.state.in_(FINISHED_ITEM))
                    .order_by(Item.id)
                    .limit(limit)
                )
            ]
            jobs = session.scalars(
                select(Job)
                .where(Job.announced.is_(False), Job.state.in_((COMPLETED, FAILED)))
                .order_by(Job.id)
                .limit(limit)
            ).all()
        return items, list(jobs)

    def item(self, item_id: int) -> Item:
        return self.db.get(Item, item_id, "item")

    def mark_announced(self, *, item_id: int | None = None, job_id: str | None = None) -> None:
        with self.db.session() as session:
            if item_id is not None:
                session.execute(update(Item).where(Item.id == item_id).values(announced=True))
            if job_id is not None:
                session.execute(update(Job).where(Job.id == job_id).values(announced=True))
            session.commit()
