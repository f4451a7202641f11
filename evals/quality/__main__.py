"""`python -m evals.quality --flores DIR --cnndm FILE [...]`: score the served models on FLORES-200 and CNN/DM.

Reads local files only (run with HF_HUB_OFFLINE=1: `make eval-quality FLORES=DIR CNNDM=FILE`); the models are
the registry's (WIREBRIEF_REGISTRY_PATH, WIREBRIEF_MODELS_DIR, WIREBRIEF_DEVICE as for the server).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

from service.config import Settings
from service.pipeline import Pipeline

from .data import FLORES
from .summaries import SummaryScore, score_summaries
from .translation import TranslationScore, score_language

#: what the model cards report, the reference our numbers are read against
CARD_BLEU = {("Helsinki-NLP/opus-mt-gmq-en", "nob"): 35.9}
CARD_ROUGE2 = {"sshleifer/distilbart-cnn-12-6": 21.26}


def translation_table(scores: list[TranslationScore]) -> str:
    rows = ["| FLORES | model | sentences | pipeline BLEU / chrF | model alone, same docs | model alone, per sentence "
            "| model card BLEU | flags/100 output | flags/100 reference |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in scores:
        card = CARD_BLEU.get((s.model, s.flores))
        rows.append(f"| {s.flores}→eng | {s.model} | {s.sentences} | {s.pipeline_bleu:.1f} / {s.pipeline_chrf:.1f} "
                    f"| {s.alone_bleu:.1f} / {s.alone_chrf:.1f} | {s.sentence_bleu:.1f} / {s.sentence_chrf:.1f} "
                    f"| {card if card is not None else '—'} | {s.flags_model:.1f} | {s.flags_reference:.1f} |")
    return "\n".join(rows)


def summary_table(score: SummaryScore) -> str:
    card = CARD_ROUGE2.get(score.model)
    rows = ["| CNN/DM test | articles | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | model card ROUGE-2 |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, values in (("pipeline (" + score.style + ")", score.pipeline), ("model alone", score.alone)):
        rows.append(f"| {name}: {score.model} | {score.articles} | {values['rouge1']:.2f} | {values['rouge2']:.2f} "
                    f"| {values['rougeLsum']:.2f} | {card if card is not None else '—'} |")
    rows.append(f"\nUnsupported numbers/names per pipeline summary: {score.unsupported_per_summary:.2f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None, *, pipeline: Pipeline | None = None) -> str:
    """Run, print and return the report; `pipeline` defaults to one from the environment's settings."""
    parser = argparse.ArgumentParser(prog="python -m evals.quality", description=__doc__)
    parser.add_argument("--flores", type=Path, help="FLORES-200 folder (DIR/devtest/nob_Latn.devtest, ...)")
    parser.add_argument("--cnndm", type=Path, help="CNN/DailyMail test file: CSV or JSONL with article, highlights")
    parser.add_argument("--langs", default=",".join(FLORES), help="FLORES codes, comma-separated")
    parser.add_argument("--limit", type=int, help="first N sentences / articles only")
    parser.add_argument("--doc-size", type=int, default=5, help="consecutive sentences per pipeline document")
    parser.add_argument("--style", default="standard", help="summary style for the pipeline")
    parser.add_argument("--batch", type=int, default=32, help="inputs per generate call (model alone)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent pipeline requests")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--json", type=Path, help="also write the raw scores here")
    args = parser.parse_args(argv)
    if not args.flores and not args.cnndm:
        parser.error("give --flores DIR, --cnndm FILE or both")
    unknown = [c for c in args.langs.split(",") if c not in FLORES]
    if unknown:
        parser.error(f"unknown FLORES codes {unknown}; choose from {', '.join(FLORES)}")

    pipeline = pipeline or Pipeline.from_settings(Settings())
    command = "python -m evals.quality " + shlex.join(argv if argv is not None else sys.argv[1:])
    sections = ["## Quality against public test sets", "", f"Reproduce: `{command}`", ""]
    raw: dict[str, object] = {}
    if args.flores:
        scores = [score_language(pipeline, args.flores, code, limit=args.limit, doc_size=args.doc_size,
                                 batch=args.batch, workers=args.workers) for code in args.langs.split(",")]
        sections += ["### Translation (FLORES-200 devtest → English)", "", translation_table(scores), ""]
        raw["translation"] = [asdict(s) for s in scores]
    if args.cnndm:
        summary = score_summaries(pipeline, args.cnndm, limit=args.limit, style=args.style, batch=args.batch,
                                  workers=args.workers)
        sections += ["### Summaries (CNN/DailyMail test)", "", summary_table(summary), ""]
        raw["summaries"] = asdict(summary)
    report = "\n".join(sections)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
