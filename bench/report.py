"""Figures → bench/results.json, a plot, and the tables in docs/PERFORMANCE.md."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from testkit import PROJECT_ROOT

from .variants import Run

RESULTS = PROJECT_ROOT / "bench" / "results.json"
DOC = PROJECT_ROOT / "docs" / "PERFORMANCE.md"
PLOT = PROJECT_ROOT / "docs" / "performance.png"
MARKER = "<!-- bench results: written by `python -m bench.run`; edit above this line -->"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarize(run: Run, peak_rss_mb: float | None, passes: list[Run] | None = None) -> dict[str, Any]:
    total = sum(run.latencies_s)
    each = [summarize(one, None) for one in passes or []]
    return {
        "passes": each,
        "articles": len(run.latencies_s),
        "articles_per_min": len(run.latencies_s) / total * 60,
        "target_tokens_per_s": run.target_tokens / total,
        "translate_tokens_per_s": run.translate_tokens / run.translate_s if run.translate_s else None,
        "p50_latency_s": percentile(run.latencies_s, 0.5),
        "p95_latency_s": percentile(run.latencies_s, 0.95),
        "peak_rss_mb": peak_rss_mb,
    }


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "python": platform.python_version()}


def write(results: dict[str, Any]) -> None:
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _plot(results)
    _doc(results)


def _plot(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    variants = results["variants"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = list(variants)
    left.bar(names, [variants[n]["articles_per_min"] for n in names], color="#4c72b0")
    left.set_ylabel("articles / min (seed mix)")
    left.tick_params(axis="x", labelrotation=15)
    left.set_title(f"End to end, {results['machine']['cpus']} CPU cores")
    levels = results["concurrency"]
    right.plot([lv["clients"] for lv in levels], [lv["articles_per_min"] for lv in levels], marker="o")
    right.set_xscale("log", base=2)
    right.set_xlabel("concurrent HTTP clients")
    right.set_ylabel("articles / min")
    right.set_ylim(bottom=0)
    right.set_title("Live server, CTranslate2 int8")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    plt.close(fig)


def _fmt(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _doc(results: dict[str, Any]) -> None:
    lines = [MARKER, "", f"Run: `{results['command']}` on {results['machine']['cpus']} CPU cores "
             f"({results['machine']['processor']}), {results['date']}, mode `{results['mode']}`.", "",
             "| variant | articles/min | target tokens/s | translation tokens/s | p50 s | p95 s | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, v in results["variants"].items():
        lines.append(f"| {name} | {_fmt(v['articles_per_min'])} | {_fmt(v['target_tokens_per_s'])} | "
                     f"{_fmt(v['translate_tokens_per_s'])} | {_fmt(v['p50_latency_s'], 2)} | "
                     f"{_fmt(v['p95_latency_s'], 2)} | {_fmt(v['peak_rss_mb'], 0)} |")
    lines += ["", "Per pass (articles/min; translation tokens/s):", ""]
    for name, v in results["variants"].items():
        rates = ", ".join(f"{_fmt(p['articles_per_min'])}; {_fmt(p['translate_tokens_per_s'])}" for p in v["passes"])
        lines.append(f"- {name}: {rates}")
    lines += ["", "Ratios within each pass (the variants ran side by side), lowest to highest:", ""]
    for name, spread in results["ratio_spread"].items():
        lines.append(f"- {name}: {', '.join(_fmt(r, 2) for r in spread)}")
    lines += ["", "| concurrent clients | rounds | requests | errors | articles/min (median) | range | p50 s | p95 s |",
              "|---:|---:|---:|---:|---:|---|---:|---:|"]
    for lv in results["concurrency"]:
        low, high = lv["articles_per_min_range"]
        lines.append(f"| {lv['clients']} | {lv['rounds']} | {lv['requests']} | {lv['errors']} | "
                     f"{_fmt(lv['articles_per_min'])} | {_fmt(low)}–{_fmt(high)} | {_fmt(lv['p50_s'], 2)} | "
                     f"{_fmt(lv['p95_s'], 2)} |")
    lines += ["", "| target | ratio | goal | met |", "|---|---:|---:|---|"]
    for name, t in results["targets"].items():
        lines.append(f"| {name} | {_fmt(t['ratio'], 2)} | {t['goal']} | {'yes' if t['met'] else 'NO'} |")
    desk = results.get("desk")
    if desk:
        lines += ["", f"Story desk: filing one article into a desk holding {desk['stored']:,} stories (SQLite, the "
                  f"owner's index warm; {desk['articles']} seed articles): median {_fmt(desk['median_ms'])} ms, "
                  f"p95 {_fmt(desk['p95_ms'])} ms (target < 50 ms); loading the index at start "
                  f"{_fmt(desk['index_load_s'])} s."]
    lines += ["", "![throughput](performance.png)", ""]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    head = text.split(MARKER)[0].rstrip() + "\n\n"
    DOC.write_text(head + "\n".join(lines), encoding="utf-8")
