"""The one interface every seq2seq engine implements: encode text once, generate from the encodings."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from ..registry import ModelSpec


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding settings for one `generate` call. `None` keeps the model's own generation config.

    `length_ratio` bounds the output relative to the input: a batch whose longest input has
    n tokens may generate at most `ceil(length_ratio * n) + length_slack` new tokens (capped by
    `max_new_tokens`). Translation uses it so a runaway decode cannot go on for long.
    `min_length_ratio` likewise sets a floor (benchmarks use it to force equal work).
    Every bound is then clamped to the engine's decoder limit (`max_output_tokens`): a model
    cannot place a token past its position table, and asking it to fails the whole batch.
    Frozen and hashable: requests with equal options can share a batch.
    """

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    no_repeat_ngram_size: int | None = None
    length_penalty: float | None = None
    length_ratio: float | None = None
    length_slack: int = 10
    min_length_ratio: float | None = None

    def for_batch(self, longest_input: int, max_output_tokens: int | None = None) -> dict[str, float | int]:
        """Concrete keyword arguments for a batch whose longest input has `longest_input` tokens.

        `max_output_tokens` is the decoder's limit (see `output_limit`); None leaves bounds as asked.
        """
        relative = ("length_ratio", "length_slack", "min_length_ratio")
        kwargs = {k: v for k, v in asdict(self).items() if v is not None and k not in relative}
        if self.length_ratio is not None:
            bound = math.ceil(self.length_ratio * longest_input) + self.length_slack
            kwargs["max_new_tokens"] = min(bound, self.max_new_tokens or bound)
        if self.min_length_ratio is not None:
            kwargs["min_new_tokens"] = math.ceil(self.min_length_ratio * longest_input)
        if max_output_tokens is not None:
            for name in ("max_new_tokens", "min_new_tokens"):
                if name in kwargs:
                    kwargs[name] = min(kwargs[name], max_output_tokens)
        if "min_new_tokens" in kwargs and "max_new_tokens" in kwargs:
            kwargs["min_new_tokens"] = min(kwargs["min_new_tokens"], kwargs["max_new_tokens"])
        return kwargs


#: tokenizers report 1e30 when a checkpoint sets no limit; the position table is the real one
_UNBOUNDED = 100_000


def output_limit(positions: int | None) -> int | None:
    """The most new tokens the decoder can place: its position table less the decoder start token."""
    return int(positions) - 1 if positions else None


def input_limit(positions: int | None, tokenizer_max: int | None) -> int:
    """The longest input the model can encode: its position table or the tokenizer's limit."""
    limits = [int(x) for x in (positions, tokenizer_max) if x and x < _UNBOUNDED]
    return min(limits) if limits else 512


@dataclass(frozen=True)
class Encoded:
    """One model input tokenized once: its token ids (special tokens included) travel with it to `generate`."""

    text: str
    ids: tuple[int, ...]

    @property
    def length(self) -> int:
        return len(self.ids)


class Seq2SeqBackend(Protocol):
    """A loaded encoder-decoder model. Implementations must be safe to call from many threads."""

    spec: ModelSpec
    #: longest input (in this model's tokens, specials included) it can encode without truncation
    max_input_tokens: int
    #: name of the engine, shown in responses ("transformers", "ctranslate2")
    engine: str
    #: batches it can run at once, each from its own thread (the batcher starts one worker per replica)
    replicas: int

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        """Token ids as `generate` will take them, special tokens included; never truncated."""
        ...

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        """One output per input, same order. Never truncates input: callers chunk first.

        Inputs are generated as one padded batch: callers (the batcher) choose what goes together.
        """
        ...


class Tokens:
    """Encodes each distinct text once per request: counts for packing, then the same ids for `generate`.

    `count` has the `text.CountTokens` shape, so the pure text layer can budget chunks without knowing models.
    """

    def __init__(self, encode: Callable[[Sequence[str]], list[Encoded]]) -> None:
        self._encode = encode
        self._known: dict[str, Encoded] = {}

    def encoded(self, texts: Sequence[str]) -> list[Encoded]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._known))
        if missing:
            self._known.update(zip(missing, self._encode(missing)))
        return [self._known[text] for text in texts]

    def count(self, texts: Sequence[str]) -> list[int]:
        return [encoded.length for encoded in self.encoded(texts)]
