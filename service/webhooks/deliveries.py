"""The delivery log: pending messages (persisted, so retries survive a restart) and every attempt."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..common.claims import claim_all, claim_one, rows_matched
from ..common.clock import now
from ..common.ids import new_id, new_token
from ..common.owners import Owner, visible
from ..db import Database
from ..errors import Conflict, NotFound
from .models import CANCELLED, FAILED, PENDING, SUCCEEDED, Attempt, Delivery, Endpoint


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt found, and what comes next: `state` pending (retry at `retry_at`) or final."""

    started_at: float
    latency_ms: float
    status: int | None
    error: str | None
    state: str
    retry_at: float | None


class DeliveryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, endpoint_id: str, event_type: str, key: str, body: str) -> str | None:
        """Queue a message; its id, or None when this endpoint already has one with `key` (idempotent)."""
        t, delivery_id = now(), new_id("msg")
        with self.db.session() as session:
            try:
                session.execute(
                    insert(Delivery).values(
                        id=delivery_id,
                        endpoint_id=endpoint_id,
                        event_type=event_type,
                        key=key,
                        body=body,
                        state=PENDING,
                        attempts=0,
                        tries=0,
                        next_attempt_at=t,
                        created_at=t,
                    )
                )
                session.commit()
            except IntegrityError:
                session.rollback()
                return None
        return delivery_id

    def claim_due(self, lease_s: float, delivery_id: str | None = None) -> tuple[Delivery, str] | None:
        """A due pending delivery (any, or the one named), leased to the caller; (delivery, claim token)."""
        t, token = now(), new_token()
        ready = and_(
            Delivery.state == PENDING,
            Delivery.next_attempt_at <= t,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < t),
        )
        if delivery_id is not None:
            ready = and_(ready, Delivery.id == delivery_id)
        with self.db.session() as session:
            delivery_id = claim_one(session, Delivery, ready, {"claim_token": token, "lease_until": t + lease_s})
            if delivery_id is None:
                return None
            delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        return delivery, token

    def record(self, delivery: Delivery, token: str, result: AttemptResult) -> bool:
        """Log the attempt and move the delivery on, if `token` still holds it."""
        final = result.state != PENDING
        with self.db.session() as session:
            hit = rows_matched(
                session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery.id, Delivery.claim_token == token)
                    .values(
                        state=result.state,
                        attempts=Delivery.attempts + 1,
                        tries=Delivery.tries + 1,
                        next_attempt_at=result.retry_at,
                        claim_token=None,
                        lease_until=None,
                        last_status=result.status,
                        last_error=result.error,
                        finished_at=result.started_at if final else None,
                    )
                )
            )
            if hit:
                session.add(
                    Attempt(
                        delivery_id=delivery.id,
                        number=delivery.attempts + 1,
                        at=result.started_at,
                        status=result.status,
                        latency_ms=result.latency_ms,
                        error=result.error,
                        retry_at=result.retry_at,
                    )
                )
            session.commit()
        return hit == 1

    def mark_dispatched(self, delivery_id: str, at: float) -> bool:
        """Record that a broker message for the delivery becomes deliverable at `at` (compare-and-set,
        so concurrent senders never multiply messages); False when one already covers that moment."""
        with self.db.session() as session:
            hit = rows_matched(
                session.execute(
                    update(Delivery)
                    .where(
                        Delivery.id == delivery_id,
                        Delivery.state == PENDING,
                        Delivery.dispatched_at.is_(None) | (Delivery.dispatched_at < at),
                    )
                    .values(dispatched_at=at)
                )
            )
            session.commit()
        return hit == 1

    def undispatch(self, delivery_id: str) -> None:
        with self.db.session() as session:
            session.execute(update(Delivery).where(Delivery.id == delivery_id).values(dispatched_at=None))
            session.commit()

    def take_lost(self, redispatch_after_s: float, limit: int = 500) -> list[str]:
        """Due deliveries no live message covers (never sent, sent for an earlier attempt, or too long
        ago), marked as sent now; each id goes to exactly one caller, however many reconcile."""
        t = now()
        due = and_(
            Delivery.state == PENDING,
            Delivery.next_attempt_at <= t,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < t),
        )
        stale = or_(
            Delivery.dispatched_at.is_(None),
            Delivery.dispatched_at < Delivery.next_attempt_at,
            Delivery.dispatched_at < t - redispatch_after_s,
            and_(Delivery.lease_until.is_not(None), Delivery.dispatched_at < Delivery.lease_until),
        )
        with self.db.session() as session:
            return claim_all(session, Delivery, and_(due, stale), {"dispatched_at": t}, limit)

    def cancel(self, delivery: Delivery, token: str, reason: str) -> None:
        with self.db.session() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery.id, Delivery.claim_token == token)
                .values(
                    state=CANCELLED,
                    claim_token=None,
                    lease_until=None,
                    next_attempt_at=None,
                    last_error=reason,
                    finished_at=now(),
                )
            )
            session.commit()

    def get(self, delivery_id: str) -> Delivery:
        """Any owner's delivery, for the senders; requests go through `owned`."""
        return self.db.get(Delivery, delivery_id, "delivery")

    def owned(self, delivery_id: str, owner: Owner) -> Delivery:
        """The delivery if `owner` may see its endpoint; another owner's is as unknown as a missing one (404)."""
        with self.db.session() as session:
            query = _visible(select(Delivery), owner).where(Delivery.id == delivery_id)
            delivery = session.scalars(query).one_or_none()
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id!r}")
        return delivery

    def page(
        self, owner: Owner, limit: int, after: str | None, endpoint_id: str | None, state: str | None
    ) -> tuple[list[Delivery], bool]:
        """Deliveries to `owner`'s endpoints, newest first (ids sort by creation time); `after` is the last id
        of the previous page."""
        query = _visible(select(Delivery), owner).order_by(Delivery.id.desc()).limit(limit + 1)
        if after:
            query = query.where(Delivery.id < after)
        if endpoint_id:
            query = query.where(Delivery.endpoint_id == endpoint_id)
        if state:
            query = query.where(Delivery.state == state)
        with self.db.session() as session:
            rows = list(session.scalars(query))
        return rows[:limit], len(rows) > limit

    def attempts(self, delivery_ids: list[str]) -> dict[str, list[Attempt]]:
        found: dict[str, list[Attempt]] = {delivery_id: [] for delivery_id in delivery_ids}
        with self.db.session() as session:
            for attempt in session.scalars(
                select(Attempt)
                .where(Attempt.delivery_id.in_(delivery_ids))
                .order_by(Attempt.delivery_id, Attempt.number)
            ):
                found[attempt.delivery_id].append(attempt)
        return found

    def redeliver(self, delivery_id: str, owner: Owner) -> Delivery:
        """Send a finished delivery again (same webhook-id) with a fresh retry schedule."""
        self.owned(delivery_id, owner)
        with self.db.session() as session:
            hit = rows_matched(
                session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id, Delivery.state.in_((SUCCEEDED, FAILED, CANCELLED)))
                    .values(state=PENDING, tries=0, next_attempt_at=now(), finished_at=None)
                )
            )
            session.commit()
        if not hit:
            raise Conflict(f"delivery {delivery_id} is still pending")
        return self.get(delivery_id)


def _visible(query: Select[Delivery], owner: Owner) -> Select[Delivery]:
    """Deliveries belong to their endpoint's owner."""
    if owner.sees_all:
        return query
    return query.join(Endpoint, Delivery.endpoint_id == Endpoint.id).where(visible(Endpoint.owner, owner))
