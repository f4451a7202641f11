"""Registered webhook endpoints: create (SSRF-checked), list, delete, rotate secrets, disable."""

from __future__ import annotations

from sqlalchemy import Select, select, update

from ..common.clock import now
from ..common.ids import new_id
from ..common.owners import NEWSROOM, Owner, visible
from ..config import WebhookSettings
from ..db import Database
from ..errors import Conflict, NotFound
from .models import CANCELLED, PENDING, Delivery, Endpoint
from .signing import new_secret
from .ssrf import Resolver, allowed_hosts, check_url

NEWSROOM_ENDPOINT = "we_newsroom"  # the endpoint made from WIREBRIEF_NEWSROOM_CALLBACK_URL


class EndpointStore:
    def __init__(self, db: Database, settings: WebhookSettings, resolver: Resolver) -> None:
        self.db = db
        self.settings = settings
        self.resolver = resolver

    def check(self, url: str) -> None:
        """Refuse URLs that resolve to internal addresses (`UnsafeUrl`, 422)."""
        check_url(url, allowed_hosts(self.settings), self.resolver)

    def create(self, owner: str, url: str, events: list[str]) -> Endpoint:
        self.check(url)
        endpoint = Endpoint(
            id=new_id("we"), owner=owner, url=url, events=events, secret=new_secret(), managed=False, created_at=now()
        )
        with self.db.session() as session:
            session.add(endpoint)
            session.commit()
        return endpoint

    def find(self, endpoint_id: str) -> Endpoint | None:
        """Any owner's endpoint, deleted or not (deliveries of deleted endpoints are cancelled, not lost)."""
        with self.db.session() as session:
            return session.get(Endpoint, endpoint_id)

    def get(self, endpoint_id: str, owner: Owner) -> Endpoint:
        """A live endpoint `owner` may see; another owner's is as unknown as a missing one (404)."""
        with self.db.session() as session:
            endpoint = session.scalars(
                select(Endpoint).where(
                    Endpoint.id == endpoint_id, Endpoint.deleted_at.is_(None), visible(Endpoint.owner, owner)
                )
            ).one_or_none()
        if endpoint is None:
            raise NotFound(f"no webhook endpoint {endpoint_id!r}")
        return endpoint

    def by_url(self, owner: str, url: str) -> Endpoint | None:
        """The oldest live endpoint `owner` registered for `url`."""
        with self.db.session() as session:
            return session.scalars(
                select(Endpoint)
                .where(
                    Endpoint.owner == owner,
                    Endpoint.url == url,
                    Endpoint.deleted_at.is_(None),
                    Endpoint.disabled_at.is_(None),
                )
                .order_by(Endpoint.id)
                .limit(1)
            ).one_or_none()

    @staticmethod
    def _live(owner: Owner) -> Select[Endpoint]:
        """`owner`'s endpoints that are not deleted."""
        return select(Endpoint).where(Endpoint.deleted_at.is_(None), visible(Endpoint.owner, owner))

    def all(self, owner: Owner) -> list[Endpoint]:
        """Every live endpoint of `owner` (fan-out of an owner's events), oldest first."""
        with self.db.session() as session:
            return list(session.scalars(self._live(owner).order_by(Endpoint.id)))

    def page(self, owner: Owner, limit: int, after: str | None) -> tuple[list[Endpoint], bool]:
        """`owner`'s endpoints, newest first (ids sort by creation time); `after` is the last id of the previous
        page."""
        query = self._live(owner).order_by(Endpoint.id.desc()).limit(limit + 1)
        if after:
            query = query.where(Endpoint.id < after)
        with self.db.session() as session:
            rows = list(session.scalars(query))
        return rows[:limit], len(rows) > limit

    def rotate(self, endpoint_id: str, owner: Owner) -> Endpoint:
        """A new secret; the old one keeps signing (second signature) for the grace period."""
        endpoint = self._editable(endpoint_id, owner)
        t = now()
        with self.db.session() as session:
            session.execute(
                update(Endpoint)
                .where(Endpoint.id == endpoint.id)
                .values(
                    secret=new_secret(),
                    previous_secret=endpoint.secret,
                    previous_secret_until=t + self.settings.webhook_secret_grace_s,
                )
            )
            session.commit()
        return self.get(endpoint_id, owner)

    def delete(self, endpoint_id: str, owner: Owner) -> None:
        self._editable(endpoint_id, owner)
        self._close(endpoint_id, deleted_at=now())

    def disable(self, endpoint_id: str, reason: str) -> None:
        self._close(endpoint_id, disabled_at=now(), disabled_reason=reason)

    def signing_secrets(self, endpoint: Endpoint, at: float) -> list[str]:
        """The current secret, and the previous one while its grace period lasts."""
        if endpoint.previous_secret and (endpoint.previous_secret_until or 0) > at:
            return [endpoint.secret, endpoint.previous_secret]
        return [endpoint.secret]

    def ensure_managed(self, endpoint_id: str, url: str, secret: str, events: list[str]) -> None:
        """Create or update an endpoint that settings define (enabled again: settings are the truth); the
        `newsroom` system owner's, like the hook's jobs that name it."""
        with self.db.session() as session:
            endpoint = session.get(Endpoint, endpoint_id)
            if endpoint is None:
                session.add(
                    Endpoint(
                        id=endpoint_id,
                        owner=NEWSROOM,
                        url=url,
                        events=events,
                        secret=secret,
                        managed=True,
                        created_at=now(),
                    )
                )
            else:
                endpoint.url, endpoint.events, endpoint.secret, endpoint.managed = url, events, secret, True
                endpoint.owner = NEWSROOM
                endpoint.previous_secret = endpoint.disabled_at = endpoint.disabled_reason = None
                endpoint.deleted_at = None
            session.commit()

    def drop_managed(self, endpoint_id: str) -> None:
        endpoint = self.find(endpoint_id)
        if endpoint is not None and endpoint.deleted_at is None:
            self._close(endpoint_id, deleted_at=now())

    def _editable(self, endpoint_id: str, owner: Owner) -> Endpoint:
        endpoint = self.get(endpoint_id, owner)
        if endpoint.managed:
            raise Conflict(f"endpoint {endpoint_id} is made from settings (WIREBRIEF_NEWSROOM_*); change them there")
        return endpoint

    def _close(self, endpoint_id: str, **values: object) -> None:
        """Disable or delete an endpoint and cancel its pending deliveries, in one transaction."""
        with self.db.session() as session:
            session.execute(update(Endpoint).where(Endpoint.id == endpoint_id).values(**values))
            session.execute(
                update(Delivery)
                .where(Delivery.endpoint_id == endpoint_id, Delivery.state == PENDING)
                .values(state=CANCELLED, finished_at=now(), next_attempt_at=None)
            )
            session.commit()
