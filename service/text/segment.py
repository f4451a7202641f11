"""Paragraphs and sentences, rule-based, so a translation model sees whole sentences.

Sentence boundaries are only ever placed between whitespace-separated words, so joining a
paragraph's sentences with single spaces always gives the paragraph back: no text is lost.
Abbreviations and titles are data (abbreviations.toml), one table per served language; the
rules here are language-neutral: terminal punctuation, quotes („…“, ,,…'', «…»), dialogue dashes,
initials, spaced ellipses (". . .") and numbered or bulleted lists written inline.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Sentence", "join_paragraphs", "paragraph_lines", "segment", "split_paragraphs", "split_sentences"]

_OPENERS = "\"'“‘«„‚‹([{¿¡"
_CLOSERS = "\"'”’“‘»›)]}"  # “ ‘ close German „…“ and ‚…‘
_QUOTES = "\"'”’“‘»›"
_DASHES = "–—-"
_BULLETS = "•‣⁃◦▪●■►▸"
_TERMINALS = ".!?…。！？‼⁇⁈⁉"
#: a line ending like this finishes its sentence, so the next line is not a hard-wrap continuation
_LINE_END = re.compile(r"[.!?:…][\"'”’»)\]]*$")
_LEAD = re.compile(r"(?:,,|[\"'“‘«„‚‹(\[{¿¡])+")  # opening quotes and brackets, Dutch ,, too
_LEAD_OR_DASH = re.compile(r"(?:,,|[\"'“‘«„‚‹(\[{¿¡–—-])+")
_ELISION = re.compile(r"[^\W\d_]{1,5}['’](?=[^\W\d_]{2})")  # "l'Avv.", "dell’Ing.", not "didn't."
_ELLIPSIS_OPENING = re.compile(r"(?:\.\.\.|…)[^\W\d_]")  # "...en toen barste de hel los."
_OMISSIONS = ("[...]", "[…]", "(...)", "(…)")  # an elided quotation, never final
_INITIAL = re.compile(r"[^\W\d_]\.")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,4}\.){2,}")  # "N.Y.", "o.l.", "U.S.A." even when unlisted
_ORDINAL = re.compile(r"\d{1,3}\.")
_MARKER = re.compile(r"(?:(\d{1,3})|([a-z]))(\.\)|\.|\))")  # "1.", "2)", "3.)", "a."
_TABLES = ("never_final", "after_number", "before_number", "maybe_final")
_NUMBER = re.compile(r"[\d.,:/–-]*\d\.?|[IVXLC]+")  # "1998", "2010-2012", "48,8", "19.", "XIX"


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # 0-based paragraph index
    index: int  # 0-based global sentence index, in reading order


@dataclass(frozen=True)
class _Abbreviations:
    never_final: frozenset[str]
    after_number: frozenset[str]
    before_number: frozenset[str]
    maybe_final: frozenset[str]
    starters: frozenset[str]
    ordinals: bool
    #: multi-word entries ("z. B.", "Dr. med."), by each of their words: (words, position, table)
    phrases: dict[str, tuple[tuple[tuple[str, ...], int, str], ...]]


@dataclass(frozen=True)
class _Marker:
    """An inline list item's marker ("1.", "b)"), so the next one ("2.", "c)") starts a sentence."""

    index: int  # of the marker word
    value: int
    letter: bool
    style: str


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
    marker = _item_marker(words, start)
    for i in range(len(words) - 1):
        if _breaks(words, i, marker, rules):
            sentences.append(" ".join(words[start : i + 1]))
            start = i + 1
            marker = _item_marker(words, start)
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


def _breaks(words: list[str], i: int, marker: _Marker | None, rules: _Abbreviations) -> bool:
    """Whether the sentence holding words[i] ends there; `marker` opens that sentence, if any."""
    if words[i + 1][0] in _BULLETS:
        return True  # "• 9. The first item • 10. The second item"
    if marker is not None:
        if i == marker.index:
            return False  # "1. The first item"
        if _continues_list(marker, words, i + 1, rules):
            return True  # "1. The first item 2. The second item"
    return _ends_sentence(words, i, rules)


def _ends_sentence(words: list[str], i: int, rules: _Abbreviations) -> bool:
    word = words[i]
    if words[i + 1] == "." or word == ".":
        return _spaced_dots(words, i, rules)
    if word.rstrip("\"'”’“‘»›,;:").endswith(_OMISSIONS):
        return False  # "stairways [...]" (Smith 55)
    core = _after(_LEAD, word)
    bare = core.rstrip(_CLOSERS)
    if not bare or bare[-1] not in _TERMINALS or not _starts_sentence(words, i + 1):
        return False
    if bare[-1] != "." or bare.endswith(".."):
        return True  # ? ! … are final whenever a sentence can start next
    if len(bare) < len(core) and core[len(bare)] in _QUOTES:
        return True  # a closing quote after the period: “... over.” He said
    return _period_ends(words, i, i + 1, rules)


def _spaced_dots(words: list[str], i: int, rules: _Abbreviations) -> bool:
    """Lone periods: ". . ." is an ellipsis inside a sentence; ". . . ." (or a period and then
    ". . .") ends one; a single lone period ends one like any other."""
    if words[i + 1] == ".":
        run = _dot_run(words, i + 1, 1)
        after = i + 1 + run
        word = words[i].rstrip(_CLOSERS)
        return (
            run == 3
            and after < len(words)
            and word.endswith(".")
            and not word.endswith("..")
            and word != "."
            and _starts_sentence(words, after)
            and _period_ends(words, i, after, rules)
        )
    run = _dot_run(words, i, -1)
    return run != 3 and _starts_sentence(words, i + 1)


