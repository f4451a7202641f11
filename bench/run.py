"""`python -m bench.run [--quick]`: every variant side by side in one process, ratios reported.

Variants: naive (transformers fp32, one sentence at a time), ours on transformers, ours on
CTranslate2 int8, the raw CTranslate2 ceiling, and 1/4/16 concurrent clients on a live server.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service.registry import Registry  # noqa: E402

from . import concurrency, models, report  # noqa: E402
from .variants import Naive, Ours, Run, ceiling_for  # noqa: E402
from .desk import desk_row  # noqa: E402
from .workload import seed_mix  # noqa: E402

#: paragraphs of each seed in quick mode: the whole run (two passes, every row) stays under 10 minutes
QUICK_PARAGRAPHS = 5


def peak_rss_mb(registry, programs: list[str], paragraphs: int | None) -> dict[str, float]:
    """Each program's own peak RSS, each in a process of its own. They run at once: a peak does not depend on
    the CPU time a process gets, and the benchmark's clock is not running."""
    extra = [str(paragraphs)] if paragraphs else []
    running = {name: subprocess.Popen([sys.executable, "-m", "bench.rss", str(registry), name, *extra],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
               for name in programs}
    peaks = {}
    for name, proc in running.items():
        out, _ = proc.communicate(timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"bench.rss {name} failed with exit code {proc.returncode}")
        peaks[name] = float(out.strip().splitlines()[-1])
    return peaks


def cached_repeat(settings, article) -> tuple[float, float]:
    """Seconds for an article's first call and for its repeat (answered from the result cache)."""
    from service.pipeline import ArticleRequest, Pipeline, SummaryRequest

    pipeline = Pipeline.from_settings(settings)
    request = ArticleRequest(text=article.raw, source_lang=article.lang, summary=SummaryRequest(style="bench"))
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        result = pipeline.process(request)
        timings.append(time.perf_counter() - started)
    assert result.cached, "the repeat must come from the cache"
    pipeline.pool.close()
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="two passes over the first 5 paragraphs of each seed, 1 and 8 clients (under 10 minutes)")
    args = parser.parse_args()
    passes = 2 if args.quick else 3
    started = time.time()

    registry_path = models.build()
    registry = Registry.load(registry_path)
    articles = seed_mix(max_paragraphs=QUICK_PARAGRAPHS if args.quick else None)
    norwegian = next(a for a in articles if a.lang != "en")
    settings_tf = models.bench_settings(registry_path, "transformers")
    settings_ct2 = models.bench_settings(registry_path, "ctranslate2")

    # batch sizes up to the article's sentence count, so each is different work
    sizes = tuple(size for size in (4, 8, 16, 32, 64) if size < 2 * len(norwegian.sentences))
    ceiling = ceiling_for(registry, registry_path, sizes)
    ceiling.tune(norwegian)
    variants = [Naive(registry), Ours("ours-transformers", settings_tf), Ours("ours-ct2-int8", settings_ct2),
                ceiling]
    runs = {v.name: Run() for v in variants}
    per_pass = {v.name: [Run() for _ in range(passes)] for v in variants}
    for variant in variants:  # warm-up: load, allocate, let caches settle
        variant.process(norwegian, Run())
    for index in range(passes):  # interleaved, so drift in machine load hits every variant alike
        for article in articles:
            for variant in variants:
                one = Run()
                variant.process(article, one)
                for run in (runs[variant.name], per_pass[variant.name][index]):
                    run.latencies_s += one.latencies_s
                    run.target_tokens += one.target_tokens
                    run.translate_s += one.translate_s
                    run.translate_tokens += one.translate_tokens
        print(f"pass done after {time.time() - started:.0f}s", file=sys.stderr)
    for variant in variants:
        if isinstance(variant, Ours):
            variant.close()
    first_s, repeat_s = cached_repeat(models.bench_settings(registry_path, "ctranslate2", cache_max_entries=16),
                                      norwegian)

    rss = peak_rss_mb(registry_path, list(runs), QUICK_PARAGRAPHS if args.quick else None)
    table = {name: report.summarize(run, rss.get(name), per_pass[name]) for name, run in runs.items()}

    client_levels = (1, 8) if args.quick else (1, 4, 8, 16)
    levels = concurrency.run(settings_ct2, articles, client_levels, total=8 if args.quick else 16,
                             rounds=2 if args.quick else 3)
    at = {level["clients"]: level for level in levels}

    ceiling_rates = sorted(p["articles_per_min"] for p in table["ceiling"]["passes"])

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a and b else None

    def pass_ratios(a: str, b: str, field: str) -> list[float]:
        """The ratio within each pass (both variants ran side by side): its spread is the figure's."""
        pairs = zip(table[a]["passes"], table[b]["passes"])
        return sorted(x[field] / y[field] for x, y in pairs if x[field] and y[field])

    targets = {
        "ours-ct2 vs naive, articles/min": (ratio(table["ours-ct2-int8"]["articles_per_min"],
                                                  table["naive"]["articles_per_min"]), 3.0),
        "ours-ct2 vs ceiling, translation tokens/s": (ratio(table["ours-ct2-int8"]["translate_tokens_per_s"],
                                                            table["ceiling"]["translate_tokens_per_s"]), 0.85),
        "ours-ct2 vs ceiling, articles/min (one client)": (ratio(table["ours-ct2-int8"]["articles_per_min"],
                                                                 table["ceiling"]["articles_per_min"]), 1.0),
        **{f"{n} HTTP clients vs ceiling, articles/min": (ratio(at[n]["articles_per_min"],
                                                                 table["ceiling"]["articles_per_min"]),
                                                           1.3 if n >= 8 else 1.0)
           for n in client_levels if n in (1, 8, 16)},
        "peak RSS, ours ct2 int8 / naive transformers fp32 (lower is better)": (
            ratio(rss["ours-ct2-int8"], rss["naive"]), 0.45),
        f"{client_levels[-1]} clients vs 1 client, articles/min": (ratio(levels[-1]["articles_per_min"],
                                                                         levels[0]["articles_per_min"]), 1.8),
        "cached repeat vs first call, speed-up": (ratio(first_s, repeat_s), 100.0),
    }
    desk = desk_row(10_000 if not args.quick else 2_000)
    results = {
        "desk": desk,
        "command": "python -m bench.run" + (" --quick" if args.quick else ""),
        "mode": "quick" if args.quick else "full",
        "date": datetime.date.today().isoformat(),
        "machine": report.machine(),
        "passes": passes,
        "ceiling_batch_size": ceiling.best_batch_size,
        "variants": table,
        "concurrency": levels,
        "cache": {"first_call_s": first_s, "cached_repeat_s": repeat_s},
        "ratios": {name: r for name, (r, _) in targets.items()},
        "ratio_spread": {
            "ours-ct2 vs naive, articles/min": pass_ratios("ours-ct2-int8", "naive", "articles_per_min"),
            "ours-ct2 vs ceiling, articles/min": pass_ratios("ours-ct2-int8", "ceiling", "articles_per_min"),
            "ours-ct2 vs ceiling, translation tokens/s": pass_ratios("ours-ct2-int8", "ceiling",
                                                                     "translate_tokens_per_s"),
            # not run side by side: the widest ratio the ranges allow (lowest level round / best ceiling pass)
            **{f"{n} HTTP clients vs ceiling, articles/min": sorted(
                at[n]["articles_per_min_range"][i] / ceiling_rates[j] for i, j in ((0, -1), (-1, 0)))
               for n in client_levels},
        },
        "ceiling_tuning_s": ceiling.tuning,
        "targets": {name: {"ratio": r, "goal": (f"<= {goal}" if "RSS" in name else f">= {goal}"),
                           "met": r is not None and (r <= goal if "RSS" in name else r >= goal)}
                    for name, (r, goal) in targets.items()},
        "seconds": round(time.time() - started),
    }
    report.write(results)
    print(f"wrote {report.RESULTS} and {report.DOC} in {results['seconds']}s")


if __name__ == "__main__":
    main()
