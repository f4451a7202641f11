"""Length-sorted batching: similar-length inputs share a padded batch, outputs return in order."""

from __future__ import annotations

from typing import Callable, Sequence

from .base import GenerationOptions, Seq2SeqBackend

#: options for one batch, given the longest input (in tokens) in that batch
OptionsForBatch = Callable[[int], GenerationOptions]


def generate_sorted(backend: Seq2SeqBackend, texts: Sequence[str], options_for: OptionsForBatch,
                    batch_size: int) -> list[str]:
    """Generate for every text, batching by token length so padding (wasted compute) stays small."""
    if not texts:
        return []
    lengths = backend.count_tokens(texts)
    order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
    outputs = [""] * len(texts)
    for start in range(0, len(order), batch_size):
        ids = order[start:start + batch_size]
        results = backend.generate([texts[i] for i in ids], options_for(max(lengths[i] for i in ids)))
        if len(results) != len(ids):
            raise RuntimeError(f"{backend.spec.key} returned {len(results)} outputs for {len(ids)} inputs")
        for i, text in zip(ids, results):
            outputs[i] = text
    return outputs
