"""What the clusterer compares: weighted terms (scikit-learn's hashing of words), capitalised names and numbers.

Pure functions of the English text. Terms are hashed (`HashingVectorizer`) so no vocabulary has to be fitted
or kept in step between processes; the weighting is TF-IDF with document frequencies the index counts online.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn (about 80 MB) is imported on first use: a server that never files pays nothing
    from sklearn.feature_extraction.text import HashingVectorizer

#: hashed term space; collisions at 2^20 are rare enough not to matter for similarity
N_FEATURES = 2**20
#: the first characters of an article carry its event; long live blogs drift into other news further down
MAX_CHARS = 3000
#: the lead (its first characters) says what happened: its terms count this many times more
LEAD_CHARS = 600
LEAD_BOOST = 3

_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*)*")
_NUMBER = re.compile(r"(?<![\w.,-])\d{1,3}(?:,\d{3})+(?![\w-])|(?<![\w.,-])\d+(?:\.\d+)?(?![\w-])")
#: what may precede a sentence's first word
_SENTENCE_END = frozenset('.!?:"“”‘’\n')
#: capitalised words that name nothing (features.toml)
_NOT_NAMES = frozenset(tomllib.loads(files("service.desk").joinpath("features.toml").read_text("utf-8"))["not_names"])


@dataclass(frozen=True)
class Features:
    """One article as the clusterer sees it."""

    counts: Mapping[int, float]  # hashed term -> sublinear term frequency (1 + ln tf)
    names: frozenset[str]
    numbers: frozenset[str]


@lru_cache(maxsize=1)
def _hasher() -> HashingVectorizer:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        stop_words="english",
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
    )


def features(text: str) -> Features:
    text = text[:MAX_CHARS]
    rows = _hasher().transform([text, text[:LEAD_CHARS]])
    raw = rows[0] + LEAD_BOOST * rows[1]
    counts = {int(i): 1.0 + math.log(float(v)) for i, v in zip(raw.indices, raw.data)}
    return Features(counts, names(text), numbers(text))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def names(text: str) -> frozenset[str]:
    """Capitalised names (runs of capitalised words), lower-cased; a lone word that opens a sentence is skipped,
    since every sentence opens with a capital."""
    found = set()
    for match in _NAME.finditer(text):
        words = [w for w in match.group().split() if w not in _NOT_NAMES]
        if not words:
            continue
        before = text[max(0, match.start() - 4) : match.start()].rstrip()
        if len(words) == 1 and match.group() == words[0] and (not before or before[-1] in _SENTENCE_END):
            continue
        if words[0].lower() in _stop_words():
            continue
        found.add(" ".join(words).lower())
    return frozenset(found)


def numbers(text: str) -> frozenset[str]:
    """Numbers as written, without thousands separators; one-digit numbers say too little to count."""
    return frozenset(n for n in (m.group().replace(",", "") for m in _NUMBER.finditer(text)) if len(n) > 1)
