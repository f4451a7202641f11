"""Job tables. One row per item is the unit of work: claimable on its own, finished once, and its
result line is stored in that row, so a result can never be written twice."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import JSON, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import BIG_KEY, Base

# Job states; `queued` and `running` are live, the others final.
QUEUED: Final = "queued"
RUNNING: Final = "running"
COMPLETED: Final = "completed"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"
LIVE_JOB = (QUEUED, RUNNING)

# Item states: queued -> running -> done | failed; queued -> cancelled.
DONE: Final = "done"
FINISHED_ITEM = (DONE, FAILED)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("owner", "idempotency_key", name="uq_jobs_owner_idempotency_key"),  # keys are per owner
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), index=True, doc="the API key id that made it (`common.owners`)")
    state: Mapped[str] = mapped_column(String(16), index=True)
    total: Mapped[int] = mapped_column(Integer)
    endpoint_id: Mapped[str | None] = mapped_column(String(40))
    events: Mapped[list[str]] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64), doc="sha256 of the request, to tell a replay from a clash")
    created_at: Mapped[float] = mapped_column(Double)
    started_at: Mapped[float | None] = mapped_column(Double)
    finished_at: Mapped[float | None] = mapped_column(Double)
    announced: Mapped[bool] = mapped_column(default=False, doc="its final event was handed to the event sink")


class Item(Base):
    __tablename__ = "job_items"
    __table_args__ = (
        UniqueConstraint("job_id", "seq"),
        UniqueConstraint("job_id", "custom_id"),
        Index("ix_job_items_job_state", "job_id", "state"),
        Index("ix_job_items_ready", "state", "id"),  # claims walk this in id order
        Index("ix_job_items_unannounced", "announced", "state"),
    )

    id: Mapped[int] = mapped_column(BIG_KEY, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    seq: Mapped[int] = mapped_column(Integer, doc="position in the job; results come in this order")
    custom_id: Mapped[str] = mapped_column(String(256))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0, doc="claims so far, the crashed ones included")
    available_at: Mapped[float] = mapped_column(Double, doc="not claimable before (transient-error backoff)")
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[float | None] = mapped_column(Double)
    output: Mapped[str | None] = mapped_column(Text, doc="the finished item's results line (JSON, no newline)")
    error_code: Mapped[str | None] = mapped_column(String(64), doc="last error, also while a retry waits")
    finished_at: Mapped[float | None] = mapped_column(Double)
    announced: Mapped[bool] = mapped_column(default=False, doc="article.processed handed over, or not wanted")
    dispatched_at: Mapped[float | None] = mapped_column(Double, doc="when a broker message for it was last sent")
