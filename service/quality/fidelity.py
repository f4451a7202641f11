"""Flags for translations and summaries a reader should check: numbers, dates, names, copies, odd lengths.

Pure functions over text: no model is consulted, so a flag is a reason to look, not a verdict. Every flag
names the sentence, what kind of problem it is, and the spans on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..text import split_paragraphs, split_sentences
from .extract import Mention, name_mentions, numeric_mentions, skeleton, tokens
from .lexicon import rules

__all__ = ["KINDS", "Flag", "check_pair", "check_summary", "check_translation", "needs_review", "same_name"]

#: every kind a Flag can have
KINDS = (
    "number_changed",
    "number_dropped",
    "number_added",
    "unit_changed",
    "date_changed",
    "date_dropped",
    "date_added",
    "time_changed",
    "time_dropped",
    "time_added",
    "name_changed",
    "name_dropped",
    "name_added",
    "untranslated",
    "length_ratio",
    "repetition",
    "unsupported_number",
    "unsupported_date",
    "unsupported_time",
    "unsupported_name",
)
_LOWER_WORD = re.compile(r"\b[^\W\d_]{3,}\b")


@dataclass(frozen=True)
class Flag:
    sentence: int  # index of the sentence (or chunk) in what was checked
    kind: str  # one of KINDS
    source: str | None  # the span in the source (None: nothing there, e.g. an invented number)
    target: str | None  # the span in the output (None: nothing there, e.g. a dropped name)
    detail: str  # one line for a human


def needs_review(flags: Sequence[Flag]) -> bool:
    return bool(flags)


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name (transliteration, inflection): Klitschko/Klytschko, Kyiv/Kiev, Ukrainas/Ukraine."""
    r = rules()
    x, y = skeleton(a), skeleton(b)
    if not x or not y:
        return False
    if x == y or SequenceMatcher(None, x, y).ratio() >= r.name_similarity:
        return True
    prefix = len(_common_prefix(x, y))
    return prefix >= r.name_min_prefix and prefix >= r.name_prefix_share * min(len(x), len(y))


def _common_prefix(x: str, y: str) -> str:
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return x[:n]


def check_translation(
    pairs: Sequence[tuple[str, str]],
    source_lang: str,
    *,
    repeat_guarded: Collection[int] = (),
    sentences: Sequence[int] | None = None,
) -> list[Flag]:
    """Flags for each (source, English) pair, in order.

    `repeat_guarded` are positions in `pairs` whose output the repetition guard cut; `sentences` maps a
    position to the sentence index reported in its flags (default: the position itself).
    """
    if sentences is not None and len(sentences) != len(pairs):
        raise ValueError(f"{len(pairs)} pairs but {len(sentences)} sentence indices")
    flags: list[Flag] = []
    for position, (source, target) in enumerate(pairs):
        index = sentences[position] if sentences is not None else position
        flags.extend(check_pair(source, target, source_lang, index, repeat_guarded=position in repeat_guarded))
    return flags


def check_pair(
    source: str, target: str, source_lang: str, index: int = 0, *, repeat_guarded: bool = False
) -> list[Flag]:
    """Flags for one source sentence and its English translation."""
    flags = _compare_numeric(numeric_mentions(source, source_lang), numeric_mentions(target, "en"), index)
    flags += _compare_names(source, target, source_lang, index)
    flags += _shape_flags(source, target, index)
    if repeat_guarded:
        flags.append(
            Flag(
                index,
                "repetition",
                source,
                target,
                "the output looped and the repetition guard cut it: part of the sentence may be missing",
            )
        )
    return flags


def check_summary(summary_text: str, article_text: str) -> list[Flag]:
    """Numbers, dates, times and names in an English summary that the English article does not support.

    `sentence` is the index of the summary sentence; `source` is always None (nothing in the article).
    """
    article = numeric_mentions(article_text, "en")
    article_keys = frozenset().union(*(m.keys for m in article)) if article else frozenset()
    article_words = [t.text for t in tokens(article_text) if t.kind == "word"]
    flags: list[Flag] = []
    for index, sentence in enumerate(_sentences(summary_text)):
        for m in numeric_mentions(sentence, "en"):
            if not m.weak and not (m.keys & article_keys):
                flags.append(
                    Flag(index, f"unsupported_{m.kind}", None, m.text, f"{m.kind} {m.text!r} is not in the article")
                )
        for m in name_mentions(sentence, "en"):
            if not any(same_name(m.text, w) for w in article_words):
                flags.append(Flag(index, "unsupported_name", None, m.text, f"name {m.text!r} is not in the article"))
    return flags


