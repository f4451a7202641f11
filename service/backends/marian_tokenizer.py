"""Marian's tokenizer on sentencepiece alone, for the CTranslate2 engine: the ids `MarianTokenizer` gives, without
importing transformers (about 20 MB of RSS, numpy included, in a server that never runs a transformers model).

CTranslate2 takes token strings, so what a Marian checkpoint needs is its source sentencepiece model, its
vocabulary (vocab.json) and three special tokens. This is `MarianTokenizer`'s own algorithm, step for step:
the special tokens are cut out of the text first (kept whole, never split), a leading `>>xx<<` language code
of each remaining piece is one token, the rest goes through the source model, each piece maps to its
vocabulary id (else `<unk>`'s), and `</s>` ends the input. Decoding drops the special ids and joins the
pieces with the *source* model, as transformers does for a checkpoint with one shared vocabulary.

`read` takes only the checkpoints it reproduces exactly (one shared vocabulary, exactly the three named
special tokens, none of them stripping spaces, no sampling options); for any other the caller falls back to
transformers' class. The tests compare ids, truncation and decoded text with `MarianTokenizer`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sentencepiece

_SPIECE_UNDERLINE = "\u2581"
#: the special tokens MarianTokenizer names, and what it takes when tokenizer_config.json does not say
_NAMED = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
_MODEL_MAX_LENGTH = 512
#: the flags of an added token that change how the text around it is cut; any of them set: not ours to copy
_STRIPPING = ("lstrip", "rstrip", "single_word")


class MarianPieces:
    """The subset of `MarianTokenizer` the CTranslate2 engine (and the bench's script) calls, same results."""

    def __init__(self, source: sentencepiece.SentencePieceProcessor, vocab: dict[str, int], config: dict[str, Any]):
        self._spm = source
        self._encoder = vocab
        self._decoder = {index: token for token, index in vocab.items()}
        names = _named(config)
        self.eos_token, self.unk_token = names["eos_token"], names["unk_token"]
        self.model_max_length = int(config.get("model_max_length") or _MODEL_MAX_LENGTH)
        added = config.get("added_tokens_decoder")
        #: the special tokens: cut out of the text whole, skipped when decoding (an older checkpoint lists none:
        #: transformers then adds the three named ones, at their vocabulary ids)
        self._special = (
            {entry["content"]: int(index) for index, entry in added.items()}
            if added
            else {token: vocab[token] for token in names.values()}
        )
        self._special_ids = frozenset(self._special.values())
        self._special_tokens = {index: token for token, index in self._special.items()}
        self._eos_id = self._special[self.eos_token]
        self._unk_id = self._special.get(self.unk_token, vocab[self.unk_token])
        self._split = re.compile(
            "(" + "|".join(re.escape(token) for token in sorted(self._special, key=len, reverse=True)) + ")"
        )

    @classmethod
    def read(cls, folder: Path) -> MarianPieces | None:
        """The tokenizer of a Marian checkpoint folder, or None when this class would not match transformers'."""
        config_file, vocab_file, source = folder / "tokenizer_config.json", folder / "vocab.json", folder / "source.spm"
        if not (config_file.is_file() and vocab_file.is_file() and source.is_file()):
            return None
        config: dict[str, Any] = json.loads(config_file.read_text(encoding="utf-8"))
        added = config.get("added_tokens_decoder") or {}
        named = set(_named(config).values())
        vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
        if not named <= vocab.keys():
            return None  # MarianTokenizer refuses a vocabulary without <unk>; a missing </s> or <pad>: not ours
        if (
            config.get("separate_vocabs")
            or config.get("sp_model_kwargs")
            or config.get("additional_special_tokens")
            or config.get("extra_special_tokens")
            or config.get("clean_up_tokenization_spaces")
            or config.get("split_special_tokens")
            or not isinstance(added, dict)
            or (added and {entry.get("content") for entry in added.values()} != named)
            or any(entry.get(flag) for entry in added.values() for flag in _STRIPPING)
            or not all(entry.get("special") for entry in added.values())
        ):
            return None
        return cls(sentencepiece.SentencePieceProcessor(model_file=str(source)), vocab, config)

    def _tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for part in self._split.split(text):
            if not part:
                continue
            if part in self._special:
                tokens.append(part)
                continue
            if part.startswith(">>") and (end := part.find("<<")) != -1:  # a target-language code
                tokens.append(part[: end + 2])
                part = part[end + 2 :]
            tokens.extend(self._spm.encode(part, out_type=str))
        return tokens

    def __call__(
        self,
        texts: Sequence[str],
        *,
        add_special_tokens: bool = True,
        truncation: bool = False,
        max_length: int | None = None,
    ) -> dict[str, list[list[int]]]:
        """`{"input_ids": [...]}` per text; truncation keeps the first tokens and the closing `</s>`."""
        limit = (max_length or self.model_max_length) if truncation else None
        rows = []
        for text in texts:
            ids = self.convert_tokens_to_ids(self._tokenize(text))
            tail = [self._eos_id] if add_special_tokens else []
            if limit is not None and len(ids) + len(tail) > limit:
                ids = ids[: max(0, limit - len(tail))]
            rows.append(ids + tail)
        return {"input_ids": rows}

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self._special.get(token, self._encoder.get(token, self._unk_id)) for token in tokens]

    def convert_ids_to_tokens(self, ids: int | Sequence[int]) -> Any:
        if isinstance(ids, int):
            return self._token(ids)
        return [self._token(int(index)) for index in ids]

    def _token(self, index: int) -> str:
        return self._special_tokens.get(index) or self._decoder.get(index, self.unk_token)

    def batch_decode(self, sequences: Sequence[Sequence[int]], *, skip_special_tokens: bool = False) -> list[str]:
        return [self._decode(ids, skip_special_tokens) for ids in sequences]

    def _decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str:
        out, pieces = "", list[str]()
        for index in ids:
            if skip_special_tokens and index in self._special_ids:
                continue
            token = self._token(int(index))
            if token in self._special:
                out += self._spm.decode_pieces(pieces) + token + " "
                pieces = []
            else:
                pieces.append(token)
        out += self._spm.decode_pieces(pieces)
        return out.replace(_SPIECE_UNDERLINE, " ").strip()


def _named(config: dict[str, Any]) -> dict[str, str]:
    """The special tokens by role; one saved as an object (older configs) reads as its repr and matches nothing."""
    return {key: str(config.get(key) or default) for key, default in _NAMED.items()}
