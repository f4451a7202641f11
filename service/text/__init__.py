"""The pure-text layer: clean raw articles, split them into paragraphs and sentences, and pack
sentences into model-sized chunks. No model imports; every function is pure."""

from .chunk import Chunk, CountTokens, Piece, collapse_repeats, pack, reassemble
from .clean import CleanResult, Removal, clean
from .segment import Sentence, join_paragraphs, segment, split_paragraphs, split_sentences

__all__ = [
    "Chunk",
    "CleanResult",
    "CountTokens",
    "Piece",
    "Removal",
    "Sentence",
    "clean",
    "collapse_repeats",
    "join_paragraphs",
    "pack",
    "reassemble",
    "segment",
    "split_paragraphs",
    "split_sentences",
]
