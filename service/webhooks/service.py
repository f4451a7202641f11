"""Webhooks out: the `EventSink` jobs emit into, the endpoint and delivery API, the background sender."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..common.clock import iso, now
from ..common.owners import Owner
from ..config import WebhookSettings
from ..db import Database
from ..errors import Conflict, InvalidInput
from ..jobs.schemas import ARTICLE_EVENT
from .deliveries import DeliveryStore
from .endpoints import NEWSROOM_ENDPOINT, EndpointStore
from .models import Attempt, Delivery, Endpoint
from .schemas import AttemptOut, DeliveryOut, DeliveryPage, EndpointCreated, EndpointOut, EndpointPage, SecretOut
from .sender import Sender
from .signing import parse_secrets
from .ssrf import Resolver, UnsafeUrl, resolve

log = logging.getLogger(__name__)


#: Called with a delivery id when it is due now: wakes the local sender threads, or queues a task.
Notify = Callable[[str], None]


class WebhookService:
    """Implements `service.events.EventSink`; `running()` delivers in the background.

    Embedded, this process's sender threads deliver. With `notify` (distributed mode) deliveries are
    handed to queue workers instead, and no sender thread runs here.
    """

    def __init__(
        self,
        db: Database,
        settings: WebhookSettings,
        resolver: Resolver = resolve,
        *,
        notify: Notify | None = None,
        page_max: int = 100,
    ) -> None:
        self.settings = settings
        self.page_max = page_max  # WIREBRIEF_JOB_PAGE_MAX: one largest page for every list
        self.endpoints = EndpointStore(db, settings, resolver)
        self.deliveries = DeliveryStore(db)
        self.sender = Sender(self.deliveries, self.endpoints, settings, resolver)
        self.local = notify is None
        self.notify: Notify = notify or (lambda _delivery_id: self.sender.wake())

    @contextmanager
    def running(self) -> Iterator[WebhookService]:
        self._sync_newsroom_endpoint()
        if self.local:
            self.sender.start()
        try:
            yield self
        finally:
            self.sender.stop()  # with no threads started, this only closes the HTTP client

    def _sync_newsroom_endpoint(self) -> None:
        """The newsroom callback is an endpoint like any other, signed with the newsroom's shared secret."""
        secrets = parse_secrets(self.settings.newsroom_secret)  # a malformed secret stops the start, loudly
        url = self.settings.newsroom_callback_url
        if not url:
            self.endpoints.drop_managed(NEWSROOM_ENDPOINT)
            return
        if not secrets:
            raise ValueError("WIREBRIEF_NEWSROOM_CALLBACK_URL is set but WIREBRIEF_NEWSROOM_SECRET (to sign) is not")
        try:
            self.endpoints.check(url)
        except UnsafeUrl as exc:
            log.warning("newsroom callback will be refused at delivery: %s", exc.message)
        self.endpoints.ensure_managed(NEWSROOM_ENDPOINT, url, secrets[0], [ARTICLE_EVENT])

    # -- EventSink ---------------------------------------------------------------------------------

    def check_target(self, owner: str, endpoint_id: str | None, callback_url: str | None) -> str | None:
        if endpoint_id:
            endpoint = self.endpoints.find(endpoint_id)
            if endpoint is None or endpoint.deleted_at is not None or endpoint.owner != owner:
                raise InvalidInput(f"webhook_endpoint_id {endpoint_id!r} is not a registered endpoint")
            if endpoint.disabled_at is not None:
                raise InvalidInput(f"webhook endpoint {endpoint_id} is disabled: {endpoint.disabled_reason}")
            if callback_url and callback_url != endpoint.url:
                raise InvalidInput(f"callback_url is not the URL of endpoint {endpoint_id}")
            return endpoint.id
        if callback_url:
            endpoint = self.endpoints.by_url(owner, callback_url)
            if endpoint is None:
                raise InvalidInput(
                    "callback_url is not the URL of a registered, enabled endpoint; register it "
                    "first with POST /v1/webhooks/endpoints"
                )
            return endpoint.id
        return None

    def emit(self, owner: str, endpoint_id: str, event_type: str, data: dict[str, Any], *, key: str) -> None:
        endpoint = self.endpoints.find(endpoint_id)
        if endpoint is None or endpoint.deleted_at is not None or endpoint.disabled_at is not None:
            log.info("%s not sent: endpoint %s is gone or disabled", key, endpoint_id)
            return
        if endpoint.owner != owner:  # `check_target` already refused it; this holds even for older rows
            log.warning("%s not sent: endpoint %s is not its job owner's", key, endpoint_id)
            return
        if event_type not in endpoint.events:
            return
        body = json.dumps(
            {"type": event_type, "timestamp": iso(now()), "data": data}, ensure_ascii=False, separators=(",", ":")
        )
        if delivery_id := self.deliveries.add(endpoint_id, event_type, key, body):
            self.notify(delivery_id)

    def publish(self, owner: str, event_type: str, data: dict[str, Any], *, key: str) -> None:
        for endpoint in self.endpoints.all(Owner(owner)):
            if endpoint.disabled_at is None and event_type in endpoint.events:
                self.emit(owner, endpoint.id, event_type, data, key=f"{key}:{endpoint.id}")

    # -- the API: every call acts for an owner, and another owner's endpoints and deliveries are 404 ------

    def create_endpoint(self, owner: Owner, url: str, events: list[str]) -> EndpointCreated:
        endpoint = self.endpoints.create(owner.id, url, events)
        return EndpointCreated(**endpoint_view(endpoint).model_dump(), secret=endpoint.secret)

    def endpoint_page(self, owner: Owner, limit: int, after: str | None = None) -> EndpointPage:
        rows, has_more = self.endpoints.page(owner, min(limit, self.page_max), after)
        return EndpointPage(
            data=[endpoint_view(e) for e in rows], has_more=has_more, next_after=rows[-1].id if has_more else None
        )

    def get_endpoint(self, endpoint_id: str, owner: Owner) -> EndpointOut:
        return endpoint_view(self.endpoints.get(endpoint_id, owner))

    def delete_endpoint(self, endpoint_id: str, owner: Owner) -> None:
        self.endpoints.delete(endpoint_id, owner)

    def rotate_secret(self, endpoint_id: str, owner: Owner) -> SecretOut:
        endpoint = self.endpoints.rotate(endpoint_id, owner)
        return SecretOut(
            id=endpoint.id, secret=endpoint.secret, previous_secret_expires_at=iso(endpoint.previous_secret_until)
        )

    def delivery_page(
        self,
        owner: Owner,
        limit: int,
        after: str | None = None,
        endpoint_id: str | None = None,
        state: str | None = None,
    ) -> DeliveryPage:
        rows, has_more = self.deliveries.page(owner, min(limit, self.page_max), after, endpoint_id, state)
        attempts = self.deliveries.attempts([d.id for d in rows])
        return DeliveryPage(
            data=[self._delivery_view(d, attempts[d.id]) for d in rows],
            has_more=has_more,
            next_after=rows[-1].id if has_more else None,
        )

    def get_delivery(self, delivery_id: str, owner: Owner) -> DeliveryOut:
        delivery = self.deliveries.owned(delivery_id, owner)
        return self._delivery_view(delivery, self.deliveries.attempts([delivery_id])[delivery_id])

    def redeliver(self, delivery_id: str, owner: Owner) -> DeliveryOut:
        endpoint = self.endpoints.find(self.deliveries.owned(delivery_id, owner).endpoint_id)
        if endpoint is None or endpoint.deleted_at is not None or endpoint.disabled_at is not None:
            raise Conflict("the delivery's endpoint is deleted or disabled")
        self.deliveries.redeliver(delivery_id, owner)
        self.notify(delivery_id)
        return self.get_delivery(delivery_id, owner)

    @staticmethod
    def _delivery_view(delivery: Delivery, attempts: list[Attempt]) -> DeliveryOut:
        return DeliveryOut(
            id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            event_type=delivery.event_type,
            state=delivery.state,
            next_attempt_at=iso(delivery.next_attempt_at),
            created_at=iso(delivery.created_at) or "",
            finished_at=iso(delivery.finished_at),
            payload=json.loads(delivery.body),
            attempts=[
                AttemptOut(
                    number=a.number,
                    at=iso(a.at) or "",
                    http_status=a.status,
                    latency_ms=a.latency_ms,
                    error=a.error,
                    retry_at=iso(a.retry_at),
                )
                for a in attempts
            ],
        )


def endpoint_view(endpoint: Endpoint) -> EndpointOut:
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        events=endpoint.events,
        created_at=iso(endpoint.created_at) or "",
        disabled=endpoint.disabled_at is not None,
        disabled_reason=endpoint.disabled_reason,
        managed=endpoint.managed,
    )
