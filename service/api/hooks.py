"""POST /v1/hooks/newsroom: signed `article.published` events from the newsroom CMS."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..common.owners import NEWSROOM, Owner
from ..config import Settings
from ..contracts import schemas
from ..jobs.service import JobService
from ..webhooks.inbound import check_newsroom, idempotency_key, newsroom_draft, verify_newsroom
from ..webhooks.schemas import HookAccepted, NewsroomEvent
from .body import read_limited
from .jobs import get_jobs
from .openapi import request_body

router = APIRouter(prefix="/v1/hooks", tags=["hooks"])


@router.post(
    "/newsroom",
    status_code=202,
    response_model=HookAccepted,
    summary="Receive article.published from the CMS",
    description="Standard Webhooks signature with WIREBRIEF_NEWSROOM_SECRET, timestamp within "
    "WIREBRIEF_NEWSROOM_TOLERANCE_S. Answers at once; the article is processed in the background and "
    "its `article.processed` event goes to WIREBRIEF_NEWSROOM_CALLBACK_URL. A repeated webhook-id is "
    "acknowledged as a duplicate and not processed again.",
    responses={status: {"model": schemas.ErrorOut} for status in (400, 401, 404, 409, 413)},
    openapi_extra=request_body(NewsroomEvent),
)
async def newsroom(request: Request, jobs: JobService = Depends(get_jobs)) -> HookAccepted:
    settings: Settings = request.app.state.settings
    check_newsroom(settings.webhooks, request.headers)  # header shape first: nothing unsigned is read or parsed
    raw = await read_limited(request, settings.max_body_bytes)
    webhook_id = verify_newsroom(settings.webhooks, request.headers, raw)
    draft = await run_in_threadpool(
        lambda: newsroom_draft(raw, jobs.pipeline, jobs.settings, callback=bool(settings.newsroom_callback_url))
    )
    if draft is None:
        return HookAccepted(state="ignored", webhook_id=webhook_id, job_id=None)
    job, created = await run_in_threadpool(
        lambda: jobs.submit(
            draft,
            Owner(NEWSROOM),  # apart from clients' keys
            idempotency_key=idempotency_key(webhook_id),
        )
    )
    return HookAccepted(state="accepted" if created else "duplicate", webhook_id=webhook_id, job_id=job.id)
