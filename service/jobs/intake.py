"""Turn a job request (JSON or JSONL) into a validated draft, or refuse it whole.

Every item is checked before anything is stored, so a job either starts complete or not at all,
and a bad item is named by its JSONL line number (or `items[i]` in a JSON body).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..config import JobSettings
from ..contracts.decoding import decode, describe, load_json, parse_model, validate
from ..errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType, WirebriefError
from ..languages import normalize_code
from ..pipeline import Pipeline
from .schemas import JobIn, JobItemIn, JobOptions

JSON = "application/json"
JSONL = ("application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/jsonlines")
OPTION_PARAMS = ("webhook_endpoint_id", "callback_url", "events", "desk")


@dataclass(frozen=True)
class JobDraft:
    items: list[JobItemIn]
    options: JobOptions
    fingerprint: str  # sha256 of the request: the same Idempotency-Key with another body is a conflict

    @property
    def characters(self) -> int:
        """Article characters of all items (text and title): what the job is charged against the daily allowance."""
        return sum(item.characters for item in self.items)


def parse_request(
    raw: bytes, media_type: str, query: Mapping[str, str], pipeline: Pipeline, settings: JobSettings
) -> JobDraft:
    """A job from a `POST /v1/jobs` body: JSON `{items, ...}`, or JSONL with options in the query."""
    options: dict[str, Any] = {k: v for k, v in query.items() if k in OPTION_PARAMS}
    if media_type == JSON:
        if options:
            raise InvalidInput(f"put {', '.join(sorted(options))} in the JSON body, not the query")
        labelled, job_options = _json_items(raw, settings)
    elif media_type in JSONL:
        labelled = _jsonl_items(raw, settings)
        if "events" in options:
            options["events"] = [e.strip() for e in options["events"].split(",") if e.strip()]
        if "desk" in options:  # a query flag: true or false, nothing else
            options["desk"] = {"true": True, "false": False}.get(options["desk"], options["desk"])
        try:
            job_options = JobOptions.model_validate(options)
        except ValidationError as exc:
            raise InvalidInput(describe(exc)) from exc
    else:
        raise UnsupportedMediaType(f"send {JSON} or {JSONL[0]} (got {media_type or 'no content type'})")
    items = check_items(labelled, pipeline, settings)
    if job_options.desk:  # the job's option is every item's
        items = [item.model_copy(update={"desk": True}) for item in items]
    return JobDraft(items=items, options=check_options(job_options), fingerprint=fingerprint(media_type, query, raw))


def fingerprint(media_type: str, query: Mapping[str, str], raw: bytes) -> str:
    digest = hashlib.sha256(media_type.encode())
    digest.update(json.dumps(sorted(query.items())).encode())
    digest.update(raw)
    return digest.hexdigest()


def check_options(options: JobOptions) -> JobOptions:
    if options.events is not None and not (options.webhook_endpoint_id or options.callback_url):
        raise InvalidInput("events need a webhook_endpoint_id or callback_url to go to")
    return options


def check_items(
    labelled: Iterable[tuple[str, JobItemIn]], pipeline: Pipeline, settings: JobSettings
) -> list[JobItemIn]:
    """The checks `POST /v1/articles` would make, per item, plus the job's own limits. While some language has no
    present model, an item without `source_lang` is detected here, so that a job is refused (503, as the sync
    route answers) rather than accepted and failed item by item."""
    items: list[JobItemIn] = []
    seen: dict[str, str] = {}
    detect_first = not pipeline.serves_every_language()
    for label, item in labelled:
        try:
            size = len(item.text.encode("utf-8"))
            if size > settings.job_max_item_bytes:
                raise PayloadTooLarge(
                    f"text is {size} bytes; the limit is {settings.job_max_item_bytes} (WIREBRIEF_JOB_MAX_ITEM_BYTES)"
                )
            pipeline.check_body(item.text, item.format, item.title)
            if item.source_lang is not None:  # unknown: 422; no present model (even the catch-all): 503, as sync
                pipeline.plan(normalize_code(item.source_lang), None)
            elif detect_first:
                pipeline.plan(pipeline.detect_body(item.text, item.format).language.code, None)
            if item.summary:
                pipeline.prompts.style(item.summary.style)
        except WirebriefError as exc:
            raise type(exc)(f"{label}: {exc.message}") from exc
        if item.custom_id in seen:
            raise InvalidInput(f"{label}: custom_id {item.custom_id!r} is already used by {seen[item.custom_id]}")
        seen[item.custom_id] = label
        items.append(item)
    if not items:
        raise InvalidInput("a job needs at least one item")
    return items


def _too_many(count: int, settings: JobSettings) -> PayloadTooLarge:
    return PayloadTooLarge(f"job has {count} items; the limit is {settings.job_max_items} (WIREBRIEF_JOB_MAX_ITEMS)")


def _json_items(raw: bytes, settings: JobSettings) -> tuple[list[tuple[str, JobItemIn]], JobOptions]:
    body = parse_model(raw, JobIn)
    if len(body.items) > settings.job_max_items:
        raise _too_many(len(body.items), settings)
    options = JobOptions.model_validate(body.model_dump(include=set(JobOptions.model_fields)))
    return [(f"items[{i}]", item) for i, item in enumerate(body.items)], options


def _jsonl_items(raw: bytes, settings: JobSettings) -> list[tuple[str, JobItemIn]]:
    lines = decode(raw).split("\n")
    count = sum(1 for line in lines if line.strip())
    if count > settings.job_max_items:
        raise _too_many(count, settings)
    labelled: list[tuple[str, JobItemIn]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label = f"line {number}"
        try:
            labelled.append((label, validate(load_json(line), JobItemIn)))
        except WirebriefError as exc:  # the same strict JSON as a JSON body: no duplicate keys, no huge numbers
            raise type(exc)(f"{label}: {exc.message}") from exc
    return labelled
