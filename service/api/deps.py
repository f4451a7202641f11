"""Shared route dependencies: what routers read from the app's state."""

from __future__ import annotations

from fastapi import Request

from ..config import ServerSettings
from ..pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    return request.app.state.pipeline


def get_server_settings(request: Request) -> ServerSettings:
    return request.app.state.server_settings
