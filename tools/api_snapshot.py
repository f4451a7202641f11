"""Dump the API's responses on the seeds (tiny models) to a JSON file, timings zeroed, to compare two commits.

`python tools/api_snapshot.py OUT.json` from a checkout; run it on two commits and `cmp` the files: a
restructuring that changes no behaviour leaves them byte-identical.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    from testkit import tiny
except ImportError:  # before the test kit left the package
    from service.testing import tiny  # type: ignore[no-redef]

from fastapi.testclient import TestClient

from service.config import Settings

try:
    from service.api.app import create_app
except ImportError:
    from service.api import create_app  # type: ignore[no-redef,attr-defined]


def _zero_timings(value: object) -> object:
    if isinstance(value, dict):
        return {k: ({s: 0.0 for s in v} if k == "timings_ms" and isinstance(v, dict) else _zero_timings(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_timings(v) for v in value]
    return value


def main(out: str) -> None:
    models = tiny.ensure_models()
    root = Path(tempfile.mkdtemp(prefix="snapshot-"))
    registry = tiny.write_registry(root / "registry.toml", models["marian"], models["bart"])
    settings = Settings(registry_path=registry, models_dir=root / "cache", data_dir=root / "data",
                        translate_beams=2, cache_max_entries=0)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    answers: list[dict[str, object]] = []
    with TestClient(create_app(settings)) as client:
        def call(method: str, path: str, **kwargs: object) -> None:
            response = client.request(method, path, **kwargs)
            answers.append({"call": f"{method} {path} {json.dumps(kwargs.get('json'))[:80]}",
                            "status": response.status_code, "content_type": response.headers.get("content-type"),
                            "body": _zero_timings(response.json())})

        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            call("POST", "/v1/articles", content=text.encode(), headers={"content-type": "text/plain"})
            call("POST", "/v1/articles", json={"text": text, "summary": {"method": "extractive", "style": "bullets"}})
            call("POST", "/v1/articles", json={"text": text, "title": "Kyiv", "translate": False,
                                               "summary": {"style": "brief"}})
            call("POST", "/v1/detect", json={"text": text[:300]})
            call("POST", "/v1/translate", json={"text": text[:600]})
            call("POST", "/v1/summarize", json={"text": text, "method": "extractive"})
        for body in ({"text": ""}, {"text": "x", "bogus": 1}, {"text": "Hei", "source_lang": "xx"}):
            call("POST", "/v1/articles", json=body)
        call("GET", "/v1/languages")
    Path(out).write_text(json.dumps(answers, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(answers)} responses -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
