"""Bodies of the jobs API: what a job and its items look like going in and coming out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, TypeAdapter

from ..contracts.schemas import ArticleIn, ArticleOut, ClientId, ErrorBody, Page, Strict

EventType = Literal["job.completed", "job.failed", "article.processed"]
JOB_EVENTS: tuple[EventType, ...] = ("job.completed", "job.failed")  # what a job with a target gets by default
ARTICLE_EVENT: EventType = "article.processed"
JobState = Literal["queued", "running", "completed", "failed", "cancelled"]


class JobItemIn(ArticleIn):
    """One article of a job: the body of `POST /v1/articles` plus the caller's own key."""

    custom_id: ClientId = Field(..., description="Unique within the job; keys the result. No control characters.")

    def desk_article_id(self, job_id: str) -> str:
        """Where this item lives on the desk: its own desk_id, else one scoped to its job."""
        return self.desk_id or f"{job_id}:{self.custom_id}"


class JobOptions(Strict):
    """Where a job's events go. For JSONL uploads these come as query parameters."""

    webhook_endpoint_id: str | None = Field(None, description="A registered endpoint (POST /v1/webhooks/endpoints).")
    callback_url: str | None = Field(None, description="Or the URL of a registered endpoint.")
    events: list[EventType] | None = Field(
        None, description="Default: job.completed and job.failed; article.processed (one per item) is opt-in."
    )
    desk: StrictBool = Field(False, description="File every processed item to the story desk (GET /v1/stories).")


class JobIn(JobOptions):
    items: list[JobItemIn] = Field(..., description="One entry per article.")


class JobCounts(BaseModel):
    total: int
    completed: int
    failed: int
    cancelled: int
    pending: int = Field(..., description="Queued or running.")


class JobOut(BaseModel):
    id: str
    object: Literal["job"] = "job"
    state: JobState
    counts: JobCounts
    created_at: str
    started_at: str | None
    finished_at: str | None
    eta_seconds: float | None = Field(..., description="While running: pending items at the rate so far.")
    webhook_endpoint_id: str | None
    events: list[EventType]
    results_url: str


class JobPage(Page[JobOut]):
    pass


class ResultLine(BaseModel):
    """A line of `GET /v1/jobs/{id}/results` for an item that was processed."""

    type: Literal["result"] = "result"
    custom_id: str
    result: ArticleOut


class ErrorLine(BaseModel):
    """A line of `GET /v1/jobs/{id}/results` for an item that failed (after its retries)."""

    type: Literal["error"] = "error"
    custom_id: str
    error: ErrorBody
    attempts: int


#: One stored result line, told apart by its `type`.
_LINE = TypeAdapter(Annotated[ResultLine | ErrorLine, Field(discriminator="type")])


def parse_line(stored: str) -> ResultLine | ErrorLine | None:
    """An item's stored output as the typed line it was written as; None for an item with no output yet."""
    return _LINE.validate_json(stored) if stored else None
