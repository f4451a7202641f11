"""Abstractive summaries with a seq2seq model, map-reduce for articles longer than its input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..backends.base import GenerationOptions, Seq2SeqBackend, Tokens
from ..errors import GenerationFailed
from ..text import pack, segment
from .styles import Prompts, Style

#: tokens kept free under the model's limit (prompt-template joins, tokenizer drift)
_MARGIN = 8


@dataclass(frozen=True)
class Draft:
    text: str
    chunks: int  # model inputs in the first (map) round; 1 when the article fit whole
    rounds: int  # 1 = summarized directly, 2+ = map-reduce rounds


def summarize(
    text: str,
    backend: Seq2SeqBackend,
    style: Style,
    prompts: Prompts,
    *,
    template: str | None,
    max_input_tokens: int = 0,
    max_rounds: int = 3,
) -> Draft:
    """Summarize `text` whole if it fits the model, else summarize chunks and then their summaries.

    Never truncates: every sentence of the input reaches the model in some chunk.
    """
    prompt = prompts.template(template)
    budget = (max_input_tokens or backend.max_input_tokens) - _MARGIN
    tokens = Tokens(backend.encode)  # each text is encoded once, whether counted, generated or both
    overhead = tokens.count([prompt.format(text="", max_words=style.max_words, style=style.name)])[0]

    def count(texts: Sequence[str]) -> list[int]:
        return [n + overhead for n in tokens.count(texts)]

    def run(inputs: list[str], min_new: int, max_new: int) -> list[str]:
        options = GenerationOptions(min_new_tokens=min_new, max_new_tokens=max_new)
        filled = [prompt.format(text=t, max_words=style.max_words, style=style.name) for t in inputs]
        return backend.generate(tokens.encoded(filled), options)

    current = text
    first_round_chunks = 0
    for round_number in range(1, max_rounds + 1):
        chunks = pack(segment(current, "en"), count, budget)
        first_round_chunks = first_round_chunks or len(chunks)
        if len(chunks) == 1:
            [final] = run([chunks[0].text], style.min_new_tokens, style.max_new_tokens)
            return Draft(text=final, chunks=first_round_chunks, rounds=round_number)
        partials = run([c.text for c in chunks], prompts.map_min_new_tokens, prompts.map_max_new_tokens)
        reduced = "\n\n".join(p.strip() for p in partials if p.strip())
        if not reduced or count([reduced])[0] >= count([current])[0]:
            raise GenerationFailed(f"map-reduce summarization made no progress in round {round_number}")
        current = reduced
    raise GenerationFailed(
        f"the article still did not fit the summarizer after {max_rounds} map-reduce rounds; "
        "raise WIREBRIEF_SUMMARY_MAX_ROUNDS"
    )
