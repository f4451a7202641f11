"""Webhook tables: endpoints, one delivery per (endpoint, event), and every attempt at it."""

from __future__ import annotations

from sqlalchemy import JSON, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import BIG_KEY, Base

# Delivery states: pending (due at next_attempt_at) -> succeeded | failed; pending -> cancelled.
PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"


class Endpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), index=True, doc="the API key id that registered it")
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(200))
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    previous_secret_until: Mapped[float | None] = mapped_column(Double, doc="the old secret also signs until then")
    managed: Mapped[bool] = mapped_column(default=False, doc="made from settings (the newsroom callback)")
    created_at: Mapped[float] = mapped_column(Double)
    disabled_at: Mapped[float | None] = mapped_column(Double)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[float | None] = mapped_column(Double, doc="kept (soft-deleted) so its delivery log stays")


class Delivery(Base):
    """One event for one endpoint. Its id is the `webhook-id` header, the same on every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "key"),
        Index("ix_webhook_deliveries_ready", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event_type: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(300), doc="the emitter's idempotency key")
    body: Mapped[str] = mapped_column(Text, doc="the exact JSON sent (and signed) on every attempt")
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    tries: Mapped[int] = mapped_column(Integer, default=0, doc="attempts since the last (re)delivery request")
    next_attempt_at: Mapped[float | None] = mapped_column(Double)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[float | None] = mapped_column(Double)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Double)
    finished_at: Mapped[float | None] = mapped_column(Double)
    dispatched_at: Mapped[float | None] = mapped_column(Double, doc="when a broker message for it was last sent")


class Attempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BIG_KEY, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[float] = mapped_column(Double)
    status: Mapped[int | None] = mapped_column(Integer, doc="HTTP status; null when no response came")
    latency_ms: Mapped[float] = mapped_column(Double)
    error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[float | None] = mapped_column(Double, doc="when the next attempt was scheduled, if any")
