"""The one interface every seq2seq engine implements: count tokens, generate text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from ..registry import ModelSpec


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding settings for one `generate` call. `None` keeps the model's own generation config."""

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    no_repeat_ngram_size: int | None = None
    length_penalty: float | None = None

    def as_kwargs(self) -> dict[str, float | int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class Seq2SeqBackend(Protocol):
    """A loaded encoder-decoder model. Implementations must be safe to call from many threads."""

    spec: ModelSpec
    #: longest input (in this model's tokens, specials included) it can encode without truncation
    max_input_tokens: int
    #: name of the engine, shown in responses ("transformers", "ctranslate2")
    engine: str

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts as `generate` will see them, special tokens included."""
        ...

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """One output per input, same order. Never truncates input: callers chunk first."""
        ...
