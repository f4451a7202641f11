"""`python -m bench.load`: many clients against a small live server, well past what it can take.

What should hold under overload: every request is answered (200, or 429 with Retry-After when a model's
queue is full), never a 5xx or a dropped connection; latency of what is served stays bounded; memory stays
flat (bounded queues, no leak per request). A real `wirebrief serve` runs on 127.0.0.1 with the tiny test
models and a deliberately small capacity; `CLIENTS` async clients post distinct Norwegian articles (each is
translated and summarized; the cache is off and never could answer) until `MAX_REQUESTS` are sent or
`MAX_SECONDS` have passed. The server's RSS is sampled every `SAMPLE_S` seconds throughout.

Writes bench/out/load.json and the results section of docs/RELIABILITY.md (below its marker).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from service.config import Settings

from testkit import PROJECT_ROOT
from testkit import tiny
from testkit.live import running_server, settings_env

from .report import machine, percentile
from .workload import seed_mix

CLIENTS = 96
MAX_REQUESTS = 2000
MAX_SECONDS = 60.0  # no new request after this; those in flight finish (bounded by REQUEST_TIMEOUT_S)
REQUEST_TIMEOUT_S = 60.0  # a request still unanswered after this counts as a failure
BACKOFF_CAP_S = 2.0  # clients honour Retry-After (with jitter), capped so the pressure stays on
SAMPLE_S = 0.5
WARM_UP_S = 10.0  # RSS after this long under load is the baseline "flat" is judged against
FLAT_TOLERANCE = 0.15  # end RSS within +15% of the baseline counts as flat
SENTENCES_PER_ARTICLE = 4

#: Small on purpose: 8 model requests in flight, a queue of 24 inputs per model (about 5 articles),
#: against 96 clients.
CAPACITY = {"max_inflight_requests": 8, "batch_max_queue": 24, "batch_wait_ms": 20.0, "batch_max_items": 16,
            "cache_max_entries": 0}

OUT = PROJECT_ROOT / "bench" / "out" / "load.json"
DOC = PROJECT_ROOT / "docs" / "RELIABILITY.md"
MARKER = "<!-- load results: written by `python -m bench.load`; edit above this line -->"


def server_settings(root: Path) -> Settings:
    """The tiny models (built once, shared with the tests), a fresh data folder, the small capacity."""
    models = tiny.ensure_models()
    registry = tiny.write_registry(root / "registry.toml", models["marian"], models["bart"], german_present=True)
    return Settings(registry_path=registry, models_dir=root / "cache", data_dir=root / "data", translate_beams=2,
                    job_workers=0, webhook_workers=0, log_level="WARNING", **CAPACITY)


def articles() -> list[str]:
    """Distinct Norwegian articles: a window of the seed's sentences plus a case number, one per request."""
    sentences = next(a for a in seed_mix() if a.lang != "en").sentences
    return [" ".join(sentences[(i * SENTENCES_PER_ARTICLE + k) % len(sentences)]
                     for k in range(SENTENCES_PER_ARTICLE)) + f" Saken har nummer {i}."
            for i in range(MAX_REQUESTS)]


@dataclass
class Tally:
    """What the clients saw; one instance shared by all of them (asyncio: no locks needed)."""

    sent: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    latencies_200_s: list[float] = field(default_factory=list)
    latencies_429_s: list[float] = field(default_factory=list)
    retry_after_missing: int = 0
    retry_after_s: Counter[str] = field(default_factory=Counter)


