"""Bodies of the webhooks API: endpoints, secrets, deliveries and their attempts, the newsroom hook."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ..contracts.schemas import Page, Strict
from ..jobs.schemas import EventType

#: what an endpoint may subscribe to: the jobs' events and the story desk's (opt-in: not in the default)
EndpointEvent = Literal[EventType, "story.updated"]
ALL_EVENTS: list[EndpointEvent] = ["job.completed", "job.failed", "article.processed"]


class EndpointIn(Strict):
    url: str = Field(..., max_length=2048, examples=["https://cms.example.com/hooks/wirebrief"])
    events: list[EndpointEvent] = Field(
        default_factory=lambda: list(ALL_EVENTS),
        min_length=1,
        description="Event types to receive (default: the job events; story.updated is opt-in).",
    )


class EndpointOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: str
    disabled: bool
    disabled_reason: str | None
    managed: bool = Field(..., description="Made from settings (the newsroom callback); not editable here.")


class EndpointCreated(EndpointOut):
    secret: str = Field(..., description="whsec_ signing secret; shown only now.")


class SecretOut(BaseModel):
    id: str
    secret: str = Field(..., description="The new whsec_ secret; shown only now.")
    previous_secret_expires_at: str | None = Field(..., description="Until then events carry both signatures.")


class AttemptOut(BaseModel):
    number: int
    at: str
    http_status: int | None = Field(..., description="The receiver's HTTP status; null when no response came.")
    latency_ms: float
    error: str | None
    retry_at: str | None


class DeliveryOut(BaseModel):
    id: str = Field(..., description="The webhook-id header: the same on every attempt.")
    endpoint_id: str
    event_type: str
    state: Literal["pending", "succeeded", "failed", "cancelled"]
    attempts: list[AttemptOut]
    next_attempt_at: str | None
    created_at: str
    finished_at: str | None
    payload: dict[str, Any]


class DeliveryPage(Page[DeliveryOut]):
    pass


class EndpointPage(Page[EndpointOut]):
    pass


class NewsroomArticle(BaseModel):
    id: str = Field(..., min_length=1, max_length=256, description="The CMS's article id (the result's custom_id).")
    text: str
    title: str | None = None
    source_lang: str | None = None


class NewsroomEvent(BaseModel):
    """A CMS event; only `article.published` is acted on, other types are acknowledged and ignored."""

    type: str
    timestamp: str | None = None
    data: dict[str, Any]


class HookAccepted(BaseModel):
    state: Literal["accepted", "duplicate", "ignored"]
    webhook_id: str
    job_id: str | None
