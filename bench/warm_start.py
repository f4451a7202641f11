"""First request against second after `wirebrief serve` starts, with the start-up preload on and off.

Each round starts a fresh live server (tiny models, result cache off), waits for /ready 200, then posts the same
Norwegian article twice, one request after the other, and times each: the same work, so any difference is
warm-up. Run: `python -m bench.warm_start [--rounds N]`; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from service.config import Settings
from testkit import PROJECT_ROOT, tiny
from testkit.live import running_server, settings_env

SEED = PROJECT_ROOT / "seeds" / "004_916f6436b312c54f.txt"
PARAGRAPHS = 6


def article() -> str:
    """Six paragraphs of the Norwegian seed: a realistic request that stays quick on tiny models."""
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 8]
    return "\n\n".join(paragraphs[:PARAGRAPHS])


def settings(root: Path, preload: bool) -> Settings:
    models = tiny.ensure_models()
    registry = tiny.write_registry(root / "registry.toml", models["marian"], models["bart"])
    return Settings(registry_path=registry, models_dir=root / "cache", data_dir=root / "data", translate_beams=2,
                    cache_max_entries=0, log_level="WARNING", preload=preload)


def one_round(preload: bool) -> dict[str, float]:
    """Seconds: start to /ready 200, the first request, the second."""
    text = article()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with running_server(settings_env(settings(Path(tmp), preload)), PROJECT_ROOT) as (base, _), \
                httpx.Client(base_url=base, timeout=600) as http:
            while http.get("/ready").status_code != 200:
                time.sleep(0.05)
            ready = time.perf_counter() - started
            latencies = []
            for _ in range(2):  # the result cache is off: the second request does the same work again
                sent = time.perf_counter()
                response = http.post("/v1/articles", content=text.encode(), headers={"content-type": "text/plain"})
                latencies.append(time.perf_counter() - sent)
                response.raise_for_status()
    return {"ready": ready, "first": latencies[0], "second": latencies[1]}


def table(rounds: int) -> str:
    lines = [
        f"`python -m bench.warm_start --rounds {rounds}` (tiny models, live server, result cache off; "
        f"median of {rounds} fresh starts, min–max in brackets)",
        "",
        "| WIREBRIEF_PRELOAD | start → /ready 200 (s) | first request (s) | second request (s) | first / second |",
        "|---|---|---|---|---|",
    ]
    for preload in (True, False):
        runs = [one_round(preload) for _ in range(rounds)]

        def cell(key: str, runs: list[dict[str, float]] = runs) -> str:
            values = [run[key] for run in runs]
            return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"

        ratio = statistics.median(run["first"] / run["second"] for run in runs)
        lines.append(f"| {'on' if preload else 'off'} | {cell('ready')} | {cell('first')} | {cell('second')} | "
                     f"{ratio:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    print(table(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