async def client(http: httpx.AsyncClient, texts: list[str], tally: Tally, deadline: float) -> None:
    """Post the next article until the request budget or the time is spent; back off on 429 as told."""
    while tally.sent < len(texts) and time.monotonic() < deadline:
        text = texts[tally.sent]
        tally.sent += 1
        started = time.perf_counter()
        try:
            response = await http.post("/v1/articles", content=text.encode(),
                                       headers={"content-type": "text/plain"})
        except httpx.HTTPError as exc:
            tally.statuses[type(exc).__name__] += 1
            continue
        elapsed = time.perf_counter() - started
        tally.statuses[str(response.status_code)] += 1
        if response.status_code == 200:
            tally.latencies_200_s.append(elapsed)
        elif response.status_code == 429:
            tally.latencies_429_s.append(elapsed)
            retry_after = response.headers.get("retry-after")
            if retry_after is None or not retry_after.isdigit():
                tally.retry_after_missing += 1
                continue
            tally.retry_after_s[retry_after] += 1
            await asyncio.sleep(min(int(retry_after), BACKOFF_CAP_S) * random.uniform(0.5, 1.0))


async def sample_rss(process: psutil.Process, samples: list[tuple[float, float]], started: float,
                     stop: asyncio.Event) -> None:
    """(seconds since the load started, RSS MB) every SAMPLE_S seconds until `stop`."""
    while not stop.is_set():
        samples.append((round(time.monotonic() - started, 2), process.memory_info().rss / 2**20))
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_S)
        except asyncio.TimeoutError:
            pass


async def drive(base: str, pid: int, texts: list[str]) -> dict[str, Any]:
    process = psutil.Process(pid)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as http:
        for text in ("Bystyret møttes tirsdag. Budsjettet ble vedtatt.", "The council met. It agreed."):
            warm = await http.post("/v1/articles", content=text.encode(), headers={"content-type": "text/plain"})
            warm.raise_for_status()  # both models loaded before the clock starts
        idle_rss_mb = process.memory_info().rss / 2**20
        tally, samples, stop = Tally(), [], asyncio.Event()
        started = time.monotonic()
        sampler = asyncio.create_task(sample_rss(process, samples, started, stop))
        await asyncio.gather(*(client(http, texts, tally, started + MAX_SECONDS) for _ in range(CLIENTS)))
        elapsed = time.monotonic() - started
        stop.set()
        await sampler
        after = await http.post("/v1/articles", content=b"Bystyret i Bergen vedtok planen. Den gjelder skolene.",
                                headers={"content-type": "text/plain"})
    return {"tally": tally, "samples": samples, "elapsed_s": elapsed, "idle_rss_mb": idle_rss_mb,
            "after_status": after.status_code}


def figures(run: dict[str, Any]) -> dict[str, Any]:
    tally: Tally = run["tally"]
    samples: list[tuple[float, float]] = run["samples"]
    elapsed = run["elapsed_s"]
    ok = tally.latencies_200_s
    baseline = [mb for t, mb in samples if WARM_UP_S <= t < WARM_UP_S + 5] or [samples[0][1]]
    end = [mb for t, mb in samples if t >= samples[-1][0] - 5]
    baseline_mb, end_mb = statistics.median(baseline), statistics.median(end)
    server_errors = sum(n for status, n in tally.statuses.items() if status.isdigit() and int(status) >= 500)
    transport_errors = sum(n for status, n in tally.statuses.items() if not status.isdigit())
    return {
        "requests": tally.sent,
        "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": server_errors,
        "transport_errors": transport_errors,
        "retry_after_missing": tally.retry_after_missing,
        "retry_after_s": dict(sorted(tally.retry_after_s.items(), key=lambda kv: int(kv[0]))),
        "elapsed_s": round(elapsed, 1),
        "throughput_ok_per_s": round(len(ok) / elapsed, 2),
        "throughput_all_per_s": round(tally.sent / elapsed, 2),
        "latency_200_s": {name: round(percentile(ok, q), 3) for name, q in
                          (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))} if ok else {},
        "latency_429_p50_s": round(percentile(tally.latencies_429_s, 0.5), 3) if tally.latencies_429_s else None,
        "rss_mb": {"idle_after_warm_up": round(run["idle_rss_mb"], 1), "start": round(samples[0][1], 1),
                   "baseline": round(baseline_mb, 1), "peak": round(max(mb for _, mb in samples), 1),
                   "end": round(end_mb, 1), "end_vs_baseline": round(end_mb / baseline_mb - 1, 3),
                   "samples": len(samples)},
        "rss_flat": end_mb <= baseline_mb * (1 + FLAT_TOLERANCE),
        "served_after_load": run["after_status"],
    }


