"""CTranslate2 engine: the same interface as transformers, on a converted (int8 / float16) model.

The tokenizer and generation defaults still come from the original checkpoint folder, so both
engines split, bound and decode text identically; only the network runs elsewhere. They are read
without torch (`checkpoint`): a CTranslate2 server never imports it.

`inter_threads` replicas of the model run that many `translate_batch` calls at once (CTranslate2
releases the GIL while it decodes), each on `intra_threads` threads: the batcher calls from one
thread per replica. The tokenizer is shared and not re-entrant, so its calls take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import ctranslate2

from ..observability.metrics import observe_generated_tokens
from ..registry import ModelSpec
from .base import Encoded, GenerationOptions, input_limit, output_limit
from .checkpoint import GenerationDefaults, load_tokenizer, max_positions

#: transformers' default when a checkpoint sets no max_length; too short to mean anything
_HF_DEFAULT_MAX_LENGTH = 20


class CTranslate2Seq2Seq:
    engine = "ctranslate2"

    def __init__(
        self,
        spec: ModelSpec,
        hf_path: Path,
        ct2_path: Path,
        *,
        device: str = "cpu",
        compute_type: str = "default",
        inter_threads: int = 1,
        intra_threads: int = 0,
    ) -> None:
        self.spec = spec
        self.replicas = inter_threads
        self._tokenizing = threading.Lock()  # fast tokenizers raise "Already borrowed" when shared at once
        self.tokenizer = load_tokenizer(hf_path)
        self.generation = GenerationDefaults.read(hf_path)
        positions = max_positions(hf_path)
        self.max_input_tokens = input_limit(positions, getattr(self.tokenizer, "model_max_length", None))
        self.max_output_tokens = output_limit(positions)
        kind, _, index = device.partition(":")
        self.translator = ctranslate2.Translator(
            str(ct2_path),
            device=kind,
            device_index=int(index or 0),
            compute_type=compute_type,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
        # BART-style models force <s> after the decoder start token; CTranslate2 takes that as a prefix.
        forced_bos = self.generation.forced_bos_token_id
        self._prefix = [self.tokenizer.convert_ids_to_tokens(forced_bos)] if forced_bos is not None else None

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        if not texts:
            return []
        with self._tokenizing:
            encoded = self.tokenizer(list(texts), add_special_tokens=True, truncation=False)
        return [Encoded(text, tuple(ids)) for text, ids in zip(texts, encoded["input_ids"])]

    def _decoding(self, options: GenerationOptions, longest: int) -> dict[str, object]:
        """transformers-style options (falling back to the checkpoint's defaults) as CTranslate2's."""
        asked = options.for_batch(longest, self.max_output_tokens)
        gen = self.generation
        default_max = gen.max_length if gen.max_length and gen.max_length != _HF_DEFAULT_MAX_LENGTH else None
        max_new = asked.get("max_new_tokens") or (default_max - 1 if default_max else self.max_input_tokens)
        if self.max_output_tokens is not None:
            max_new = min(max_new, self.max_output_tokens)
        min_new = asked.get("min_new_tokens", max(0, (gen.min_length or 0) - 1))
        if gen.forced_eos_token_id is not None:  # transformers spends the last step on a forced </s>
            max_new -= 1
        return {
            "beam_size": int(asked.get("num_beams") or gen.num_beams or 1),
            "max_decoding_length": int(max_new),
            "min_decoding_length": int(min(min_new, max_new)),
            "no_repeat_ngram_size": int(asked.get("no_repeat_ngram_size", gen.no_repeat_ngram_size or 0)),
            "length_penalty": float(asked.get("length_penalty", gen.length_penalty or 1.0)),
        }

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        if not inputs:
            return []
        with self._tokenizing:
            sources = [self.tokenizer.convert_ids_to_tokens(list(item.ids)) for item in inputs]
        prefix = [self._prefix] * len(sources) if self._prefix else None
        results = self.translator.translate_batch(
            sources,
            target_prefix=prefix,
            max_batch_size=0,
            **self._decoding(options, max(item.length for item in inputs)),
        )
        with self._tokenizing:
            outputs: list[list[int]] = [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
            texts = self.tokenizer.batch_decode(outputs, skip_special_tokens=True)
        # generated: the kept hypothesis' tokens, a forced prefix included, </s> not (CTranslate2 drops it)
        observe_generated_tokens(self.spec.key, sum(len(row) for row in outputs))
        return texts
