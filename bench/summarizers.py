"""distilbart-cnn-12-6 (the default summarizer) against distilbart-cnn-6-6 on the seed mix, and where one
article's time goes (clean, detect, translate, summarize).

Both summarizers are random-weight models with the real dimensions (6-6: the 12-6 dims with 6 encoder layers,
as sshleifer/distilbart-cnn-6-6's config.json has), CTranslate2 int8, the benchmark's equal-work settings (80
tokens per summary call). The two pipelines run interleaved article by article, `--passes` times; the ratio
is given per pass. Step shares come from the pipeline's own `timings_ms` (the language detected, not given),
summed over the passes; ms are per pass.

`python -m bench.summarizers [--passes 2] [--paragraphs 8]`
"""

from __future__ import annotations

import argparse
from pathlib import Path

from service.pipeline import ArticleRequest, Pipeline, SummaryRequest
from service.registry import Registry
from testkit import PROJECT_ROOT, modelgen

from . import models
from .workload import seed_mix

#: sshleifer/distilbart-cnn-6-6: the 12-6 architecture with half the encoder (its config.json: encoder_layers 6)
DISTILBART_CNN_6_6 = {**modelgen.DISTILBART_CNN_12_6, "encoder_layers": 6}
STEPS = ("clean", "detect", "translate", "summarize")


def registry_6_6(registry_12_6: Path) -> Path:
    """The bench registry with its summarizer swapped for a 6-6 build (built and converted once)."""
    root = registry_12_6.parent
    bart = root / "distilbart-cnn-6-6"
    if not (bart / "config.json").is_file():
        modelgen.build_bart(bart, modelgen.seed_corpus(PROJECT_ROOT / "seeds"), dims=DISTILBART_CNN_6_6,
                            vocab_size=8000)
        models.never_emit_padding_tokens(bart)
    folder = root / "with-6-6"
    folder.mkdir(exist_ok=True)
    registry = models.registry_for(folder, Registry.load(registry_12_6).models[models.TRANSLATOR_KEY].path, bart)
    models.convert_int8(registry)
    return registry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.summarizers")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--paragraphs", type=int, default=8, help="first paragraphs of each seed (0: whole)")
    args = parser.parse_args(argv)
    default = models.build()
    pipelines = {
        "distilbart-cnn-12-6": Pipeline.from_settings(models.bench_settings(default, "ctranslate2")),
        "distilbart-cnn-6-6": Pipeline.from_settings(models.bench_settings(registry_6_6(default), "ctranslate2")),
    }
    articles = seed_mix(max_paragraphs=args.paragraphs or None)
    totals = {name: [0.0] * args.passes for name in pipelines}
    steps = {name: {article.name: dict.fromkeys(STEPS, 0.0) for article in articles} for name in pipelines}
    for pipeline in pipelines.values():  # warm-up: model loads
        pipeline.process(ArticleRequest(text=articles[-1].raw, summary=SummaryRequest(style="bench")))
    for index in range(args.passes):
        for article in articles:
            for name, pipeline in pipelines.items():
                # no source_lang: the language is detected, as for a client that does not say
                result = pipeline.process(ArticleRequest(text=article.raw, summary=SummaryRequest(style="bench")))
                totals[name][index] += result.timings_ms["total"]
                for step in STEPS:
                    steps[name][article.name][step] += result.timings_ms.get(step, 0.0)
    for pipeline in pipelines.values():
        pipeline.pool.close()
    n = len(articles)
    ratios = sorted(a / b for a, b in zip(totals["distilbart-cnn-12-6"], totals["distilbart-cnn-6-6"]))
    print("| summarizer | articles/min per pass | seconds per article (mean) |\n|---|---:|---:|")
    for name, per_pass in totals.items():
        rates = ", ".join(f"{n / (ms / 1000) * 60:.1f}" for ms in per_pass)
        print(f"| {name} | {rates} | {sum(per_pass) / 1000 / (n * args.passes):.2f} |")
    print(f"\n6-6 vs 12-6, articles/min: {', '.join(f'{r:.2f}' for r in ratios)} (per pass, lowest first)\n")
    print("| summarizer | article | " + " | ".join(STEPS) + " |\n|---|---|" + "---:|" * len(STEPS))
    for name, per_article in steps.items():
        for article, spent in per_article.items():
            whole = sum(spent.values()) or 1.0
            print(f"| {name} | {article} | "
                  + " | ".join(f"{spent[s] / whole:.2%} ({spent[s] / args.passes:,.1f} ms)" for s in STEPS) + " |")


if __name__ == "__main__":
    main()
