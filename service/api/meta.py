"""Service state: GET /health (alive), /ready (models), /v1/languages (what we translate)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..auth.keys import ANONYMOUS
from ..backends.pool import ModelPool, ModelStatus
from ..contracts import schemas
from ..db import StoreHealth
from ..languages import ENGLISH, NAMES
from ..modelstore import Coverage, cli_command, coverage, fetch_hint, present_keys, route
from ..pipeline import Pipeline
from .deps import get_pipeline

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


def authenticated(request: Request) -> bool:
    """Whether the caller presented a valid API key (only when auth is on and /ready is behind it)."""
    meter = getattr(request.state, "meter", None)
    return meter is not None and meter.principal.key_id != ANONYMOUS


@router.get(
    "/ready",
    response_model=schemas.ReadyOut,
    summary="Readiness: which models are loaded, present, missing; whether the job database is intact",
    responses={503: {"model": schemas.ReadyOut}},
)
async def ready(request: Request, pipeline: Pipeline = Depends(get_pipeline)) -> JSONResponse:
    """200 while every served language has a present model (its own or the catch-all), the start-up preload is
    done (it loaded every model it tried, and the story desk's indexes) and the job database is intact; missing
    optional models are listed, not fatal; `reason` says what is not ready. Filesystem paths tell an outsider
    about the host: only key holders see them."""
    states = pipeline.pool.status()
    present = {s.key for s in states if s.state != "missing"}
    covered = coverage(
        pipeline.registry, present, needs_summarizer=pipeline.summary_settings.summary_method == "abstractive"
    )
    insider = authenticated(request)
    hint = "; ".join(
        fetch_hint(spec, pipeline.models.models_dir)
        if insider
        else f"{spec.key}: run `{cli_command()} models pull --model {spec.key}`"
        for spec in covered.missing
    )
    store = await run_in_threadpool(request.app.state.db.health)
    warming = request.app.state.desk.warming
    reason = "; ".join(_not_ready(pipeline.pool, states, covered, store, warming, insider=insider)) or None
    body = schemas.ReadyOut(
        ready=reason is None,
        reason=reason,
        storage=schemas.StorageStateOut(state=store.state, problems=list(store.problems)),
        models=[
            schemas.ModelStateOut(
                key=s.key,
                task=s.task,
                model_id=s.model_id,
                state=s.state,
                path=s.path if insider else None,
                languages=list(s.languages),
                engine=s.engine,
            )
            for s in states
        ],
        missing_hint=hint or None,
        optional_missing=[spec.key for spec in covered.optional],
        unserved_languages=list(covered.unserved),
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)


def _not_ready(
    pool: ModelPool,
    states: list[ModelStatus],
    covered: Coverage,
    store: StoreHealth,
    desk_warming: bool,
    *,
    insider: bool,
) -> list[str]:
    """What keeps the service from being ready, a phrase each (a failed load's message names paths: insiders)."""
    reasons = []
    if pool.preloading:
        reasons.append(f"loading models: {', '.join(pool.preloading)}")
    loaded = {s.key for s in states if s.state == "loaded"}
    failed = {key: why for key, why in pool.preload_failures.items() if key not in loaded}
    if failed:
        detail = "; ".join(f"{key} ({why})" for key, why in failed.items()) if insider else ", ".join(failed)
        reasons.append(f"models failed to load: {detail}" + ("" if insider else " (see the log)"))
    if covered.blocking:
        reasons.append(f"models missing: {', '.join(spec.key for spec in covered.blocking)}")
    if not store.ok:
        reasons.append(f"job database {store.state}")
    if desk_warming:
        reasons.append("warming the story desk")
    return reasons


@router.get("/v1/languages", response_model=schemas.LanguagePage, summary="Languages and their models")
async def languages(pipeline: Pipeline = Depends(get_pipeline)) -> schemas.LanguagePage:
    """Every language in one page (a short, fixed list), in the envelope every list has."""
    detectable = pipeline.detectable_codes()
    present = present_keys(pipeline.registry, pipeline.models.models_dir)
    entries = []
    for code, name in sorted(NAMES.items()):
        chosen = None if code == ENGLISH else route(pipeline.registry, code, lambda spec: spec.key in present)
        entries.append(
            schemas.LanguageEntry(
                code=code,
                name=name,
                model=chosen.model.key if chosen and chosen.model else None,
                preferred_model=chosen.preferred.key if chosen else None,
                fallback=bool(chosen and chosen.fallback),
                detectable=code in detectable,
            )
        )
    return schemas.LanguagePage(data=entries, has_more=False, next_after=None)
