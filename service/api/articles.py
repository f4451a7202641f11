"""POST /v1/articles: the whole pipeline for one article."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..pipeline import ArticleRequest, Pipeline, SummaryRequest
from . import schemas, views
from .body import json_or_text_body
from .deps import get_pipeline
from .openapi import request_body

router = APIRouter(prefix="/v1", tags=["articles"])


@router.post(
    "/articles",
    response_model=schemas.ArticleOut,
    summary="Clean, detect, translate and summarize one article",
    responses={status: {"model": schemas.ErrorOut} for status in (400, 413, 415, 422, 503)},
    openapi_extra=request_body(schemas.ArticleIn, plain_text=True, example=schemas.SEED_EXAMPLE),
)
async def process_article(request: Request, pipeline: Pipeline = Depends(get_pipeline)) -> schemas.ArticleOut:
    body = await json_or_text_body(request, schemas.ArticleIn, pipeline.settings.max_body_bytes)
    summary = None if body.summary is False or body.summary is None else SummaryRequest(
        style=body.summary.style, method=body.summary.method)
    article = ArticleRequest(text=body.text, title=body.title, source_lang=body.source_lang,
                             translate=body.translate, summary=summary)
    result = await run_in_threadpool(pipeline.process, article)
    return views.article(result, body.text)
