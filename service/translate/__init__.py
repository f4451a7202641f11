"""Translate an article to English sentence by sentence, keeping every sentence and paragraph."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..backends.base import GenerationOptions, Seq2SeqBackend, Tokens
from ..config import TranslationSettings
from ..quality import Flag, check_translation, needs_review
from ..text import Chunk, Piece, collapse_repeats, pack, reassemble, segment


@dataclass(frozen=True)
class Translation:
    text: str
    model: str
    engine: str
    source_lang: str
    sentences: int
    chunks: int
    flags: tuple[Flag, ...] = ()  # fidelity flags per chunk, indexed by the chunk's first sentence
    needs_review: bool = False


def translate(
    text: str, lang: str, backend: Seq2SeqBackend, settings: TranslationSettings, *, keep: Collection[int] = ()
) -> Translation:
    """Segment, pack into chunks the model can take whole, and generate them all at once.

    The backend's batcher groups the chunks (with other requests') into length-sorted batches.

    Over-long sentences are split rather than truncated, and a repetition guard trims the
    runaway loops that MarianMT sometimes produces on unusual input. Each sentence is tokenized once: the
    ids counted for packing are the ones generated from.

    Paragraphs whose index (as `segment` numbers them) is in `keep` come back as they are, in place, without
    reaching the model: English quotes in a Norwegian article.
    """
    sentences = segment(text, lang)
    budget = min(settings.translate_max_input_tokens, backend.max_input_tokens)
    tokens = Tokens(backend.encode)
    chunks = pack(
        [s for s in sentences if s.paragraph not in keep],
        tokens.count,
        budget,
        max_sentences=settings.translate_sentences_per_chunk,
        within_paragraph=True,
    )

    options = GenerationOptions(
        num_beams=settings.translate_beams,
        max_new_tokens=settings.translate_max_new_tokens,
        length_ratio=settings.translate_length_ratio,
        length_slack=settings.translate_length_slack,
        min_length_ratio=settings.translate_min_length_ratio or None,
    )
    outputs, guarded = _guard(
        backend.generate(tokens.encoded([chunk.text for chunk in chunks]), options), settings.repeat_guard
    )
    flags = check_translation(
        [(chunk.text, out) for chunk, out in zip(chunks, outputs)],
        lang,
        repeat_guarded=guarded,
        sentences=[chunk.pieces[0].sentence for chunk in chunks],
    )
    kept = [Chunk((Piece(s.text, s.index, s.paragraph),)) for s in sentences if s.paragraph in keep]
    in_order = sorted(
        zip([*chunks, *kept], [*outputs, *(chunk.text for chunk in kept)]), key=lambda pair: pair[0].pieces[0].sentence
    )  # stable: a long sentence's pieces stay in order
    return Translation(
        text=reassemble([chunk for chunk, _ in in_order], [output for _, output in in_order]),
        model=backend.spec.model_id,
        engine=backend.engine,
        source_lang=lang,
        sentences=len(sentences),
        chunks=len(chunks),
        flags=tuple(flags),
        needs_review=needs_review(flags),
    )


def _guard(outputs: Sequence[str], max_repeats: int) -> tuple[list[str], set[int]]:
    """The outputs with runaway loops cut, and the positions the guard changed (a fidelity flag says so)."""
    cut = [collapse_repeats(out.strip(), max_repeats) for out in outputs]
    return cut, {i for i, (out, kept) in enumerate(zip(outputs, cut)) if kept != out.strip()}
