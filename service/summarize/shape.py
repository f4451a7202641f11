"""Turn any summarizer's sentences into the one shape every response has.

The paragraph, the key points and the headline each say something the others do not: key points are the
article's salient sentences that the paragraph does not already carry, and the headline is the article's title
or its lead compressed by rules (rules.toml beside this file), never a sentence cut off with "…".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..text import split_sentences
from .extractive import content_terms, textrank
from .styles import Style

Method = Literal["abstractive", "extractive"]

_COMPLETE = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_NORMALIZE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Summary:
    headline: str
    summary: str
    key_points: tuple[str, ...]
    word_count: int
    style: str
    method: Method
    model: str | None = None
    warnings: tuple[str, ...] = field(default=())
    chunks: int = 0  # model inputs in the first round (abstractive); 0 for extractive
    rounds: int = 0  # 1 = summarized whole, 2+ = map-reduce rounds; 0 for extractive


def is_complete(sentence: str) -> bool:
    """A sentence is whole when it ends in terminal punctuation (closing quotes allowed)."""
    return bool(_COMPLETE.search(sentence.strip()))


def whole_sentences(text: str) -> list[str]:
    """Complete sentences of `text` without repeats (case and punctuation ignored), in order."""
    seen: set[str] = set()
    kept = []
    for sentence in split_sentences(" ".join(text.split())):
        key = _NORMALIZE.sub(" ", sentence.lower()).strip()
        if not key or key in seen or not is_complete(sentence):
            continue
        seen.add(key)
        kept.append(sentence)
    return kept


def word_count(text: str) -> int:
    return len(text.split())


def fit(sentences: Iterable[str], style: Style) -> tuple[list[str], list[str]]:
    """Keep leading sentences within the style's word bounds; say so when bounds cannot be met."""
    kept: list[str] = []
    words = 0
    for sentence in sentences:
        length = word_count(sentence)
        if kept and words + length > style.max_words:
            break
        kept.append(sentence)
        words += length
    warnings = []
    if words > style.max_words:
        warnings.append(f"summary_long: its first sentence alone has {words} words (style max {style.max_words})")
    elif words < style.min_words:
        warnings.append(
            f"summary_short: {words} words, under the style's {style.min_words}; the source is short "
            "or the model stopped early"
        )
    return kept, warnings


@dataclass(frozen=True)
class _Rules:
    carried: float
    duplicate: float
    min_point_words: int
    speech_verbs: frozenset[str]
    attribution_openers: tuple[str, ...]
    subordinators: frozenset[str]
    min_clause_words: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = tomllib.loads((Path(__file__).with_name("shape.toml")).read_text(encoding="utf-8"))
    points, head = raw["key_points"], raw["headline"]
    return _Rules(
        carried=points["carried"],
        duplicate=points["duplicate"],
        min_point_words=points["min_words"],
        speech_verbs=frozenset(head["speech_verbs"]),
        attribution_openers=tuple(head["attribution_openers"]),
        subordinators=frozenset(head["subordinators"]),
        min_clause_words=head["min_clause_words"],
    )


def overlap(a: str, b: str) -> float:
    """Share of `a`'s content words that `b` has too (1.0: b says at least what a says, in words)."""
    terms = content_terms(a)
    return len(terms & content_terms(b)) / len(terms) if terms else 1.0


def key_points(article: Sequence[str], summary: Sequence[str], count: int) -> list[str]:
    """Up to `count` salient article sentences the summary does not carry, distinct by meaning, in article order.

    Salience is TextRank over the whole article; a sentence is carried when most of its content words are in
    the summary paragraph, and a duplicate when most of its (or the other's) content words are in a point already
    taken. Headings and captions (short, or without an end) are never points.
    """
    rules = _rules()
    paragraph = " ".join(summary)
    scores = textrank(article)
    chosen: list[int] = []
    for i in sorted(range(len(article)), key=lambda i: (-scores[i], i)):
        if len(chosen) == count:
            break
        sentence = article[i]
        if word_count(sentence) < rules.min_point_words or not is_complete(sentence):
            continue
        if overlap(sentence, paragraph) >= rules.carried:
            continue
        if any(max(overlap(sentence, article[j]), overlap(article[j], sentence)) >= rules.duplicate for j in chosen):
            continue
        chosen.append(i)
    return [article[i] for i in sorted(chosen)]


