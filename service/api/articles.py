"""POST /v1/articles: the whole pipeline for one article."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..common.owners import Owner
from ..config import ServerSettings
from ..contracts import schemas, views
from ..pipeline import Pipeline
from .body import article_body
from .deps import get_owner, get_pipeline, get_server_settings
from .openapi import PIPELINE_ERRORS, request_body

router = APIRouter(prefix="/v1", tags=["articles"])


@router.post(
    "/articles",
    response_model=schemas.ArticleOut,
    summary="Clean, detect, translate and summarize one article",
    responses=PIPELINE_ERRORS,
    openapi_extra=request_body(schemas.ArticleIn, plain_text=True, html=True, example=schemas.SEED_EXAMPLE),
)
async def process_article(
    request: Request,
    pipeline: Pipeline = Depends(get_pipeline),
    server: ServerSettings = Depends(get_server_settings),
    owner: Owner = Depends(get_owner),
) -> schemas.ArticleOut:
    body = await article_body(request, schemas.ArticleIn, server.max_body_bytes)
    article = views.article_request(body)
    result = await run_in_threadpool(lambda: pipeline.process(article, timeout_s=server.request_timeout_s))
    if body.desk:  # its id on the desk: the caller's, else its text's (the same article sent again is filed once)
        article_id = body.desk_id or "sha256:" + hashlib.sha256(body.text.encode("utf-8")).hexdigest()[:32]
        await run_in_threadpool(lambda: request.app.state.desk.file_result(owner.id, article_id, result, body.source))
    return views.article(result, body.text, body.translate)
