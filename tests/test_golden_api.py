"""The API's responses on the seeds, pinned byte for byte (timings aside) for every path that needs no model:
cleaning, detection, extractive summaries, the error bodies. A restructuring must leave them identical; a change
of behaviour shows here as a diff to review, then `WIREBRIEF_UPDATE_GOLDEN=1 pytest tests/test_golden_api.py`.

(`tools/api_snapshot.py` compares the model paths too, between two commits on one machine's tiny models.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import SEED_FILES, seed_text
from service.api.app import create_app
from service.config import Settings
from service.pipeline import Pipeline

GOLDEN = Path(__file__).parent / "golden" / "seeds_api.json"
UPDATE = os.environ.get("WIREBRIEF_UPDATE_GOLDEN") == "1"


def _zero_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ({s: 0.0 for s in v} if k == "timings_ms" else _zero_timings(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_timings(v) for v in value]
    return value


def _calls() -> list[tuple[str, str, dict[str, Any]]]:
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for path in SEED_FILES:
        text = seed_text(path)
        name = path.name
        calls.append((f"{name} detect", "/v1/detect", {"json": {"text": text}}))
        calls.append((f"{name} clean+detect", "/v1/articles", {"json": {"text": text, "translate": False,
                                                                       "summary": False}}))
        if not name.startswith("004"):  # English: the extractive summary needs no model
            for style in ("brief", "standard", "bullets"):
                calls.append((f"{name} extractive {style}", "/v1/articles",
                              {"json": {"text": text, "summary": {"method": "extractive", "style": style}}}))
    calls.append(("empty", "/v1/articles", {"json": {"text": " \n "}}))
    calls.append(("unknown field", "/v1/articles", {"json": {"text": "x", "bogus": 1}}))
    calls.append(("unknown language", "/v1/articles", {"json": {"text": "Hei", "source_lang": "xx"}}))
    return calls


@pytest.fixture(scope="module")
def answers(settings: Settings, pipeline: Pipeline) -> dict[str, str]:
    """Answers of an app of its own with no result cache: what other tests sent first must not show (`cached`)."""
    uncached = settings.model_copy(update={"cache_max_entries": 0})
    out = {}
    with TestClient(create_app(uncached, Pipeline(uncached, pipeline.registry, pipeline.pool, pipeline.prompts))) as client:
        for name, path, kwargs in _calls():
            response = client.post(path, **kwargs)
            body = _zero_timings(response.json())
            out[name] = f"{response.status_code} {json.dumps(body, ensure_ascii=False)}"
    return out


def test_responses_on_the_seeds_are_unchanged(answers: dict[str, str]) -> None:
    if UPDATE or not GOLDEN.exists():
        GOLDEN.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{GOLDEN} did not exist; written now: review and commit it")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(answers) == list(expected)
    for name in expected:
        assert answers[name] == expected[name], f"{name} changed"
