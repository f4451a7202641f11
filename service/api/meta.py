"""Service state: GET /health (alive), /ready (models), /v1/languages (what we translate)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..languages import ENGLISH, NAMES
from ..modelstore import fetch_hint
from ..pipeline import Pipeline
from ..contracts import schemas
from .deps import get_pipeline

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", response_model=schemas.ReadyOut,
            summary="Readiness: which models are loaded, present, missing; whether the job database is intact",
            responses={503: {"model": schemas.ReadyOut}})
async def ready(request: Request, pipeline: Pipeline = Depends(get_pipeline)) -> JSONResponse:
    states = pipeline.pool.status()
    missing = [s for s in states if s.state == "missing"]
    hint = "; ".join(fetch_hint(pipeline.registry.models[s.key], pipeline.models.models_dir) for s in missing)
    store = await run_in_threadpool(request.app.state.db.health)
    body = schemas.ReadyOut(
        ready=not missing and store.ok,
        storage=schemas.StorageStateOut(state=store.state, problems=list(store.problems)),
        models=[schemas.ModelStateOut(key=s.key, task=s.task, model_id=s.model_id, state=s.state, path=s.path,
                                      languages=list(s.languages), engine=s.engine) for s in states],
        missing_hint=hint or None,
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)


@router.get("/v1/languages", response_model=list[schemas.LanguageEntry], summary="Languages and their models")
async def languages(pipeline: Pipeline = Depends(get_pipeline)) -> list[schemas.LanguageEntry]:
    detectable = pipeline.detectable_codes()
    return [
        schemas.LanguageEntry(code=code, name=name,
                              model=None if code == ENGLISH else pipeline.registry.translator_for(code).key,
                              detectable=code in detectable)
        for code, name in sorted(NAMES.items())
    ]
