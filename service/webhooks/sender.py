"""Background delivery: claim a due message, sign it, POST it to the checked address, log the attempt.

2xx is success; 410 Gone disables the endpoint; anything else (other statuses, timeouts, refused
or unresolvable addresses) is retried on the bounded schedule, never sooner than Retry-After.
"""

from __future__ import annotations

import logging
import random
import time

import httpx

from .. import __version__
from ..common.clock import now
from ..common.polling import PollingThreads
from ..config import WebhookSettings
from ..observability.metrics import observe_webhook
from .backoff import parse_retry_after, retry_delay
from .deliveries import AttemptResult, DeliveryStore
from .endpoints import EndpointStore
from .models import FAILED, PENDING, SUCCEEDED, Delivery
from .signing import sign
from .ssrf import Resolver, UnsafeUrl, allowed_hosts, check_url

log = logging.getLogger(__name__)

USER_AGENT = f"wirebrief-webhooks/{__version__}"


def outcome(result: AttemptResult) -> str:
    """The metric label of an attempt: succeeded, retry (scheduled again), failed (schedule spent), gone (410)."""
    if result.status == 410:
        return "gone"
    return {SUCCEEDED: "succeeded", PENDING: "retry"}.get(result.state, "failed")


class Sender:
    def __init__(
        self,
        deliveries: DeliveryStore,
        endpoints: EndpointStore,
        settings: WebhookSettings,
        resolver: Resolver,
        rng: random.Random | None = None,
    ) -> None:
        self.deliveries = deliveries
        self.endpoints = endpoints
        self.settings = settings
        self.resolver = resolver
        self.rng = rng or random.Random()
        # An attempt cannot outlive its lease: connect + write + read timeouts, with room to spare.
        self.lease_s = 3 * settings.webhook_timeout_s + 5
        self.client = httpx.Client(
            timeout=settings.webhook_timeout_s,
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": USER_AGENT},
        )
        self.threads = PollingThreads(
            "webhook-sender",
            settings.webhook_workers,
            self.deliver_one,
            settings.webhook_poll_interval_s,
            settings.webhook_poll_max_backoff_s,
        )

    def start(self) -> None:
        self.threads.start()

    def wake(self) -> None:
        self.threads.wake()

    def stop(self) -> None:
        self.threads.stop(self.settings.webhook_timeout_s)
        self.client.close()

    def deliver_one(self) -> bool:
        """Make one due attempt; False when nothing is due (the embedded threads' step)."""
        if self.threads.stopping:
            return False
        claimed = self.deliveries.claim_due(self.lease_s)
        if claimed is None:
            return False
        self._attempt_claimed(*claimed)
        return True

    def deliver(self, delivery_id: str) -> AttemptResult | None:
        """Attempt the named delivery if it is due and free (a queue worker's task); None when not."""
        claimed = self.deliveries.claim_due(self.lease_s, delivery_id)
        return self._attempt_claimed(*claimed) if claimed else None

    def _attempt_claimed(self, delivery: Delivery, token: str) -> AttemptResult | None:
        endpoint = self.endpoints.find(delivery.endpoint_id)
        if endpoint is None or endpoint.deleted_at is not None or endpoint.disabled_at is not None:
            self.deliveries.cancel(delivery, token, "endpoint deleted or disabled")
            return None
        result = self.attempt(delivery, self.endpoints.signing_secrets(endpoint, now()), endpoint.url)
        self.deliveries.record(delivery, token, result)
        observe_webhook(outcome(result))
        if result.status == 410:
            self.endpoints.disable(endpoint.id, f"the receiver answered 410 Gone to delivery {delivery.id}")
            log.warning("webhook endpoint %s disabled: 410 Gone", endpoint.id)
        return result

    def attempt(self, delivery: Delivery, secrets: list[str], url: str) -> AttemptResult:
        started, clock = now(), time.perf_counter()
        status: int | None = None
        error: str | None = None
        retry_after: float | None = None
        try:
            target = check_url(url, allowed_hosts(self.settings), self.resolver)  # again: DNS may have changed
            pinned_url, headers, extensions = target.pinned()
            body = delivery.body.encode()
            headers |= sign(secrets, delivery.id, int(now()), body)
            headers["content-type"] = "application/json"
            with self.client.stream(
                "POST", pinned_url, content=body, headers=headers, extensions=extensions
            ) as response:
                status = response.status_code  # the body is never read: receivers owe us nothing but a status
                retry_after = parse_retry_after(response.headers.get("retry-after"), now())
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except UnsafeUrl as exc:
            error = f"refused: {exc.message}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        latency_ms = round((time.perf_counter() - clock) * 1000, 1)
        state, retry_at = self._next(delivery, status, retry_after)
        return AttemptResult(
            started_at=started, latency_ms=latency_ms, status=status, error=error, state=state, retry_at=retry_at
        )

    def _next(self, delivery: Delivery, status: int | None, retry_after: float | None) -> tuple[str, float | None]:
        if status is not None and 200 <= status < 300:
            return SUCCEEDED, None
        if status == 410:
            return FAILED, None
        s = self.settings
        delay = retry_delay(
            s.webhook_retry_schedule_s,
            delivery.tries + 1,
            jitter=s.webhook_retry_jitter,
            retry_after=retry_after,
            retry_after_max=s.webhook_retry_after_max_s,
            rng=self.rng,
        )
        if delay is None:
            return FAILED, None
        return PENDING, now() + delay
