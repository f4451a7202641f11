"""The editor page at `/`: paste or drop an article and see what each step did; upload and watch jobs; read stories.

Plain HTML, CSS and JavaScript modules under `static/editor/` (no build step, nothing from another host), served
under /editor/assets. The page and its assets are open (`access.OPEN_PATHS`); the API calls it makes carry the
key the user enters, and its policy lets it load from and connect to this server only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from .. import __version__
from ..pipeline import Pipeline
from .assets import PLAIN, Assets, content_security_policy
from .deps import get_pipeline

PAGE_DIR = Path(__file__).parent / "static" / "editor"
ASSETS = "/editor/assets"

router = APIRouter(include_in_schema=False)


class StyleOut(BaseModel):
    name: str
    description: str


class EditorConfig(BaseModel):
    """What the page needs before its first call: whether to ask for a key, and the choices to offer."""

    version: str
    auth_required: bool
    styles: list[StyleOut]
    default_style: str
    default_method: Literal["abstractive", "extractive"]


@router.get("/")
async def page() -> FileResponse:
    headers = {**PLAIN, "Content-Security-Policy": content_security_policy(), "Cache-Control": "no-cache"}
    return FileResponse(PAGE_DIR / "index.html", media_type="text/html; charset=utf-8", headers=headers)


@router.get("/editor/config", response_model=EditorConfig)
async def config(request: Request, pipeline: Pipeline = Depends(get_pipeline)) -> EditorConfig:
    prompts = pipeline.prompts
    return EditorConfig(
        version=__version__,
        auth_required=request.app.state.settings.access.auth_required,
        styles=[StyleOut(name=style.name, description=style.description) for style in prompts.styles.values()],
        default_style=prompts.default_style,
        default_method=pipeline.summary_settings.summary_method,
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, Assets(directory=PAGE_DIR), name="editor-assets")
