"""GET /v1/usage: what the calling key (or the anonymous caller, auth off) had processed, like DeepL's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ..auth.ratelimit import day_bounds
from ..auth.usage import UsageStore
from ..common.clock import iso
from ..contracts import schemas

router = APIRouter(prefix="/v1", tags=["usage"])


class UsageOut(BaseModel):
    key_id: str = Field(..., description="The calling key's id; `anonymous` while auth is off.")
    character_count: int = Field(..., description="Article characters of today's successful requests (UTC day).")
    character_limit: int | None = Field(..., description="WIREBRIEF_RATE_LIMIT_CHARS_PER_DAY; null: no limit.")
    requests: int = Field(..., description="Today's successful requests that carried article text.")
    period_start: str = Field(..., description="Start of the counting day (RFC 3339, UTC).")
    period_end: str = Field(..., description="When the daily counts and the allowance reset.")
    total_character_count: int = Field(..., description="Article characters over all days.")
    total_requests: int = Field(..., description="Requests that carried article text, over all days.")


@router.get(
    "/usage",
    response_model=UsageOut,
    summary="Characters processed today and in all, for the caller",
    responses={status: {"model": schemas.ErrorOut} for status in (401, 429)},
)
def usage(request: Request) -> UsageOut:
    meter = request.state.meter  # left by `access.AccessMiddleware` on every guarded path
    report = UsageStore(request.app.state.db).report(meter.principal.key_id, meter.day)
    start, end = day_bounds(meter.day)
    return UsageOut(
        key_id=meter.principal.key_id,
        character_count=report.characters,
        character_limit=request.app.state.settings.rate_limit_chars_per_day or None,
        requests=report.requests,
        period_start=iso(start) or "",
        period_end=iso(end) or "",
        total_character_count=report.total_characters,
        total_requests=report.total_requests,
    )
