"""Shared route dependencies."""

from __future__ import annotations

from fastapi import Request

from ..pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    return request.app.state.pipeline
