"""LibreTranslate 1.9 at the root: /translate, /detect, /languages, /translate_file, /frontend/settings.

Clients of LibreTranslate (its web page, `libretranslatepy`, editors' plug-ins) work unchanged: form, multipart
or JSON bodies, `q` one text or a list, `source` a code or `auto`, `target` English (the one language we
translate to), confidences 0-100, errors `{"error": "..."}` (`compat.dialects`). Keys, limits and usage are ours.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...common.owners import Owner
from ...config import ServerSettings
from ...errors import BadRequest, GenerationFailed, NotFound, UnsupportedLanguage
from ...jobs.service import JobService
from ...languages import ENGLISH, NAMES, normalize_code
from ...pipeline import Pipeline, check_article
from ..body import charge
from ..deps import get_owner, get_pipeline, get_server_settings
from ..jobs import get_jobs
from . import documents
from .dialects import FILE_RESPONSE, LIBRETRANSLATE_ERRORS
from .forms import Fields, read_fields
from .shared import served_languages, translate_texts

router = APIRouter(tags=["LibreTranslate"], responses=LIBRETRANSLATE_ERRORS)

#: Our codes LibreTranslate spells otherwise (it knows Norwegian as Bokmål only).
TO_LT = {"no": "nb"}
AUTO = "auto"
FRONTEND_TIMEOUT_MS = 500
POLL_S = (0.05, 0.5)  # translate_file waits for its job: first poll, longest interval


def lt_code(code: str) -> str:
    return TO_LT.get(code, code)


def confidence(value: float) -> float:
    """Ours is 0-1, LibreTranslate's 0-100."""
    return round(value * 100, 1)


def _target(fields: Fields) -> None:
    target = fields.get("target")
    if not isinstance(target, str) or not target:
        raise BadRequest("Invalid request: missing target parameter")
    try:
        code = normalize_code(target)
    except UnsupportedLanguage:
        code = ""
    if code != ENGLISH:
        raise BadRequest(f"{target} is not supported: this server translates to en only")


def _source(fields: Fields) -> str | None:
    """The source language as we know it, or None for `auto` (and when none is given)."""
    source = fields.get("source", AUTO)
    if not isinstance(source, str):
        raise BadRequest("Invalid request: source must be a language code or auto")
    if source.strip().lower() in (AUTO, ""):
        return None
    return normalize_code(source)


def _texts(fields: Fields) -> tuple[list[str], bool]:
    """The texts of `q`, and whether it was a list."""
    q = fields.get("q")
    if q is None:
        raise BadRequest("Invalid request: missing q parameter")
    texts = q if isinstance(q, list) else [q]
    if not all(isinstance(text, str) for text in texts):
        raise BadRequest("Invalid request: q must be a string or a list of strings")
    return texts, isinstance(q, list)


def _alternatives(fields: Fields) -> int:
    value = fields.get("alternatives", 0)
    try:
        count = int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest("Invalid request: alternatives must be an integer") from exc
    if not 0 <= count <= 3:
        raise BadRequest("Invalid request: alternatives must be between 0 and 3")
    return count


@router.post("/translate", summary="LibreTranslate: translate text to English")
async def translate(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> dict[str, Any]:
    fields = await read_fields(request, server.max_body_bytes)
    texts, batch = _texts(fields)
    _target(fields)
    source = _source(fields)
    format = fields.get("format", "text")
    if format not in ("text", "html"):
        raise BadRequest("Invalid request: format must be text or html")
    alternatives = _alternatives(fields)
    results = await translate_texts(request, pipeline, texts, source, format)
    body: dict[str, Any] = {"translatedText": [r.text for r in results] if batch else results[0].text}
    if source is None:
        detected = [{"confidence": confidence(r.confidence or 0.0), "language": lt_code(r.language)} for r in results]
        body["detectedLanguage"] = detected if batch else detected[0]
    if alternatives:
        body["alternatives"] = [[] for _ in results] if batch else []
    return body


@router.post("/detect", summary="LibreTranslate: detect the language of a text")
async def detect(
    request: Request, pipeline: Pipeline = Depends(get_pipeline), server: ServerSettings = Depends(get_server_settings)
) -> list[dict[str, Any]]:
    fields = await read_fields(request, server.max_body_bytes)
    texts, _ = _texts(fields)
    text = "\n\n".join(texts)
    check_article(text, None, server)
    await charge(request, len(text))
    detection = await run_in_threadpool(pipeline.detect, text)
    seen: set[str] = set()
    found = []
    for candidate in (detection.language, *detection.candidates):
        code = lt_code(candidate.code)
        if code not in seen:
            seen.add(code)
            found.append({"confidence": confidence(candidate.confidence), "language": code})
    return found


@router.get("/languages", summary="LibreTranslate: the languages this server translates")
async def languages(pipeline: Pipeline = Depends(get_pipeline)) -> list[dict[str, Any]]:
    served: dict[str, str] = {}
    for code, name in await run_in_threadpool(served_languages, pipeline):
        served.setdefault(lt_code(code), NAMES.get(lt_code(code), name))
    return [{"code": code, "name": name, "targets": [ENGLISH]} for code, name in served.items()]


@router.get("/frontend/settings", summary="LibreTranslate: what its web page needs to know")
async def frontend_settings(request: Request) -> dict[str, Any]:
    server: ServerSettings = request.app.state.server_settings
    auth = request.app.state.settings.access.auth_required
    return {
        "charLimit": server.max_article_chars,
        "frontendTimeout": FRONTEND_TIMEOUT_MS,
        "apiKeys": auth,
        "keyRequired": auth,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": list(documents.FORMATS),
        "language": {
            "source": {"code": AUTO, "name": "Auto Detect"},
            "target": {"code": ENGLISH, "name": NAMES[ENGLISH]},
        },
    }


@router.post("/translate_file", summary="LibreTranslate: translate a .txt or .html file")
async def translate_file(
    request: Request,
    jobs: JobService = Depends(get_jobs),
    owner: Owner = Depends(get_owner),
    server: ServerSettings = Depends(get_server_settings),
) -> dict[str, str]:
    """The file runs as a one-item job; the answer waits for it (as LibreTranslate's does) and links the result."""
    fields = await read_fields(request, server.max_body_bytes)
    upload = fields.file("file", missing="Invalid request: missing file parameter")
    _target(fields)
    job, _ = await documents.submit(request, jobs, owner, upload, _source(fields))
    wait = POLL_S[0]
    while True:
        found = await run_in_threadpool(lambda: documents.state(jobs, jobs.store.owned(job.id, owner)))
        if found.status not in ("queued", "translating"):
            break
        await anyio.sleep(wait)
        wait = min(wait * 2, POLL_S[1])
    if found.status == "error":
        raise GenerationFailed(f"the file could not be translated: {found.error_message}")
    url = str(request.url_for("download_file", job_id=job.id, filename=found.filename))
    return {"translatedFileUrl": url}


@router.get(
    "/download_file/{job_id}/{filename}",
    summary="LibreTranslate: a translated file",
    response_class=Response,
    responses=FILE_RESPONSE,
)
def download_file(
    job_id: str, filename: str, jobs: JobService = Depends(get_jobs), owner: Owner = Depends(get_owner)
) -> Response:
    job = documents.owned(jobs, job_id, owner, None)
    name, media_type, content = documents.translated_file(jobs, job)
    if name != filename:
        raise NotFound(f"no file {filename!r} for {job_id!r}")
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
