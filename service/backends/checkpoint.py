"""What a checkpoint folder declares, read without torch: its tokenizer, position limit and generation defaults.

The CTranslate2 engine runs the network elsewhere, so it needs from the original checkpoint only these
three things. `transformers`' auto classes and config objects import torch (about 190 MB of RSS for a
server that never runs it); the tokenizer classes themselves and the JSON files do not. Token ids are
the ones `AutoTokenizer` gives: the same class, loaded from the same folder; for Marian, `MarianPieces`,
the same algorithm on sentencepiece alone, so a translation-only server imports no transformers at all.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .marian_tokenizer import MarianPieces

#: the tokenizer class `AutoTokenizer` picks, by the name a checkpoint declares (tokenizer_config.json's
#: tokenizer_class, else config.json's model_type): module and class, imported on their own
TOKENIZER_CLASSES: dict[str, tuple[str, str]] = {
    "marian": ("transformers.models.marian.tokenization_marian", "MarianTokenizer"),
    "MarianTokenizer": ("transformers.models.marian.tokenization_marian", "MarianTokenizer"),
    "bart": ("transformers.models.bart.tokenization_bart", "BartTokenizer"),
    "BartTokenizer": ("transformers.models.bart.tokenization_bart", "BartTokenizer"),
    "BartTokenizerFast": ("transformers.models.bart.tokenization_bart", "BartTokenizer"),
}


#: the names under which a Marian checkpoint's tokenizer can go without transformers (`MarianPieces`)
MARIAN = frozenset({"marian", "MarianTokenizer"})


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from the checkpoint folder; an absent file reads as empty."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def load_tokenizer(folder: Path) -> Any:
    """The checkpoint's tokenizer, imported by class (no torch); other architectures go through `AutoTokenizer`.

    A Marian checkpoint gets `MarianPieces` (sentencepiece only, the same ids) where it reproduces transformers'
    class exactly, else that class."""
    declared = read_json(folder / "tokenizer_config.json").get("tokenizer_class")
    name = declared or read_json(folder / "config.json").get("model_type", "")
    if name in MARIAN and (pieces := MarianPieces.read(folder)) is not None:
        return pieces  # the same ids on sentencepiece alone: transformers is never imported
    if name in TOKENIZER_CLASSES:
        module, cls = TOKENIZER_CLASSES[name]
        return getattr(importlib.import_module(module), cls).from_pretrained(folder)
    from transformers import AutoTokenizer  # imports torch: an architecture outside the registry's two

    return AutoTokenizer.from_pretrained(folder)


@dataclass(frozen=True)
class GenerationDefaults:
    """The generation settings the engines honour, as `transformers.GenerationConfig` reads them.

    From generation_config.json; a checkpoint without one (older hub models) keeps them in config.json.
    """

    max_length: int | None = None
    min_length: int | None = None
    num_beams: int | None = None
    no_repeat_ngram_size: int | None = None
    length_penalty: float | None = None
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None

    @classmethod
    def read(cls, folder: Path) -> GenerationDefaults:
        declared = read_json(folder / "generation_config.json")
        if not declared:
            declared = {k: v for k, v in read_json(folder / "config.json").items() if v is not None}
            if declared.get("force_bos_token_to_be_generated") and "forced_bos_token_id" not in declared:
                declared["forced_bos_token_id"] = declared.get("bos_token_id")
        return cls(**{f.name: declared.get(f.name) for f in fields(cls)})


def max_positions(folder: Path) -> int | None:
    """The model's position table size (config.json's max_position_embeddings), if it declares one."""
    value = read_json(folder / "config.json").get("max_position_embeddings")
    return int(value) if value else None
