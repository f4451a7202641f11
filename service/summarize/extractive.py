"""TextRank: rank an article's own sentences by how much they share with the rest. No model."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
#: function words carry no topic; a short list is enough for similarity between sentences
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "this",
        "from",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "been",
        "but",
        "not",
        "his",
        "her",
        "its",
        "their",
        "they",
        "them",
        "who",
        "which",
        "what",
        "when",
        "where",
        "while",
        "into",
        "after",
        "before",
        "about",
        "over",
        "also",
        "than",
        "then",
        "there",
        "said",
        "says",
        "would",
        "could",
        "should",
        "will",
        "can",
        "one",
        "two",
        "more",
        "most",
        "some",
        "such",
        "only",
        "other",
        "any",
        "all",
        "out",
        "our",
        "you",
        "your",
        "she",
        "him",
    ]
)
_DAMPING = 0.85
_ITERATIONS = 100
_TOLERANCE = 1e-9


def content_terms(sentence: str) -> set[str]:
    """Lower-cased words of 3+ letters that are not function words: what a sentence is about."""
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(sentence)) if w not in _STOPWORDS}


def textrank(sentences: Sequence[str]) -> list[float]:
    """One score per sentence (higher = more central), by PageRank over word-overlap similarity.

    Similarity is Mihalcea & Tarau's: shared terms / (log|A| + log|B|).
    """
    import numpy as np  # with the first extractive summary: a translation-only server never loads it (12 MB)

    n = len(sentences)
    if n == 0:
        return []
    terms = [content_terms(s) for s in sentences]
    weights = np.zeros((n, n))
    for i in range(n):
        if len(terms[i]) < 2:
            continue
        for j in range(i + 1, n):
            shared = len(terms[i] & terms[j])
            if shared and len(terms[j]) > 1:
                weights[i, j] = weights[j, i] = shared / (math.log(len(terms[i])) + math.log(len(terms[j])))
    out_sums = weights.sum(axis=1)
    # row-normalized transitions; a sentence linked to nothing spreads its score evenly
    transitions = np.where(out_sums[:, None] > 0, weights / np.where(out_sums > 0, out_sums, 1)[:, None], 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(_ITERATIONS):
        new = (1 - _DAMPING) / n + _DAMPING * transitions.T @ scores
        if np.abs(new - scores).max() < _TOLERANCE:
            scores = new
            break
        scores = new
    return scores.tolist()


def select(sentences: Sequence[str], min_words: int, max_words: int) -> list[int]:
    """Indices of the best sentences that fit in `max_words`, in article order.

    The top sentence is always taken (whole sentences only, even if it alone is longer). A
    sentence that does not fit is skipped only while the summary is still under `min_words`:
    past that, filling the gap with low-ranked short sentences would dilute it.
    Ties go to the earlier sentence: news puts the lead first.
    """
    scores = textrank(sentences)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    words = 0
    for i in ranked:
        length = len(sentences[i].split())
        if chosen and words + length > max_words:
            if words >= min_words:
                break
            continue
        chosen.append(i)
        words += length
    return sorted(chosen)
