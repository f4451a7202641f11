"""A story's brief: salient sentences taken from every member in turn, so no outlet dominates, then summarized
in the uniform summary shape (abstractive when the summarizer is present, extractive otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..summarize import Summary
from ..summarize.shape import is_complete
from ..text import segment

#: Summarize the selected sentences (with a headline hint) into the uniform shape.
Summarize = Callable[[str, str | None], Summary]

#: shorter sentences are datelines, captions and headings, not brief material
MIN_WORDS = 6
#: a sentence sharing this much of its words with one already picked says nothing new
MAX_OVERLAP = 0.5


@dataclass(frozen=True)
class Source:
    """One member's text as the brief reads it."""

    outlet: str
    text: str
    headline: str | None


def select(sources: Sequence[Source], count: int) -> list[tuple[int, str]]:
    """(member index, sentence): each member's most central sentences, taken round-robin across members."""
    ranked: list[list[str]] = []
    for source in sources:
        sentences = [s.text for s in segment(source.text, "en")]
        ranked.append([s for s in sentences if is_complete(s) and len(s.split()) >= MIN_WORDS])
    pool = [s for sentences in ranked for s in sentences]
    if not pool:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer  # on first use: see features.py

    matrix = TfidfVectorizer(stop_words="english").fit_transform(pool)
    centroid = matrix.mean(axis=0).A1
    scores = matrix @ centroid
    score = dict(zip(pool, scores))
    for i, sentences in enumerate(ranked):  # most central first, ties in article order
        ranked[i] = sorted(sentences, key=lambda s: -score[s])
    picked: list[tuple[int, str]] = []
    seen: list[set[str]] = []
    position = [0] * len(ranked)
    while len(picked) < count and any(position[i] < len(r) for i, r in enumerate(ranked)):
        for i, sentences in enumerate(ranked):
            while position[i] < len(sentences):
                sentence = sentences[position[i]]
                position[i] += 1
                words = set(sentence.lower().split())
                if all(len(words & other) / max(1, min(len(words), len(other))) < MAX_OVERLAP for other in seen):
                    picked.append((i, sentence))
                    seen.append(words)
                    break
            if len(picked) >= count:
                break
    return picked


def brief(sources: Sequence[Source], count: int, summarize: Summarize) -> tuple[Summary | None, list[tuple[int, str]]]:
    """The story's summary over the round-robin sentences, and those sentences (the key points' material)."""
    picked = select(sources, count)
    if not picked:
        return None, []
    headline = next((s.headline for s in sources if s.headline), None)
    return summarize(" ".join(sentence for _, sentence in picked), headline), picked