def _dot_run(words: list[str], i: int, step: int) -> int:
    run = 0
    while 0 <= i < len(words) and words[i] == ".":
        run, i = run + 1, i + step
    return run


def _period_ends(words: list[str], i: int, following: int, rules: _Abbreviations) -> bool:
    """Whether words[i] (ending in ".") ends its sentence, words[following] looking like a start."""
    tables = _listed_in(words, i, rules)
    if "never_final" in tables:
        return False
    if "before_number" in tables and _key(words[following])[:1].isdigit():
        return False
    if "after_number" in tables and not (i > 0 and _NUMBER.fullmatch(_key(words[i - 1]))):
        return False  # "г. Москва" (city), but "в 1998 г." (year) may end
    key = _key(words[i])
    if rules.ordinals and _ORDINAL.fullmatch(key):
        return False
    if tables & {"after_number", "maybe_final"} or _INITIAL.fullmatch(key) or _DOTTED.fullmatch(key):
        nxt = words[following]
        opens_quote = (nxt[0] in _OPENERS and nxt[0] not in "([{") or nxt.startswith(",,")
        return opens_quote or nxt[0] in _DASHES or nxt.rstrip(",;:") in rules.starters
    return True


def _listed_in(words: list[str], i: int, rules: _Abbreviations) -> set[str]:
    """The abbreviation tables words[i] is in; a multi-word entry counts first, its inner words
    never final."""
    key = _key(words[i])
    for variant in {key, _lowered(key)}:
        for phrase, position, table in rules.phrases.get(variant, ()):
            first = i - position
            if first < 0 or first + len(phrase) > len(words):
                continue
            if all(_matches(_key(words[first + k]), part) for k, part in enumerate(phrase)):
                return {table if position == len(phrase) - 1 else "never_final"}
    return {table for table in _TABLES if _matches(key, getattr(rules, table))}


def _key(word: str) -> str:
    """A word as the tables list it: no quotes or brackets around it, no elided article ("l'Avv.")."""
    core = _after(_LEAD, word)
    key = _after(_ELISION, core).rstrip(_CLOSERS)
    return key[:-1] if key.endswith("..") and not key.endswith("...") else key  # "UU.." is "UU."


def _after(leading: re.Pattern[str], word: str) -> str:
    """`word` without what `leading` matches at its start."""
    match = leading.match(word)
    return word[match.end() :] if match else word


def _lowered(key: str) -> str:
    """A capitalised entry ("Bl.a.") as listed mid-sentence; single letters are initials, left alone."""
    return key[0].lower() + key[1:] if len(key) > 2 else key


def _matches(key: str, entries: frozenset[str] | str) -> bool:
    """Whether `key` is the entry (or one of the entries), as written or with a capital."""
    if isinstance(entries, str):
        return key == entries or _lowered(key) == entries
    return key in entries or _lowered(key) in entries


def _starts_sentence(words: list[str], j: int) -> bool:
    """A capital (or caseless letter), a digit, an ellipsis before a word, or a dialogue dash
    before anything but a lowercase word: “– Jeg så ...”, not “– spurte hun”."""
    word = words[j]
    if word in _DASHES:
        after = _after(_LEAD_OR_DASH, words[j + 1]) if j + 1 < len(words) else ""
        return not after[:1].islower()
    bare = _after(_LEAD_OR_DASH, word)
    if _ELLIPSIS_OPENING.match(bare):
        return True
    if not bare:
        return False
    first = bare[0]
    return first.isdigit() or (first.isalpha() and not first.islower())


def _item_marker(words: list[str], start: int) -> _Marker | None:
    """The list marker opening the sentence at words[start] ("1.", "• 9.", "a)"), if any."""
    index = start + 1 if start + 1 < len(words) and not words[start].strip(_BULLETS) else start
    if index + 1 >= len(words):
        return None
    marker = _parse_marker(words[index], index)
    return marker if marker is not None and _starts_sentence(words, index + 1) else None


def _parse_marker(word: str, index: int) -> _Marker | None:
    match = _MARKER.fullmatch(word.lstrip(_BULLETS))
    if match is None:
        return None
    number, letter, style = match.groups()
    return _Marker(index, int(number) if number else ord(letter), not number, style)


def _continues_list(marker: _Marker, words: list[str], j: int, rules: _Abbreviations) -> bool:
    """Whether words[j] is the next marker of the list `marker` opened ("2." after "1.").

    Where "2." may be an ordinal ("den 2. Weltkrieg"), the word after it must be a sentence opener.
    """
    following = _parse_marker(words[j], j)
    if (
        following is None
        or j + 1 >= len(words)
        or following.letter != marker.letter
        or following.style != marker.style
        or following.value != marker.value + 1
    ):
        return False
    if not _starts_sentence(words, j + 1):
        return False
    return not (rules.ordinals and following.style == ".") or words[j + 1].rstrip(",;:") in rules.starters


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
        return frozenset(entry for table in chosen for entry in table.get(field, ()) if " " not in entry)

    phrases: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
    for field in _TABLES:
        for entry in {entry for table in chosen for entry in table.get(field, ()) if " " in entry}:
            parts = tuple(entry.split())
            for position, part in enumerate(parts):
                phrases.setdefault(part, []).append((parts, position, field))
    return _Abbreviations(
        never_final=merged("never_final"),
        after_number=merged("after_number"),
        before_number=merged("before_number"),
        maybe_final=merged("maybe_final"),
        starters=merged("starters"),
        ordinals=any(table.get("ordinals", False) for table in chosen),
        phrases={part: tuple(sorted(found)) for part, found in phrases.items()},
    )