def write(results: dict[str, Any], samples: list[tuple[float, float]]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({**results, "rss_samples": samples}, indent=2) + "\n", encoding="utf-8")
    f, rss = results["figures"], results["figures"]["rss_mb"]
    lat = f["latency_200_s"]
    statuses = ", ".join(f"{status}: {n}" for status, n in f["statuses"].items())
    lines = [
        MARKER, "",
        f"Run: `{results['command']}`, {results['date']}, {results['machine']['cpus']} CPU cores "
        f"({results['machine']['processor']}), Python {results['machine']['python']}.", "",
        "| figure | value |", "|---|---:|",
        f"| server settings | {', '.join(f'{k}={v}' for k, v in results['server'].items())} |",
        f"| clients, request budget, time budget | {results['clients']}, {results['max_requests']}, "
        f"{results['max_seconds']:.0f} s |",
        f"| requests sent, wall time | {f['requests']}, {f['elapsed_s']} s |",
        f"| status codes | {statuses} |",
        f"| 5xx, transport errors, 429 without Retry-After | {f['server_errors']}, {f['transport_errors']}, "
        f"{f['retry_after_missing']} |",
        f"| Retry-After values (s: count) | {', '.join(f'{k}: {v}' for k, v in f['retry_after_s'].items()) or '–'} |",
        f"| throughput, 200s / all answers | {f['throughput_ok_per_s']} / {f['throughput_all_per_s']} per s |",
        f"| latency of 200s p50 / p90 / p95 / p99 / max | {lat.get('p50')} / {lat.get('p90')} / {lat.get('p95')} / "
        f"{lat.get('p99')} / {lat.get('max')} s |",
        f"| latency of 429s p50 | {f['latency_429_p50_s']} s |",
        f"| server RSS idle after warm-up / start of load | {rss['idle_after_warm_up']} / {rss['start']} MB |",
        f"| server RSS baseline ({WARM_UP_S:.0f}-{WARM_UP_S + 5:.0f} s) / peak / end (last 5 s) | {rss['baseline']} / "
        f"{rss['peak']} / {rss['end']} MB |",
        f"| end vs baseline, flat (within +{FLAT_TOLERANCE:.0%}) | {rss['end_vs_baseline']:+.1%}, "
        f"{'yes' if f['rss_flat'] else 'NO'} |",
        f"| a request after the load | {f['served_after_load']} |",
        "",
    ]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Reliability\n\n{MARKER}\n"
    DOC.write_text(text.split(MARKER)[0].rstrip() + "\n\n" + "\n".join(lines), encoding="utf-8")


def main() -> None:
    texts = articles()
    with tempfile.TemporaryDirectory(prefix="wirebrief-load-") as tmp:
        settings = server_settings(Path(tmp))
        with running_server(settings_env(settings), PROJECT_ROOT) as (base, proc):
            run = asyncio.run(drive(base, proc.pid, texts))
    results = {
        "command": "python -m bench.load", "date": datetime.date.today().isoformat(), "machine": machine(),
        "clients": CLIENTS, "max_requests": MAX_REQUESTS, "max_seconds": MAX_SECONDS,
        "server": {**CAPACITY, "translate_beams": settings.translate_beams, "models": "tiny test models",
                   "summary_method": settings.summary_method},
        "figures": figures(run),
    }
    write(results, run["samples"])
    print(json.dumps(results["figures"], indent=2))
    figs = results["figures"]
    ok = (figs["server_errors"] == 0 and figs["transport_errors"] == 0 and figs["retry_after_missing"] == 0
          and figs["served_after_load"] == 200 and figs["rss_flat"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
