"""Files to translate (DeepL's documents, LibreTranslate's `translate_file`) as one-item jobs.

A document is a job of its uploader's, so it is stored, run, retried, owner-scoped and counted like any other
job (it is listed in `GET /v1/jobs` too). DeepL's `document_key` is a second secret besides the API key: only its
SHA-256 is kept, as the job's idempotency key, and a status or result request must present the key itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ...common.owners import Owner
from ...contracts.decoding import decode
from ...errors import BadRequest, NotFound, NotReady
from ...jobs.intake import JobDraft, check_items
from ...jobs.models import Job
from ...jobs.schemas import ErrorLine, JobItemIn, JobOptions, JobOut, parse_line
from ...jobs.service import JobService
from ...pipeline import Format
from ..body import charge
from .forms import Upload

#: File extensions we translate: how the text is read, and what the translation is served as.
FORMATS: dict[str, tuple[Format, str]] = {
    ".txt": ("text", "text/plain; charset=utf-8"),
    ".html": ("html", "text/html; charset=utf-8"),
    ".htm": ("html", "text/html; charset=utf-8"),
}
KEY_PREFIX = "document-key-sha256:"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_FILENAME = 200

DocumentStatus = Literal["queued", "translating", "done", "error"]


def safe_filename(name: str) -> str:
    """The last component of an uploaded name, without control characters or separators, at most 200 long."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("", base).strip().lstrip(".")
    return cleaned[-MAX_FILENAME:]


def file_format(filename: str) -> tuple[Format, str]:
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in FORMATS:
        raise BadRequest(f"file type {suffix or '(none)'!r} is not supported; send one of {', '.join(FORMATS)}")
    return FORMATS[suffix]


def _digest(document_key: str) -> str:
    return KEY_PREFIX + hashlib.sha256(document_key.encode()).hexdigest()


async def submit(
    request: Request, jobs: JobService, owner: Owner, upload: Upload, source_lang: str | None
) -> tuple[JobOut, str]:
    """Check, charge and queue `upload` as `owner`'s one-item job; (job, document_key)."""
    filename = safe_filename(upload.filename)
    if not filename:
        raise BadRequest("the file needs a name with its type, e.g. article.txt")
    format, _ = file_format(filename)
    item = JobItemIn(  # a document is translated whole: no line of it is taken for boilerplate
        custom_id=filename,
        text=decode(upload.content),
        source_lang=source_lang,
        summary=False,
        format=format,
        clean=False,
    )
    items = await run_in_threadpool(check_items, [(filename, item)], jobs.pipeline, jobs.settings)
    document_key = secrets.token_urlsafe(32)
    draft = JobDraft(items=items, options=JobOptions(), fingerprint=_digest(document_key)[len(KEY_PREFIX) :])
    await charge(request, draft.characters)
    job, _ = await run_in_threadpool(lambda: jobs.submit(draft, owner, idempotency_key=_digest(document_key)))
    return job, document_key


def owned(jobs: JobService, document_id: str, owner: Owner, document_key: str | None) -> Job:
    """`owner`'s document; with `document_key`, only when the key matches (compared in constant time).
    Another owner's job, a job that is no document, or a wrong key: 404 alike."""
    job = jobs.store.owned(document_id, owner)
    stored = job.idempotency_key or ""
    if not stored.startswith(KEY_PREFIX):
        raise NotFound(f"no document {document_id!r}")
    if document_key is not None and not hmac.compare_digest(stored.encode(), _digest(document_key).encode()):
        raise NotFound(f"no document {document_id!r} with this document_key")
    return job


@dataclass(frozen=True)
class DocumentState:
    status: DocumentStatus
    seconds_remaining: int | None = None
    billed_characters: int | None = None
    error_message: str | None = None
    filename: str = ""
    text: str | None = None  # the translation, once done


def state(jobs: JobService, job: Job) -> DocumentState:
    """Where `job` stands, in DeepL's four words, with its translation when it is done."""
    view = jobs.view(job)
    if view.state in ("queued", "running"):
        remaining = None if view.eta_seconds is None else max(1, round(view.eta_seconds))
        return DocumentState("queued" if view.state == "queued" else "translating", seconds_remaining=remaining)
    if view.state == "cancelled":
        return DocumentState("error", error_message="the translation was cancelled")
    line = next((parse_line(stored.rstrip("\n")) for stored in jobs.store.result_lines(job.id)), None)
    if line is None or isinstance(line, ErrorLine):
        message = line.error.message if line else "the translation failed"
        return DocumentState("error", error_message=message)
    result = line.result
    if result.translation is None:  # already English
        text = result.cleaning.text
    else:
        text = result.translation.html if result.translation.html is not None else result.translation.text
    return DocumentState("done", billed_characters=result.cleaning.chars_in, filename=line.custom_id, text=text)


def translated_file(jobs: JobService, job: Job) -> tuple[str, str, bytes]:
    """(filename, media type, content) of a translated document; NotReady while it runs, 400 when it failed."""
    found = state(jobs, job)
    if found.status in ("queued", "translating"):
        raise NotReady("the document is not translated yet", retry_after_s=found.seconds_remaining or 1)
    if found.status == "error" or found.text is None:
        raise BadRequest(f"the document could not be translated: {found.error_message}")
    _, media_type = file_format(found.filename)
    return found.filename, media_type, found.text.encode("utf-8")
