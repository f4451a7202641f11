"""Uniform English summaries: abstractive (a seq2seq model) or extractive (TextRank), one shape."""

from __future__ import annotations

import dataclasses

from ..backends.base import Seq2SeqBackend
from ..text import segment
from . import abstractive, extractive
from .shape import Method, Summary, is_complete, shape, whole_sentences
from .styles import Prompts, Style

__all__ = ["Method", "Prompts", "Style", "Summary", "summarize_abstractive", "summarize_extractive"]

#: shorter "sentences" are headings, datelines or bylines, not summary material
_MIN_SENTENCE_WORDS = 4


def summarize_extractive(text: str, style: Style, *, title: str | None = None) -> Summary:
    """The article's own most central sentences, in article order."""
    article = [s.text for s in segment(text, "en")]
    candidates = [s for s in article if is_complete(s) and len(s.split()) >= _MIN_SENTENCE_WORDS]
    if not candidates:  # a heading-only or one-line article: use what there is
        candidates = article
    picked = [candidates[i] for i in extractive.select(candidates, style.min_words, style.max_words)]
    return shape(picked, style, "extractive", article=article, title=title)


def summarize_abstractive(
    text: str,
    backend: Seq2SeqBackend,
    style: Style,
    prompts: Prompts,
    *,
    template: str | None,
    max_input_tokens: int,
    max_rounds: int,
    title: str | None = None,
) -> Summary:
    """The model's summary, post-processed to whole, distinct sentences within the style's bounds.

    If the model yields no complete sentence at all, the extractive summary is returned instead,
    with a warning, and `method` says "extractive": never an empty or broken summary.
    """
    draft = abstractive.summarize(
        text, backend, style, prompts, template=template, max_input_tokens=max_input_tokens, max_rounds=max_rounds
    )
    sentences = whole_sentences(draft.text)
    if not sentences:
        fallback = summarize_extractive(text, style, title=title)
        warning = "abstractive_fallback: the model produced no complete sentence; extractive summary returned"
        return dataclasses.replace(fallback, warnings=(warning, *fallback.warnings))
    article = [s.text for s in segment(text, "en")]
    summary = shape(sentences, style, "abstractive", article=article, model=backend.spec.model_id, title=title)
    return dataclasses.replace(summary, chunks=draft.chunks, rounds=draft.rounds)