_CLAUSE_BREAK = re.compile(r"\s*(?:,|;|\s[–—-]|:)(?:\s+|$)")
#: "(...)" and "– ... –" asides
_ASIDE = re.compile(r"\s*\([^()]*\)|\s[–—]\s[^–—]+\s[–—](?=\s|$)")
_TRAILING = re.compile(r"""[\s.!?…,;:]+$""")
_QUOTES = '"“”«»„'


def headline(text: str, max_words: int, *, title: str | None = None) -> str:
    """The title when there is one, else `text` (the lead sentence) compressed: attribution and subordinate
    clauses dropped, cut only at a clause or phrase boundary, never mid-phrase with "…".

    The main clause is kept whole even when it alone is longer than `max_words`.
    """
    if title and title.strip():
        return _tidy(title)
    rules = _rules()
    text = _ASIDE.sub("", _strip_leading_attribution(text.strip(), rules))
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    clauses = [c for c in clauses if not _is_attribution(c, rules)] or clauses[:1]
    if len(clauses) > 1 and word_count(clauses[0]) < rules.min_clause_words and _subordinate(clauses[0], rules):
        clauses = clauses[1:]  # "On Monday, ..." / "In Kyiv, ..."
    kept = clauses[0]
    for clause in clauses[1:]:
        if _subordinate(clause, rules) or word_count(kept) + word_count(clause) > max_words:
            break
        kept = f"{kept}, {clause}"
    words = kept.split()
    if len(words) > max_words:  # "X happened after Y did Z on Monday": cut before the last phrase that fits
        cuts = [k for k in _phrase_starts(words, rules) if rules.min_clause_words <= k <= max_words]
        words = words[: max(cuts)] if cuts else words
    return _tidy(" ".join(words))


def _phrase_starts(words: list[str], rules: _Rules) -> list[int]:
    """Word positions where a subordinate clause or prepositional phrase starts, outside quotes."""
    starts, quoted = [], False
    for k, word in enumerate(words):
        if not quoted and word.lower() in rules.subordinators and word.lower() not in ("and", "but"):
            starts.append(k)
        quoted ^= sum(word.count(q) for q in _QUOTES) % 2 == 1
    return starts


def _strip_leading_attribution(text: str, rules: _Rules) -> str:
    """ "Police said on Monday that X" -> "X" (when X is still a clause)."""
    words = text.split()
    for k, word in enumerate(words[:8]):
        if word.lower().strip(",") in rules.speech_verbs:
            rest = words[k + 1 :]
            rest = rest[rest.index("that") + 1 :] if "that" in rest[:4] else rest
            if len(rest) >= rules.min_clause_words and any(w.lower() == "that" for w in words[k + 1 : k + 5]):
                return " ".join(rest)
            break
    return text


def _is_attribution(clause: str, rules: _Rules) -> bool:
    lowered = clause.lower().strip(_QUOTES + " .")
    words = lowered.split()
    if any(lowered.startswith(opener) for opener in rules.attribution_openers):
        return True
    # ", Kuleba said on Twitter" / ", said the mayor": a short clause around a speech verb
    return len(words) <= 8 and any(w.strip(",.") in rules.speech_verbs for w in words[:4])


def _subordinate(clause: str, rules: _Rules) -> bool:
    first = clause.split()[0].lower().strip(_QUOTES) if clause.split() else ""
    return first in rules.subordinators


def _tidy(text: str) -> str:
    text = _TRAILING.sub("", " ".join(text.split()))
    for opening, closing in (("“", "”"), ("«", "»"), ('"', '"')):
        if (text.count(opening) + text.count(closing)) % 2 or (opening == closing and text.count(opening) % 2):
            text = text.replace(opening, "").replace(closing, "")
    return (text[:1].upper() + text[1:]).strip()


def shape(
    sentences: list[str],
    style: Style,
    method: Method,
    *,
    article: Sequence[str] = (),
    model: str | None = None,
    title: str | None = None,
    warnings: Iterable[str] = (),
) -> Summary:
    """Build the uniform summary from already-whole, de-duplicated sentences (at least one).

    `article` is the article's own sentences, where key points come from; in the `bullets` style the points
    are the summary sentences themselves.
    """
    if not sentences:
        raise ValueError("a summary needs at least one whole sentence")
    kept, fit_warnings = fit(sentences, style)
    body = " ".join(kept)
    points = kept[: style.key_points] if style.name == "bullets" else key_points(article, kept, style.key_points)
    return Summary(
        headline=headline(kept[0], style.headline_max_words, title=title),
        summary=body,
        key_points=tuple(points),
        word_count=word_count(body),
        style=style.name,
        method=method,
        model=model,
        warnings=(*warnings, *fit_warnings),
    )
