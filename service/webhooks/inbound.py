"""The newsroom hook: a signed CMS event in, a one-item job out (durable, retried, announced like any job).

Deduplication rides on the job's idempotency key `newsroom:<webhook-id>`: a sender's retry of the
same message finds the job it already made, and is acknowledged without processing anything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from pydantic import ValidationError

from ..common.clock import now
from ..config import JobSettings, WebhookSettings
from ..contracts.decoding import decode, describe, load_json
from ..errors import BadRequest, InvalidInput, NotFound
from ..jobs.intake import JobDraft, check_items
from ..jobs.schemas import ARTICLE_EVENT, JobItemIn, JobOptions
from ..pipeline import Pipeline
from .endpoints import NEWSROOM_ENDPOINT
from .schemas import NewsroomArticle, NewsroomEvent
from .signing import parse_secrets, signed_headers, verify

PUBLISHED = "article.published"


def check_newsroom(settings: WebhookSettings, headers: Mapping[str, str]) -> None:
    """Before anything else (the body is not read yet): is the hook configured (404), are the signature headers
    well formed (401)?"""
    if not parse_secrets(settings.newsroom_secret):
        raise NotFound("the newsroom hook is not configured (WIREBRIEF_NEWSROOM_SECRET)")
    signed_headers(headers)


def verify_newsroom(settings: WebhookSettings, headers: Mapping[str, str], raw: bytes) -> str:
    """The message's webhook-id, once its signature and timestamp check out (401 otherwise)."""
    check_newsroom(settings, headers)
    return verify(
        parse_secrets(settings.newsroom_secret), headers, raw, tolerance_s=settings.newsroom_tolerance_s, now=now()
    )


def newsroom_draft(raw: bytes, pipeline: Pipeline, jobs: JobSettings, *, callback: bool) -> JobDraft | None:
    """The job for a verified message; None for event types other than article.published (400 if malformed).

    With `callback` (a newsroom callback URL is configured) the article's result is announced to it."""
    try:
        event = NewsroomEvent.model_validate(load_json(decode(raw)))  # the strict JSON of every body
        if event.type != PUBLISHED:
            return None
        article = NewsroomArticle.model_validate(event.data)
        item = JobItemIn(  # every newsroom article goes to the story desk, where the CMS id keeps its versions one
            custom_id=article.id,
            desk_id=article.id,
            text=article.text,
            title=article.title,
            source_lang=article.source_lang,
            desk=True,
        )
        items = check_items([("data", item)], pipeline, jobs)
    except ValidationError as exc:
        raise BadRequest(f"not an {PUBLISHED} event: {describe(exc)}") from exc
    except InvalidInput as exc:
        raise BadRequest(exc.message) from exc
    options = JobOptions(
        webhook_endpoint_id=NEWSROOM_ENDPOINT if callback else None, events=[ARTICLE_EVENT] if callback else None
    )
    return JobDraft(items=items, options=options, fingerprint=hashlib.sha256(raw).hexdigest())


def idempotency_key(webhook_id: str) -> str:
    return f"newsroom:{webhook_id}"
