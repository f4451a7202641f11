"""Single steps on their own: POST /v1/detect, /v1/translate, /v1/summarize.

Routers only decode, hand the work to a thread (cleaning and detection are CPU work too) and map the result.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..backends.deadline import deadline
from ..config import ServerSettings
from ..contracts import schemas, views
from ..pipeline import ArticleRequest, Pipeline, SummaryRequest, TranslateRequest, TranslateResult
from .body import article_body
from .deps import get_pipeline, get_server_settings
from .openapi import PIPELINE_ERRORS, request_body

router = APIRouter(prefix="/v1", tags=["steps"])


@router.post(
    "/detect",
    response_model=schemas.DetectOut,
    summary="Detect the language of a text",
    responses=PIPELINE_ERRORS,
    openapi_extra=request_body(schemas.TextIn, plain_text=True, html=True),
)
async def detect(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> schemas.DetectOut:
    body = await article_body(request, schemas.TextIn, server.max_body_bytes)
    detection = await run_in_threadpool(pipeline.detect_body, body.text, body.format)
    return views.detection(detection)


@router.post(
    "/translate",
    response_model=schemas.TranslateOut,
    summary="Translate a text to English",
    responses=PIPELINE_ERRORS,
    openapi_extra=request_body(schemas.TranslateIn, plain_text=True, html=True),
)
async def translate(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> schemas.TranslateOut:
    body = await article_body(request, schemas.TranslateIn, server.max_body_bytes)
    result = await run_in_threadpool(_translate, pipeline, views.translate_request(body), server.request_timeout_s)
    return views.translated(result)


def _translate(pipeline: Pipeline, request: TranslateRequest, timeout_s: float) -> TranslateResult:
    with deadline(timeout_s):
        return pipeline.translate_article(request)


@router.post(
    "/summarize",
    response_model=schemas.SummarizeOut,
    summary="Summarize a text in English",
    responses=PIPELINE_ERRORS,
    openapi_extra=request_body(schemas.SummarizeIn, plain_text=True, html=True),
)
async def summarize(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> schemas.SummarizeOut:
    body = await article_body(request, schemas.SummarizeIn, server.max_body_bytes)
    article = ArticleRequest(
        text=body.text,
        title=body.title,
        source_lang=body.source_lang,
        translate=False,
        summary=SummaryRequest(style=body.summary.style, method=body.summary.method),
        format=body.format,
    )
    result = await run_in_threadpool(lambda: pipeline.process(article, timeout_s=server.request_timeout_s))
    assert result.summary is not None  # a summary was asked for
    return schemas.SummarizeOut(
        language=views.detected(result.language),
        summary=views.summary(result.summary, result.summary_flags),
        warnings=result.warnings,
        needs_review=result.needs_review,
    )
