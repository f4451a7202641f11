"""The seam between work that happens (jobs, articles) and the webhooks that announce it."""

from __future__ import annotations

from typing import Any, Protocol


class EventSink(Protocol):
    """Implemented by `service.webhooks.WebhookService`; jobs only ever see this interface."""

    def check_target(self, owner: str, endpoint_id: str | None, callback_url: str | None) -> str | None:
        """Validate the webhook target of a job `owner` creates.

        Returns the endpoint id to notify (None when the job names no target). Raises
        `InvalidInput` (422) for an unknown, disabled or another owner's endpoint, or a
        `callback_url` that is not the URL of one of `owner`'s registered endpoints.
        """
        ...

    def emit(self, owner: str, endpoint_id: str, event_type: str, data: dict[str, Any], *, key: str) -> None:
        """Persist an event of `owner`'s job for delivery to one of `owner`'s endpoints; safe to call from
        worker threads. An endpoint of another owner never gets it.

        `key` makes it idempotent: emitting the same key again creates no second delivery
        (e.g. `job.completed:<job id>`, `article.processed:<job id>:<custom_id>`).
        Only event types the endpoint subscribed to are delivered.
        """
        ...

    def publish(self, owner: str, event_type: str, data: dict[str, Any], *, key: str) -> None:
        """Persist an event about `owner`'s data that no job names a target for (e.g. `story.updated`): every
        live endpoint of `owner` subscribed to `event_type` gets it once (`key` makes it idempotent per
        endpoint)."""
        ...
