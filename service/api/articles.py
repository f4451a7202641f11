"""POST /v1/articles: the whole pipeline for one article."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..pipeline import Pipeline
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
    article = views.article_request(body)
    result = await run_in_threadpool(pipeline.process, article)
    return views.article(result, body.text)
