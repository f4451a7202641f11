"""GET /metrics: Prometheus text exposition of the process's metrics and the job store's states."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from ..contracts import schemas
from ..errors import NotFound
from ..observability.metrics import render
from .jobstates import JobStateCollector

router = APIRouter(tags=["service"])


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics (text exposition format)",
    responses={404: {"model": schemas.ErrorOut, "description": "WIREBRIEF_METRICS_ENABLED is off"}},
)
async def metrics(request: Request) -> Response:
    if not request.app.state.settings.metrics_enabled:
        raise NotFound("metrics are disabled (WIREBRIEF_METRICS_ENABLED=false)")
    body = await run_in_threadpool(render, JobStateCollector(request.app.state.db))  # queries the database
    return Response(body, media_type=CONTENT_TYPE_LATEST)
