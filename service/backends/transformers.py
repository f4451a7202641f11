"""transformers engine: `from_pretrained` on a local folder, `generate` under inference mode."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from ..observability.metrics import observe_generated_tokens
from ..registry import ModelSpec
from .base import Encoded, GenerationOptions, input_limit, output_limit


class _QuietLengthNotice(logging.Filter):
    """transformers warns on every call that passes max_new_tokens to a model whose generation
    config also has max_length (all hub checkpoints do); max_new_tokens wins, as we intend."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "seem to have been set" not in record.getMessage()


logging.getLogger("transformers.generation.utils").addFilter(_QuietLengthNotice())


class TransformersSeq2Seq:
    engine = "transformers"
    replicas = 1  # one generate already uses every core (torch's intra-op threads)

    def __init__(self, spec: ModelSpec, path: Path, *, device: str = "cpu") -> None:
        self.spec = spec
        self.device = torch.device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(path).to(self.device).eval()
        positions = getattr(self.model.config, "max_position_embeddings", None)
        self.max_input_tokens = input_limit(positions, getattr(self.tokenizer, "model_max_length", None))
        self.max_output_tokens = output_limit(positions)
        # Fast tokenizers are not re-entrant ("Already borrowed"), and one generate already uses
        # every core: calls are serialized per model (the batcher is what makes them big).
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        if not texts:
            return []
        with self._lock:
            encoded = self.tokenizer(list(texts), add_special_tokens=True, truncation=False)
        return [Encoded(text, tuple(ids)) for text, ids in zip(texts, encoded["input_ids"])]

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        if not inputs:
            return []
        with self._lock:
            batch = self.tokenizer.pad({"input_ids": [list(item.ids) for item in inputs]}, return_tensors="pt")
            kwargs = options.for_batch(int(batch["input_ids"].shape[1]), self.max_output_tokens)
            with torch.inference_mode():
                output = self.model.generate(**batch.to(self.device), do_sample=False, **kwargs)
            # generated: every position after the decoder start token that is not padding (</s> counts)
            pad = self.model.config.pad_token_id
            observe_generated_tokens(
                self.spec.key, int((output[:, 1:] != pad).sum()) if pad is not None else output[:, 1:].numel()
            )
            return self.tokenizer.batch_decode(output, skip_special_tokens=True)
