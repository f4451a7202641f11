"""Batch jobs: POST /v1/jobs (JSON or JSONL), status, results (JSONL), cancel, list.

Every route acts for the caller (`deps.get_owner`): another key's job is 404 (an admin key reaches all)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ..common.owners import Owner
from ..contracts import schemas
from ..errors import PayloadTooLarge
from ..jobs.intake import JSONL
from ..jobs.schemas import ErrorLine, JobIn, JobOut, JobPage, ResultLine
from ..jobs.service import JobService
from .body import charge, media_type, read_limited
from .deps import get_owner
from .openapi import request_body

router = APIRouter(prefix="/v1", tags=["jobs"])

ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": schemas.ErrorOut}}
JSONL_EXAMPLE = (
    '{"custom_id": "a1", "text": "Fragmenter fra en russisk missil ...", "source_lang": "no"}\n'
    '{"custom_id": "a2", "text": "The council met on Tuesday ...", "summary": {"style": "brief"}}\n'
)


def get_jobs(request: Request) -> JobService:
    return request.app.state.jobs


def _create_body() -> dict[str, Any]:
    extra = request_body(JobIn)
    extra["requestBody"]["content"][JSONL[0]] = {"schema": {"type": "string"}, "example": JSONL_EXAMPLE}
    extra["parameters"] = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": f"JSONL uploads only: {name}" + (" (comma-separated)" if name == "events" else ""),
        }
        for name in ("webhook_endpoint_id", "callback_url", "events", "desk")
    ]
    return extra


@router.post(
    "/jobs",
    status_code=201,
    response_model=JobOut,
    summary="Submit a batch of articles",
    description="A JSON body `{items, webhook_endpoint_id?, callback_url?, events?}` or a JSONL upload (one item "
    "per line, options in the query). Every item is validated first; nothing is stored if one is bad. "
    "The same `Idempotency-Key` with the same body returns the same job; with another body, 409.",
    responses={status: {"model": schemas.ErrorOut} for status in (400, 409, 413, 415, 422)},
    openapi_extra=_create_body(),
)
async def create_job(
    request: Request,
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=255),
) -> JSONResponse:
    limit = jobs.settings.job_max_bytes
    try:
        raw = await read_limited(request, limit)
    except PayloadTooLarge as exc:
        raise PayloadTooLarge(f"job body exceeds the limit of {limit} bytes (WIREBRIEF_JOB_MAX_BYTES)") from exc
    kind, _ = media_type(request)
    draft = await run_in_threadpool(jobs.parse, raw, kind, dict(request.query_params))
    await charge(request, draft.characters)
    job, created = await run_in_threadpool(lambda: jobs.submit(draft, owner, idempotency_key=idempotency_key))
    headers = {"Location": f"/v1/jobs/{job.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(job.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("/jobs", response_model=JobPage, summary="List the caller's jobs, newest first")
def list_jobs(
    limit: int = Query(20, ge=1, description="Page size (at most WIREBRIEF_JOB_PAGE_MAX)."),
    after: str | None = Query(None, description="`next_after` of the previous page."),
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
) -> JobPage:
    return jobs.page(owner, limit, after)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's state, counts and ETA", responses=ERRORS)
def get_job(job_id: str, jobs: JobService = Depends(get_jobs), owner: Owner = Depends(get_owner)) -> JobOut:
    return jobs.get(job_id, owner)


@router.get(
    "/jobs/{job_id}/results",
    summary="Results as JSONL, one line per finished item, in item order",
    description=f"Lines are `{ResultLine.__name__}` (`type: result`, the `POST /v1/articles` response) or "
    f"`{ErrorLine.__name__}` (`type: error`). While the job runs: the items finished so far. "
    "The `X-Job-Status` header tells whether more will come.",
    responses={200: {"content": {"application/jsonl": {"schema": {"type": "string"}}}}, **ERRORS},
)
def job_results(
    job_id: str, jobs: JobService = Depends(get_jobs), owner: Owner = Depends(get_owner)
) -> StreamingResponse:
    job, lines = jobs.results(job_id, owner)
    return StreamingResponse(lines, media_type="application/jsonl", headers={"X-Job-State": job.state})


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a job; what is done is kept",
    responses={**ERRORS, 409: {"model": schemas.ErrorOut}},
)
def cancel_job(job_id: str, jobs: JobService = Depends(get_jobs), owner: Owner = Depends(get_owner)) -> JobOut:
    return jobs.cancel(job_id, owner)
