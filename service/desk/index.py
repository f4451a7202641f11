"""The per-owner index the clusterer files against: story centroids, online document frequencies, and an
inverted index of terms, so filing looks only at stories that share an article's rarest terms.

Pure and in memory; `store.DeskStore` keeps it in step with the database (every change bumps the owner's
version, and an index behind it replays the memberships changed since).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..config import DeskSettings
from .features import Features

#: the article's rarest terms that pick the candidate stories
RARE_TERMS = 24
#: stories scored in full, those sharing the most rare terms first
MAX_CANDIDATES = 200
#: names and numbers shared are measured against at least this many, so one shared name is no proof
MIN_OVERLAP_BASE = 3


@dataclass
class StoryState:
    """A story as the index sees it: the sum of its members' unit vectors, their names and numbers."""

    weights: dict[int, float] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)
    norm: float = 0.0


@dataclass(frozen=True)
class Entry:
    """One filed article: where it is (None: taken out by an editor) and what it looked like."""

    story_id: str | None
    features: Features
    vector: dict[int, float]
    at: float


@dataclass(frozen=True)
class Match:
    story_id: str
    score: float


class OwnerIndex:
    def __init__(self) -> None:
        self.version = 0  # the owner's desk version this index reflects
        self.docs = 0
        self.df: Counter[int] = Counter()
        self.articles: dict[str, Entry] = {}
        self.stories: dict[str, StoryState] = {}
        self.postings: dict[int, Counter[str]] = {}  # term -> story id -> members with the term

    def idf(self, term: int) -> float:
        """scikit-learn's smoothed idf, over the documents filed so far."""
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, found: Features) -> dict[int, float]:
        weights = {term: tf * self.idf(term) for term, tf in found.counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {term: w / norm for term, w in weights.items()}

    def best(self, found: Features, at: float, settings: DeskSettings) -> Match | None:
        """The story scoring highest for this article within the time window, if it passes the threshold."""
        vector = self.vector(found)
        rare = sorted((t for t in vector if t in self.postings), key=lambda t: self.df.get(t, 0))[:RARE_TERMS]
        shared: Counter[str] = Counter()
        for term in rare:
            shared.update(self.postings[term].keys())
        window = settings.desk_window_hours * 3600
        best: Match | None = None
        for story_id, _ in shared.most_common(MAX_CANDIDATES):
            story = self.stories[story_id]
            if not story.times or max(story.times) < at - window or min(story.times) > at + window:
                continue
            score = self.score(vector, found, story, settings)
            if score >= settings.desk_threshold and (best is None or score > best.score):
                best = Match(story_id, score)
        return best

    @staticmethod
    def score(vector: dict[int, float], found: Features, story: StoryState, settings: DeskSettings) -> float:
        weights = story.weights
        cosine = sum(w * weights.get(t, 0.0) for t, w in vector.items()) / (story.norm or 1.0)
        return (
            settings.desk_text_weight * cosine
            + settings.desk_names_weight * _overlap(found.names, story.names)
            + settings.desk_numbers_weight * _overlap(found.numbers, story.numbers)
        )

    # -- changes ------------------------------------------------------------------------------------

    def put(self, article_id: str, story_id: str | None, found: Features, at: float) -> None:
        """File (or move) an article; its document counts once however often it moves."""
        old = self.articles.get(article_id)
        if old is not None:
            self._leave(old)
        else:
            self.docs += 1
            self.df.update(found.counts.keys())
        entry = Entry(story_id, found, self.vector(found), at)
        self.articles[article_id] = entry
        if story_id is not None:
            self._join(story_id, entry)

    def _join(self, story_id: str, entry: Entry) -> None:
        story = self.stories.setdefault(story_id, StoryState())
        for term, w in entry.vector.items():
            story.weights[term] = story.weights.get(term, 0.0) + w
            self.postings.setdefault(term, Counter())[story_id] += 1
        story.names.update(entry.features.names)
        story.numbers.update(entry.features.numbers)
        story.times.append(entry.at)
        story.norm = math.sqrt(sum(w * w for w in story.weights.values()))

    def _leave(self, entry: Entry) -> None:
        story_id = entry.story_id
        if story_id is None or story_id not in self.stories:
            return
        story = self.stories[story_id]
        for term, w in entry.vector.items():
            left = story.weights.get(term, 0.0) - w
            if left > 1e-9:
                story.weights[term] = left
            else:
                story.weights.pop(term, None)
            members = self.postings.get(term)
            if members is not None:
                members[story_id] -= 1
                if members[story_id] <= 0:
                    del members[story_id]
                if not members:
                    del self.postings[term]
        story.names.subtract(entry.features.names)
        story.numbers.subtract(entry.features.numbers)
        story.names = +story.names
        story.numbers = +story.numbers
        if entry.at in story.times:
            story.times.remove(entry.at)
        story.norm = math.sqrt(sum(w * w for w in story.weights.values()))
        if not story.times:
            del self.stories[story_id]


def _overlap(article: frozenset[str], story: Counter[str]) -> float:
    if not article or not story:
        return 0.0
    shared = sum(1 for item in article if item in story)
    return shared / max(min(len(article), len(story)), MIN_OVERLAP_BASE)
