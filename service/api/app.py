"""The FastAPI application: thin routers over `Pipeline`, errors rendered in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..config import Settings, get_settings
from ..db import Database
from ..desk.service import DeskService, pipeline_summarizer
from ..jobs.service import JobService
from ..observability.middleware import RequestMiddleware
from ..pipeline import Pipeline
from ..webhooks.service import WebhookService
from . import (
    access,
    articles,
    docs,
    editor,
    errors,
    hooks,
    jobs,
    meta,
    metrics,
    openapi,
    steps,
    stories,
    usage,
    webhooks,
)
from .admission import AdmissionMiddleware
from .compat import deepl, libretranslate
from .timeout import RequestTimeoutMiddleware

DESCRIPTION = """Clean raw news articles, detect their language, translate them to English (MarianMT)
and summarize them in one uniform English shape. Errors are always `{"error": {"code", "message"}}`."""


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """Build the app. The pipeline (registry, prompts) loads at start-up; the models it will use load in the
    background after (WIREBRIEF_PRELOAD), else on first use."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.server_settings = settings.server
        app.state.pipeline = pipeline or Pipeline.from_settings(settings)
        if settings.preload:
            await run_in_threadpool(app.state.pipeline.warm_up)  # the detector: before the first request, not inside
            # the models in the background: /health answers at once, /ready is 503 until it is done
            app.state.pipeline.pool.start_preload(app.state.pipeline.needed_models())
        app.state.db = Database.from_settings(settings.storage)
        if settings.migrate_on_start:
            app.state.db.upgrade()
        # The dispatch seam: embedded, this process runs items and deliveries on its own threads;
        # distributed, it only enqueues them for `wirebrief worker` processes.
        broker = None
        if settings.distributed:  # Celery is imported only by processes that use it
            from ..distributed.broker import Broker

            broker = Broker.from_settings(app.state.db, settings.broker, settings.jobs)
        async with AsyncExitStack() as stack:
            # background services: started in order, stopped in reverse
            app.state.webhooks = stack.enter_context(
                WebhookService(
                    app.state.db,
                    settings.webhooks,
                    notify=broker.delivery if broker else None,
                    page_max=settings.job_page_max,
                ).running()
            )
            app.state.desk = DeskService(
                app.state.db,
                settings.desk,
                pipeline_summarizer(app.state.pipeline),
                app.state.webhooks,
                public_base_url=settings.webhook_public_base_url,
                page_max=settings.job_page_max,
            )
            if settings.preload:  # likewise: /ready is 503 until every owner's story index is loaded
                app.state.desk.start_warm()
            app.state.jobs = stack.enter_context(
                JobService(
                    app.state.db,
                    app.state.pipeline,
                    settings.jobs,
                    app.state.webhooks,
                    public_base_url=settings.webhook_public_base_url,
                    dispatcher=broker,
                    desk=app.state.desk,
                ).running()
            )
            yield
        app.state.db.dispose()
        if pipeline is None:  # we own the models: stop their batcher threads
            app.state.pipeline.pool.close()

    app = FastAPI(
        title="wirebrief",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by `docs`
        redoc_url=None,
    )
    errors.install(app)
    app.add_middleware(errors.UnexpectedErrorMiddleware)  # innermost: a route's bug is an ordinary 500
    app.add_middleware(AdmissionMiddleware, limit=settings.max_inflight_requests)  # after the key check
    app.add_middleware(access.AccessMiddleware, settings=settings.access)  # keys, rate limits, usage
    for module in (articles, steps, meta, jobs, stories, webhooks, hooks, usage, metrics, libretranslate, deepl):
        app.include_router(module.router)
    docs.install(app)
    editor.install(app)
    # added last, so outermost: request id, access log and metrics around the request timeout
    app.add_middleware(RequestTimeoutMiddleware, timeout_s=settings.request_timeout_s)
    app.add_middleware(RequestMiddleware)
    openapi.install(app, settings.access)
    return app
