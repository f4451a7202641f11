"""Turn any summarizer's sentences into the one shape every response has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Literal

from ..text import split_sentences
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
        warnings.append(f"summary_short: {words} words, under the style's {style.min_words}; the source is short "
                        "or the model stopped early")
    return kept, warnings


def headline(text: str, max_words: int) -> str:
    """A headline: the given sentence without its full stop, cut at a word boundary if long."""
    words = text.strip().split()
    if len(words) > max_words:
        return " ".join(words[:max_words]).rstrip(",;:–-") + "…"
    return " ".join(words).rstrip(".")


def shape(sentences: list[str], style: Style, method: Method, *, model: str | None = None,
          title: str | None = None, warnings: Iterable[str] = ()) -> Summary:
    """Build the uniform summary from already-whole, de-duplicated sentences (at least one)."""
    if not sentences:
        raise ValueError("a summary needs at least one whole sentence")
    kept, fit_warnings = fit(sentences, style)
    body = " ".join(kept)
    return Summary(
        headline=headline(title or kept[0], style.headline_max_words),
        summary=body,
        key_points=tuple(kept[: style.key_points]),
        word_count=word_count(body),
        style=style.name,
        method=method,
        model=model,
        warnings=(*warnings, *fit_warnings),
    )
