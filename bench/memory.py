"""A live server's RSS over a long run: after start, after its first request, and every few hundred after.

Each configuration runs `wirebrief serve` (CTranslate2 int8, cache off) in a process of its own and reads
its /proc status: VmRSS at each checkpoint, VmHWM (peak) at the end. Requests come from 4 clients.

- `translate`: only POST /v1/translate (one Norwegian paragraph each, `source_lang` given): a translation-only
  server (WIREBRIEF_PRELOAD=0: it loads what its requests use, so the summarizer never and the full language
  detector never either: the language is named).
- `articles`: POST /v1/articles (translation + summary, language detected): both models and the detector,
  preloaded at start.

`--set NAME=VALUE` overrides a setting (e.g. `--set translate_batch_max_tokens=8192 --set malloc_trim=false`).

`--models bench` uses the random-weight models with the real dimensions (absolute figures); `--models tiny`
the test kit's tiny ones (fast: flatness over many requests).

`python -m bench.memory --models bench --kind translate --requests 1000 [--detector lingua-low] [--set NAME=VALUE]`
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from service.config import Settings
from testkit import PROJECT_ROOT, tiny
from testkit.live import running_server, settings_env

from . import models
from .workload import seed_mix

CLIENTS = 4
ARTICLE_PARAGRAPHS = 5
CHECKPOINTS = (0, 1, 100, 250, 500, 1000, 2000, 5000)


def status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def registry(which: str) -> Path:
    if which == "bench":
        return models.build()
    found = tiny.ensure_models()
    root = Path(tempfile.mkdtemp(prefix="wirebrief-memory-"))
    path = models.registry_for(root, found["marian"], found["bart"])
    models.convert_int8(path)
    return path


def bodies(kind: str) -> list[bytes]:
    """One request body per Norwegian paragraph of the seed (translate), or per seed article's first
    paragraphs (articles: the benchmark's quick mix)."""
    if kind == "articles":
        return [article.raw.encode() for article in seed_mix(max_paragraphs=ARTICLE_PARAGRAPHS)]
    norwegian = next(a for a in seed_mix() if a.lang != "en")
    paragraphs = [p for p in norwegian.cleaned.splitlines() if len(p.split()) >= 8]
    # the language given: a short paragraph the detector sent to another model would need that model too
    return [json.dumps({"text": p, "source_lang": "no"}).encode() for p in paragraphs]


def overrides(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as settings overrides (pydantic parses the values as it does the environment's)."""
    found = dict(pair.split("=", 1) for pair in pairs)
    unknown = set(found) - set(Settings.model_fields)
    if unknown:
        raise SystemExit(f"unknown settings: {', '.join(sorted(unknown))}")
    return found


def run(which: str, kind: str, requests: int, detector: str, extra: dict[str, str]) -> list[tuple[str, float]]:
    preload = kind == "articles"  # a translation-only server loads only what its requests use
    settings = models.bench_settings(registry(which), "ctranslate2", detector=detector, preload=preload, **extra)
    route, content_type = ("/v1/translate", "application/json") if kind == "translate" else (
        "/v1/articles", "text/plain")
    work = bodies(kind)
    points: list[tuple[str, float]] = []
    with running_server(settings_env(settings), PROJECT_ROOT, startup_timeout_s=300) as (base, proc):
        points.append(("started" + (" (detector warmed)" if preload else ""), status_mb(proc.pid, "VmRSS")))
        with httpx.Client(timeout=600) as http:

            def post(body: bytes) -> None:
                response = http.post(base + route, content=body, headers={"content-type": content_type})
                if response.status_code != 200:
                    raise RuntimeError(f"{route} answered {response.status_code}: {response.text[:300]}")

            done = 0
            bodies_cycle = itertools.cycle(work)
            with ThreadPoolExecutor(CLIENTS) as pool:
                for mark in (m for m in CHECKPOINTS if 0 < m <= requests):
                    list(pool.map(post, [next(bodies_cycle) for _ in range(mark - done)]))
                    done = mark
                    points.append((f"after {mark:,} requests", status_mb(proc.pid, "VmRSS")))
        points.append(("peak (VmHWM)", status_mb(proc.pid, "VmHWM")))
    return points


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--models", choices=["bench", "tiny"], default="bench")
    parser.add_argument("--kind", choices=["translate", "articles"], default="translate")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--detector", default="lingua")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting's override")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    points = run(args.models, args.kind, args.requests, args.detector, overrides(args.set))
    settings = "".join(f", {pair}" for pair in args.set)
    print(f"| {args.models} models, {args.kind}, detector {args.detector}{settings} | RSS MB |\n|---|---:|")
    for label, mb in points:
        print(f"| {label} | {mb:,.0f} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
