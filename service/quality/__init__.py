"""Fidelity checks: numbers, dates, names and shape compared between a source and its translation or summary.

Pure text functions with their rules as data (numbers.toml, rules.toml); nothing here loads a model.
"""

from .extract import Mention, mentions, name_mentions, numeric_mentions, skeleton
from .fidelity import KINDS, Flag, check_pair, check_summary, check_translation, needs_review, same_name

__all__ = [
    "KINDS",
    "Flag",
    "Mention",
    "check_pair",
    "check_summary",
    "check_translation",
    "mentions",
    "name_mentions",
    "needs_review",
    "numeric_mentions",
    "same_name",
    "skeleton",
]
