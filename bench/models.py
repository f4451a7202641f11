"""Architecture-identical random-weight models for benchmarks, built once and cached on disk.

Real weights cannot be downloaded here, so the benchmark runs models with exactly the
dimensions of Helsinki-NLP/opus-mt-gmq-en (Marian base) and sshleifer/distilbart-cnn-12-6
(the config values are in `testkit.modelgen`: MARIAN_OPUS_MT_BASE, DISTILBART_CNN_12_6,
with their sources). Speed depends on shapes, not on weight values, once output lengths are
forced equal (see bench/prompts/styles.toml and `bench_settings`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from service.config import Settings

from testkit import PROJECT_ROOT
from service.modelstore import convert, locate_ct2
from service.registry import Registry
from testkit import modelgen

OUT = PROJECT_ROOT / "bench" / "out"
TRANSLATOR_KEY = "opus-mt-gmq-en"
SUMMARIZER_KEY = "distilbart-cnn"


def _digest() -> str:
    dims = json.dumps([modelgen.MARIAN_OPUS_MT_BASE, modelgen.DISTILBART_CNN_12_6, "no-filler-v2"], sort_keys=True)
    return hashlib.sha256(dims.encode()).hexdigest()[:12]


def build(out: Path = OUT) -> Path:
    """Build (or reuse) both models and their int8 CTranslate2 conversions; returns the registry file."""
    root = out / f"models-{_digest()}"
    corpus = modelgen.seed_corpus(PROJECT_ROOT / "seeds")
    marian, bart = root / "opus-mt-gmq-en", root / "distilbart-cnn-12-6"
    if not (marian / "config.json").is_file():
        modelgen.build_marian(marian, corpus, dims=modelgen.MARIAN_OPUS_MT_BASE, vocab_size=8000)
        never_emit_padding_tokens(marian)
    if not (bart / "config.json").is_file():
        modelgen.build_bart(bart, corpus, dims=modelgen.DISTILBART_CNN_12_6, vocab_size=8000)
        never_emit_padding_tokens(bart)
    registry = registry_for(root, marian, bart)
    convert_int8(registry)
    return registry


def registry_for(root: Path, marian: Path, bart: Path) -> Path:
    """A registry serving `marian` (Nordic languages, and as the catch-all) and `bart` as the summarizer."""
    registry = root / "registry.toml"
    registry.write_text(f"""
summarizer = "{SUMMARIZER_KEY}"

[models.{TRANSLATOR_KEY}]
task = "translation"
hub_id = "bench/opus-mt-gmq-en-random"
path = "{marian}"
languages = ["no", "nb", "nn", "da", "sv", "is", "fo"]

[models.opus-mt-mul-en]
task = "translation"
hub_id = "bench/opus-mt-mul-en-random"
path = "{marian}"
languages = ["*"]

[models.{SUMMARIZER_KEY}]
task = "summarization"
hub_id = "bench/distilbart-cnn-12-6-random"
path = "{bart}"
""", encoding="utf-8")
    return registry


def convert_int8(registry: Path) -> None:
    """The int8 CTranslate2 conversion of both models, once."""
    settings = bench_settings(registry, "auto")
    loaded = Registry.load(registry)
    for key in (TRANSLATOR_KEY, SUMMARIZER_KEY):
        spec = loaded.models[key]
        if locate_ct2(spec, settings.models_dir, "int8") is None:
            convert(spec, spec.path, settings.models_dir, "int8")


def never_emit_padding_tokens(folder: Path) -> None:
    """Random weights would mostly emit the vocabulary's `madeupwordNNNN` filler (most of the
    ids), which decodes to text five times longer than real output and so would inflate the
    summarizer's work (and stop map-reduce from shrinking). A -1e4 output bias on those ids keeps
    outputs to real pieces; both engines apply the bias (CTranslate2 converts it), and the
    softmax still spans the full vocabulary."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    filler = [i for token, i in tokenizer.get_vocab().items()
              if "madeupword" in token and i < model.config.vocab_size]
    with torch.no_grad():
        model.final_logits_bias[0, filler] = -1e4
    model.save_pretrained(folder)
    modelgen.write_ct2_fields(folder)


def bench_settings(registry: Path, engine: str, **overrides: object) -> Settings:
    """Settings that force equal work: translation output = input length, summaries = 80 tokens."""
    values: dict[str, object] = dict(
        registry_path=registry, models_dir=registry.parent / "cache", data_dir=OUT / "data",
        prompts_dir=PROJECT_ROOT / "bench" / "prompts", engine=engine, cache_max_entries=0,
        translate_beams=4, translate_length_ratio=1.0, translate_length_slack=0, translate_min_length_ratio=1.0,
        translate_max_new_tokens=512, summary_style="bench",
    )
    values.update(overrides)
    return Settings(**values)
