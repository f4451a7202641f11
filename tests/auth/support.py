"""Helpers of the access tests: headers and a cheap request that carries a known number of characters."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def detect(client: TestClient | httpx.Client, text: str, key: str | None = None) -> httpx.Response:
    """POST /v1/detect: a cheap request (no model) carrying `len(text)` article characters."""
    return client.post("/v1/detect", json={"text": text}, headers=bearer(key) if key else {})
