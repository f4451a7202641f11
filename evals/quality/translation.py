"""FLORES-200 → English through the pipeline (clean, segment, chunk, batch) and through the model alone.

Both are scored on the same documents (`doc_size` consecutive devtest sentences, joined), so the difference is
what our text handling does to the model's output; the model alone is also scored per sentence, the setting of
the model cards. Fidelity flags are counted on the model's output and on the human reference (a reference is
correct, so its flags are false flags).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import sacrebleu

from service.backends.base import GenerationOptions
from service.pipeline import Pipeline
from service.quality import check_translation

from .data import ENGLISH, FLORES, flores_sentences


@dataclass(frozen=True)
class TranslationScore:
    flores: str  # FLORES code ("nob")
    lang: str  # ours ("nb")
    model: str
    sentences: int
    pipeline_bleu: float  # documents through Pipeline.clean + Pipeline.translate
    pipeline_chrf: float
    alone_bleu: float  # the same documents, each sentence through the model alone, outputs joined
    alone_chrf: float
    sentence_bleu: float  # model alone, sentence by sentence (the model cards' setting)
    sentence_chrf: float
    flags_model: float  # fidelity flags per 100 sentences on the model's output
    flags_reference: float  # ... on the human reference: false flags


def documents(sentences: Sequence[str], size: int) -> list[str]:
    return [" ".join(sentences[i:i + size]) for i in range(0, len(sentences), size)]


def model_alone(pipeline: Pipeline, lang: str, sentences: Sequence[str], batch: int) -> list[str]:
    """Each sentence as is (no cleaning, segmentation or chunking) straight into the loaded model."""
    backend = pipeline.pool.get(pipeline.registry.translator_for(lang)).inner
    settings = pipeline.translation_settings
    options = GenerationOptions(num_beams=settings.translate_beams, max_new_tokens=settings.translate_max_new_tokens)
    out: list[str] = []
    for i in range(0, len(sentences), batch):
        out.extend(o.strip() for o in backend.generate(backend.encode(list(sentences[i:i + batch])), options))
    return out


def through_pipeline(pipeline: Pipeline, lang: str, docs: Sequence[str], workers: int) -> list[str]:
    def one(doc: str) -> str:
        return pipeline.translate(pipeline.clean(doc).text, lang).text

    with ThreadPoolExecutor(max_workers=workers) as pool:  # concurrent requests share the batcher's batches
        return list(pool.map(one, docs))


def score_language(pipeline: Pipeline, data: Path, code: str, *, limit: int | None, doc_size: int, batch: int,
                   workers: int) -> TranslationScore:
    stem, lang = FLORES[code]
    sources, references = flores_sentences(data, stem, limit), flores_sentences(data, ENGLISH, limit)
    if len(sources) != len(references):
        raise ValueError(f"{stem} has {len(sources)} sentences but {ENGLISH} has {len(references)}")
    alone = model_alone(pipeline, lang, sources, batch)
    piped = through_pipeline(pipeline, lang, documents(sources, doc_size), workers)
    joined_alone, joined_refs = documents(alone, doc_size), documents(references, doc_size)
    per_100 = 100 / max(len(sources), 1)
    return TranslationScore(
        flores=code, lang=lang, model=pipeline.registry.translator_for(lang).model_id, sentences=len(sources),
        pipeline_bleu=sacrebleu.corpus_bleu(piped, [joined_refs]).score,
        pipeline_chrf=sacrebleu.corpus_chrf(piped, [joined_refs]).score,
        alone_bleu=sacrebleu.corpus_bleu(joined_alone, [joined_refs]).score,
        alone_chrf=sacrebleu.corpus_chrf(joined_alone, [joined_refs]).score,
        sentence_bleu=sacrebleu.corpus_bleu(alone, [references]).score,
        sentence_chrf=sacrebleu.corpus_chrf(alone, [references]).score,
        flags_model=len(check_translation(list(zip(sources, alone)), lang)) * per_100,
        flags_reference=len(check_translation(list(zip(sources, references)), lang)) * per_100,
    )
