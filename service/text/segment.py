"""Paragraphs and sentences, rule-based, so a translation model sees whole sentences.

Sentence boundaries are only ever placed between whitespace-separated words, so joining a
paragraph's sentences with single spaces always gives the paragraph back: no text is lost.
Abbreviations are data (abbreviations.toml), one table per language.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

__all__ = ["Sentence", "join_paragraphs", "paragraph_lines", "segment", "split_paragraphs", "split_sentences"]

_OPENERS = "\"'“‘«„‚‹([{¿¡"
_CLOSERS = "\"'”’»›)]}"
_QUOTES = "\"'”’»›"
_DASHES = "–—-"
_TERMINALS = ".!?…。！？‼⁇⁈⁉"
#: a line ending like this finishes its sentence, so the next line is not a hard-wrap continuation
_LINE_END = re.compile(r"[.!?:…][\"'”’»)\]]*$")
_INITIAL = re.compile(r"[^\W\d_]\.")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,4}\.){2,}")  # "N.Y.", "o.l.", "U.S.A." even when unlisted
_ORDINAL = re.compile(r"\d{1,3}\.")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # 0-based paragraph index
    index: int  # 0-based global sentence index, in reading order


@dataclass(frozen=True)
class _Abbreviations:
    never_final: frozenset[str]
    before_number: frozenset[str]
    maybe_final: frozenset[str]
    starters: frozenset[str]
    ordinals: bool


def paragraph_lines(lines: Sequence[str]) -> list[list[int]]:
    """Group line indices into paragraphs: one per non-empty line, hard-wrapped lines joined.

    A line continues the one before it when that one does not finish a sentence and this one
    starts with a lowercase letter. Blank lines always separate paragraphs. clean() uses the
    groups to know which input line a removal came from.
    """
    groups: list[list[int]] = []
    previous = ""  # last line of the open paragraph; "" after a blank line
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line and previous and line[0].islower() and not _LINE_END.search(previous):
            groups[-1].append(i)
        elif line:
            groups.append([i])
        previous = line
    return groups


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of `text`: each non-empty line, with hard-wrapped lines joined by a space."""
    lines = text.splitlines()
    return [" ".join(lines[i].strip() for i in group) for group in paragraph_lines(lines)]


def split_sentences(paragraph: str, lang: str = "en") -> list[str]:
    """Sentences of one paragraph, with their words joined by single spaces.

    `lang` picks the abbreviation table ("nb"/"nn" read as "no"); an unknown language gets
    the language-neutral rules, and "*" every table at once (fewest splits).
    """
    words = paragraph.split()
    rules = _abbreviations(lang)
    sentences: list[str] = []
    start = 0
    for i in range(len(words) - 1):
        if _ends_sentence(words[i], words[i + 1], rules):
            sentences.append(" ".join(words[start:i + 1]))
            start = i + 1
    if start < len(words):
        sentences.append(" ".join(words[start:]))
    return sentences


def segment(text: str, lang: str = "en") -> list[Sentence]:
    """Every sentence of `text` in reading order, with its paragraph."""
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(split_paragraphs(text)):
        for sentence in split_sentences(paragraph, lang):
            sentences.append(Sentence(sentence, number, len(sentences)))
    return sentences


def join_paragraphs(paragraphs: Iterable[Iterable[str]]) -> str:
    """Sentences joined by " ", paragraphs by a blank line; blank sentences and paragraphs dropped.

    Whitespace inside each sentence is normalised, so the result splits back cleanly.
    """
    blocks = (" ".join(" ".join(s.split()) for s in paragraph if s.strip()) for paragraph in paragraphs)
    return "\n\n".join(block for block in blocks if block)


def _ends_sentence(word: str, following: str, rules: _Abbreviations) -> bool:
    core = word.lstrip(_OPENERS)
    bare = core.rstrip(_CLOSERS)
    if not bare or bare[-1] not in _TERMINALS or not _starts_sentence(following):
        return False
    if bare[-1] != "." or bare.endswith(".."):
        return True  # ? ! … are final whenever a sentence can start next
    if len(bare) < len(core) and core[len(bare)] in _QUOTES:
        return True  # a closing quote after the period: “... over.” He said
    return _period_ends(bare, following, rules)


def _period_ends(word: str, following: str, rules: _Abbreviations) -> bool:
    """Whether `word` (ending in ".") ends its sentence, the next word looking like a start."""
    def listed(table: frozenset[str]) -> bool:
        return word in table or word[0].lower() + word[1:] in table

    if listed(rules.never_final):
        return False
    if listed(rules.before_number):
        return not following.lstrip(_OPENERS)[:1].isdigit()
    if rules.ordinals and _ORDINAL.fullmatch(word):
        return False
    if listed(rules.maybe_final) or _INITIAL.fullmatch(word) or _DOTTED.fullmatch(word):
        return following[0] in _OPENERS + _DASHES or following.rstrip(",;:") in rules.starters
    return True


def _starts_sentence(word: str) -> bool:
    """A capital (or caseless letter), a digit, or a dialogue dash: “– Jeg så ...”."""
    if word in _DASHES:
        return True
    bare = word.lstrip(_OPENERS + _DASHES)
    if not bare:
        return False
    first = bare[0]
    return first.isdigit() or (first.isalpha() and not first.islower())


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    return tomllib.loads(Path(__file__).with_name("abbreviations.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _abbreviations(lang: str) -> _Abbreviations:
    tables = _tables()
    key = lang.strip().lower().replace("_", "-").split("-")[0]
    key = tables["aliases"].get(key, key)
    names = [name for name in tables if name != "aliases"] if key == "*" else ["common", key]
    chosen = [tables[name] for name in names if name in tables and name != "aliases"]

    def merged(field: str) -> frozenset[str]:
        return frozenset(entry for table in chosen for entry in table.get(field, ()))

    return _Abbreviations(
        never_final=merged("never_final"),
        before_number=merged("before_number"),
        maybe_final=merged("maybe_final"),
        starters=merged("starters"),
        ordinals=any(table.get("ordinals", False) for table in chosen),
    )