def _sentences(text: str) -> list[str]:
    return [s for paragraph in split_paragraphs(text) for s in split_sentences(paragraph, "en")]


def _compare_numeric(source: list[Mention], target: list[Mention], index: int) -> list[Flag]:
    target_keys = frozenset().union(*(m.keys for m in target)) if target else frozenset()
    source_keys = frozenset().union(*(m.keys for m in source)) if source else frozenset()
    dropped = [m for m in source if not m.weak and not (m.keys & target_keys)]
    added = [m for m in target if not m.weak and not (m.keys & source_keys)]
    flags: list[Flag] = []
    for kind in ("number", "date", "time"):
        lost = [m for m in dropped if m.kind == kind]
        new = [m for m in added if m.kind == kind]
        for a, b in zip(lost, new):  # one gone and one new in the same sentence: most likely the same, changed
            flags.append(Flag(index, f"{kind}_changed", a.text, b.text, f"{kind} {a.text!r} became {b.text!r}"))
        for a in lost[len(new) :]:
            flags.append(Flag(index, f"{kind}_dropped", a.text, None, f"{kind} {a.text!r} is not in the translation"))
        for b in new[len(lost) :]:
            flags.append(Flag(index, f"{kind}_added", None, b.text, f"{kind} {b.text!r} is not in the source"))
    for a in source:  # kept value, other unit: "10 mil" (Scandinavian miles) -> "10 miles"
        if a.kind != "number" or a.unit is None:
            continue
        partners = [b for b in target if b.kind == "number" and b.keys & a.keys]
        if partners and all(b.unit is not None and b.unit != a.unit for b in partners):
            flags.append(
                Flag(
                    index,
                    "unit_changed",
                    a.text + f" ({a.unit})",
                    partners[0].text + f" ({partners[0].unit})",
                    f"{a.text!r} is in {a.unit} but the translation says {partners[0].unit}",
                )
            )
    return flags


def _compare_names(source: str, target: str, source_lang: str, index: int) -> list[Flag]:
    source_names, target_names = name_mentions(source, source_lang), name_mentions(target, "en")
    source_words = [t.text for t in tokens(source) if t.kind == "word"]
    target_words = [t.text for t in tokens(target) if t.kind == "word"]
    dropped = [m for m in source_names if not any(same_name(m.text, w) for w in target_words)]
    added = [m for m in target_names if not any(same_name(m.text, w) for w in source_words)]
    flags = [
        Flag(index, "name_changed", a.text, b.text, f"name {a.text!r} became {b.text!r}")
        for a, b in zip(dropped, added)
    ]
    flags += [
        Flag(index, "name_dropped", a.text, None, f"name {a.text!r} is not in the translation")
        for a in dropped[len(added) :]
    ]
    flags += [
        Flag(index, "name_added", None, b.text, f"name {b.text!r} is not in the source") for b in added[len(dropped) :]
    ]
    return flags


def _shape_flags(source: str, target: str, index: int) -> list[Flag]:
    r = rules()
    flags: list[Flag] = []
    src, tgt = " ".join(source.split()), " ".join(target.split())
    words = _LOWER_WORD.findall(tgt)
    lower = [w for w in words if w[0].islower()]
    source_words = {w.lower() for w in _LOWER_WORD.findall(src)}
    shared = sum(w.lower() in source_words for w in lower)
    copied = (src.casefold() == tgt.casefold() and len(words) >= 2) or (
        len(lower) >= r.untranslated_min_words and shared / len(lower) >= r.untranslated_max_shared
    )
    if copied:
        flags.append(
            Flag(
                index,
                "untranslated",
                source,
                target,
                f"{shared} of {len(lower)} words of the output are the source's own: not translated",
            )
        )
    if len(src) >= r.length_min_chars:
        ratio = len(tgt) / len(src)
        low, high = r.length_band
        if not low <= ratio <= high:
            flags.append(
                Flag(
                    index,
                    "length_ratio",
                    source,
                    target,
                    f"the output is {ratio:.2f}x the source's length (normal: {low}-{high})",
                )
            )
    return flags
