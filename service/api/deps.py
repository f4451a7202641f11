"""Shared route dependencies: what routers read from the app's state."""

from __future__ import annotations

from fastapi import Request

from ..common.owners import Owner
from ..config import ServerSettings
from ..pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    return request.app.state.pipeline


def get_server_settings(request: Request) -> ServerSettings:
    return request.app.state.server_settings


def get_owner(request: Request) -> Owner:
    """Whom the request acts for: the caller's key (auth on) or the anonymous owner, from the meter that
    `access.AccessMiddleware` leaves on every guarded path."""
    return request.state.meter.principal.owner
