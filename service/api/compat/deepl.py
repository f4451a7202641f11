"""DeepL API v2 under /v2: translate, usage, languages, and the document flow (on the jobs machinery).

The official `deepl` clients work unchanged with `server_url` pointed here: JSON or form bodies (a form repeats
`text` for a list), `Authorization: DeepL-Auth-Key <key>`, upper-case codes (`NB` is our `no`), English as the
only target, and DeepL's error shape and statuses (`compat.dialects`: 403 key, 456 quota, 429, 400).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...auth.usage import UsageStore
from ...common.owners import Owner
from ...config import ServerSettings
from ...errors import BadRequest
from ...jobs.service import JobService
from ...languages import NAMES, normalize_code
from ...pipeline import Pipeline
from ..deps import get_owner, get_pipeline, get_server_settings
from ..jobs import get_jobs
from . import documents
from .dialects import DEEPL_ERRORS, FILE_RESPONSE
from .forms import Fields, read_fields
from .shared import served_languages, translate_texts

router = APIRouter(prefix="/v2", tags=["DeepL"], responses=DEEPL_ERRORS)

MAX_TEXTS = 50
#: Our codes DeepL spells otherwise, and back.
TO_DEEPL = {"no": "NB", "nb": "NB"}
FROM_DEEPL = {"NB": "no"}
TARGETS = {"EN": "English", "EN-GB": "English (British)", "EN-US": "English (American)"}
LISTED_TARGETS = ("EN-GB", "EN-US")  # what DeepL lists; plain EN is still accepted
#: What DeepL reports as the limit of an account without one.
UNLIMITED = 1_000_000_000_000


def deepl_code(code: str) -> str:
    return TO_DEEPL.get(code, code.upper())


def _target(fields: Fields) -> str:
    target = fields.get("target_lang")
    if not isinstance(target, str) or not target:
        raise BadRequest("Parameter 'target_lang' not specified.")
    if target.upper() not in TARGETS:
        raise BadRequest(f"Value for 'target_lang' not supported: {target!r}; this server translates to EN only.")
    return target.upper()


def _source(fields: Fields) -> str | None:
    source = fields.get("source_lang")
    if source is None or source == "":
        return None
    if not isinstance(source, str):
        raise BadRequest("Value for 'source_lang' not supported.")
    return FROM_DEEPL.get(source.upper()) or normalize_code(source)


def _flag(value: Any) -> bool:
    """A boolean the DeepL way: JSON true, or form `1`/`true`/`on`."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "on")


@router.post("/translate", summary="DeepL: translate up to 50 texts to English")
async def translate(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> dict[str, Any]:
    fields = await read_fields(request, server.max_body_bytes)
    texts = fields.getlist("text")
    if not texts:
        raise BadRequest("Parameter 'text' not specified.")
    if len(texts) > MAX_TEXTS:
        raise BadRequest(f"Too many texts: {len(texts)}; at most {MAX_TEXTS} per request.")
    if not all(isinstance(text, str) for text in texts):
        raise BadRequest("Parameter 'text' must be a string or a list of strings.")
    _target(fields)
    source = _source(fields)
    tag_handling = fields.get("tag_handling")
    if tag_handling not in (None, "", "html"):
        raise BadRequest(f"Value for 'tag_handling' not supported: {tag_handling!r}; use html.")
    billed = _flag(fields.get("show_billed_characters"))
    results = await translate_texts(request, pipeline, texts, source, "html" if tag_handling == "html" else "text")
    return {
        "translations": [
            {
                "detected_source_language": deepl_code(result.language),
                "text": result.text,
                **({"billed_characters": len(text)} if billed else {}),
            }
            for text, result in zip(texts, results, strict=True)
        ]
    }


@router.get("/usage", summary="DeepL: characters used today and the daily limit")
@router.post("/usage", operation_id="deepl_usage_post", include_in_schema=False)
def usage(request: Request) -> dict[str, int]:
    meter = request.state.meter  # left by `access.AccessMiddleware`: DeepL needs a key for everything
    report = UsageStore(request.app.state.db).report(meter.principal.key_id, meter.day)
    limit = request.app.state.settings.rate_limit_chars_per_day or UNLIMITED
    return {"character_count": report.characters, "character_limit": limit}


@router.get("/languages", summary="DeepL: source or target languages")
@router.post("/languages", include_in_schema=False)
async def languages(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> list[dict[str, Any]]:
    fields = await read_fields(request, server.max_body_bytes)  # the official client sends `type` as a GET form
    kind = fields.get("type", "source")
    if kind == "target":
        return [{"language": code, "name": TARGETS[code], "supports_formality": False} for code in LISTED_TARGETS]
    if kind != "source":
        raise BadRequest("Value for 'type' not supported: use source or target.")
    listed: dict[str, str] = {}
    for code, name in await run_in_threadpool(served_languages, pipeline):
        listed.setdefault(deepl_code(code), NAMES["nb"] if deepl_code(code) == "NB" else name)
    return [{"language": code, "name": name} for code, name in listed.items()]


@router.post("/document", summary="DeepL: upload a .txt or .html document to translate")
async def upload_document(
    request: Request,
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
    server: ServerSettings = Depends(get_server_settings),
) -> dict[str, str]:
    fields = await read_fields(request, server.max_body_bytes)
    upload = fields.file("file", missing="Parameter 'file' not specified.")
    _target(fields)
    output_format = fields.get("output_format")
    name = documents.safe_filename(upload.filename)
    if output_format and f".{str(output_format).lower().lstrip('.')}" != PurePosixPath(name).suffix.lower():
        raise BadRequest("Value for 'output_format' not supported: a document is translated into its own format.")
    job, document_key = await documents.submit(request, jobs, owner, upload, _source(fields))
    return {"document_id": job.id, "document_key": document_key}


async def _document(request: Request, document_id: str, jobs: JobService, owner: Owner, limit: int) -> Any:
    fields = await read_fields(request, limit)
    document_key = fields.get("document_key")
    if not isinstance(document_key, str) or not document_key:
        raise BadRequest("Parameter 'document_key' not specified.")
    return await run_in_threadpool(documents.owned, jobs, document_id, owner, document_key)


@router.post("/document/{document_id}", summary="DeepL: a document's status")
async def document_status(
    document_id: str,
    request: Request,
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
    server: ServerSettings = Depends(get_server_settings),
) -> dict[str, Any]:
    job = await _document(request, document_id, jobs, owner, server.max_body_bytes)
    found = await run_in_threadpool(documents.state, jobs, job)
    body: dict[str, Any] = {"document_id": job.id, "status": found.status}
    if found.seconds_remaining is not None:
        body["seconds_remaining"] = found.seconds_remaining
    if found.billed_characters is not None:
        body["billed_characters"] = found.billed_characters
    if found.error_message is not None:
        body["error_message"] = found.error_message
    return body


@router.post(
    "/document/{document_id}/result",
    summary="DeepL: download a translated document",
    response_class=Response,
    responses=FILE_RESPONSE,
)
async def document_result(
    document_id: str,
    request: Request,
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
    server: ServerSettings = Depends(get_server_settings),
) -> Response:
    job = await _document(request, document_id, jobs, owner, server.max_body_bytes)
    name, media_type, content = await run_in_threadpool(documents.translated_file, jobs, job)
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
