"""The FastAPI application: thin routers over `Pipeline`, errors rendered in one place."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from .. import __version__
from ..config import Settings, get_settings
from ..pipeline import Pipeline
from . import articles, errors, meta, openapi, steps

DESCRIPTION = """Clean raw news articles, detect their language, translate them to English (MarianMT)
and summarize them in one uniform English shape. Errors are always `{"error": {"code", "message"}}`."""


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """Build the app. The pipeline (registry, prompts) loads at start-up; models load on first use."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pipeline = pipeline or Pipeline.from_settings(settings)
        yield

    app = FastAPI(title="wirebrief", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    errors.install(app)
    for module in (articles, steps, meta):
        app.include_router(module.router)
    openapi.install(app)
    return app
