"""Facts and disagreements: numeric claims per article (a count and its subject, who said it), grouped by
subject across a story, with the groups where outlets or sources state counts that cannot all be right flagged.

Pure functions of English text; the vocabulary (number words, subjects, qualifiers, attribution verbs) is data
in `facts.toml`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from ..text import segment

#: at most this many words between a number and its subject's noun ("five [Russian cruise] missiles")
GAP_WORDS = 2


@dataclass(frozen=True)
class Claim:
    """One count stated in one article."""

    subject: str
    statement: str  # the count as stated: "at least 10", "two", "several"
    low: int | None  # the range it allows (None: open or unknown)
    high: int | None
    outlet: str
    source: str | None  # who the article says said it
    sentence: str
    article_id: str


@dataclass(frozen=True)
class Fact:
    """The claims about one subject across a story; `disagreement` when two outlets or sources state counts that
    cannot both be right."""

    subject: str
    claims: tuple[Claim, ...]
    disagreement: bool

    @property
    def line(self) -> str:
        """'at least 10 injured (Telegraph); several injured (Daily Mail)'."""
        parts: list[str] = []
        for claim in self.claims:
            who = claim.outlet + (f", {claim.source}" if claim.source else "")
            part = f"{claim.statement} {self.subject} ({who})"
            if part not in parts:
                parts.append(part)
        return "; ".join(parts)


@dataclass(frozen=True)
class _Rules:
    numbers: dict[str, int]
    vague: tuple[str, ...]
    qualifiers: dict[str, str]
    people: tuple[str, ...]
    subjects: dict[str, dict[str, tuple[str, ...]]]
    said: tuple[str, ...]
    pronouns: tuple[str, ...]
    noun_claim: re.Pattern[str]
    verb_claim: re.Pattern[str]
    before_claim: re.Pattern[str]
    speaker: re.Pattern[str]


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def rules() -> _Rules:
    raw: dict[str, Any] = tomllib.loads(files("service.desk").joinpath("facts.toml").read_text("utf-8"))
    numbers = {k.lower(): int(v) for k, v in raw["numbers"].items()}
    vague = tuple(raw["vague"]["words"])
    qualifiers = dict(raw["qualifiers"])
    people = tuple(raw["people"]["words"])
    subjects = {name: {k: tuple(v) for k, v in spec.items()} for name, spec in raw["subjects"].items()}
    said = tuple(raw["attribution"]["verbs"])
    count = rf"(?<![\w-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_alt(numbers)}|{_alt(vague)})(?![\w-])"
    qualifier = rf"(?:(?P<q>{_alt(qualifiers)})\s+)?"
    number = rf"{qualifier}(?P<n>{count})"
    noun = _alt(w for s in subjects.values() for w in s.get("nouns", ()))
    verb = _alt(w for s in subjects.values() for w in s.get("verbs", ()))
    before = _alt(w for s in subjects.values() for w in s.get("before", ()))
    gap = rf"(?:[\w'-]+\s+){{0,{GAP_WORDS}}}?"
    person = rf"(?:\s+(?:{_alt(people)}))?"
    aux = r"(?:\s+(?:were|was|have\s+been|has\s+been|had\s+been|are|is|been|reportedly))*"
    who = r"(\b(?:[Tt]he\s+)?(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}|[a-z]+(?:'s|’s)?\s+[a-z]+|[a-z]+))"
    return _Rules(
        numbers=numbers,
        vague=vague,
        qualifiers=qualifiers,
        people=people,
        subjects=subjects,
        said=said,
        pronouns=tuple(raw["attribution"]["pronouns"]),
        noun_claim=re.compile(rf"\b{number}\s+{gap}(?P<s>{noun})\b", re.IGNORECASE),
        verb_claim=re.compile(rf"\b{number}{person}{aux}\s+(?P<s>{verb})\b", re.IGNORECASE),
        before_claim=re.compile(rf"\b(?P<s>{before})\s+{number}{person}\b", re.IGNORECASE),
        speaker=re.compile(rf"(?:according\s+to\s+{who}|{who},?\s+(?:{_alt(said)})\b|\b(?:{_alt(said)})\s+{who})"),
    )


def claims(text: str, outlet: str, article_id: str) -> list[Claim]:
    """Every count in `text`, attributed to `outlet` and, where the text says so, to who said it."""
    r = rules()
    found: list[Claim] = []
    last_named: str | None = None
    paragraphs: dict[int, list[str]] = {}
    sentences = segment(text, "en")
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
    for sentence in sentences:
        paragraph = " ".join(paragraphs[sentence.paragraph])
        source = _speaker(sentence.text, r, last_named)
        if source is None and _quoted(paragraph):  # a quote: who is named at its end speaks for all of it
            source = _speaker(paragraph, r, last_named)
        for claim in _counts(sentence.text, r):
            subject, statement, low, high = claim
            found.append(Claim(subject, statement, low, high, outlet, source, sentence.text, article_id))
        named = _speaker(sentence.text, r, None)
        if named is not None and named.lower() not in r.pronouns:
            last_named = named
    return found


def facts(found: Sequence[Claim]) -> list[Fact]:
    """Claims grouped by subject, in the order subjects first appear."""
    groups: dict[str, list[Claim]] = {}
    for claim in found:
        groups.setdefault(claim.subject, []).append(claim)
    result = []
    for subject, group in groups.items():
        disagree = any(
            (a.outlet, a.source) != (b.outlet, b.source) and _conflict(a, b)
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        )
        result.append(Fact(subject, tuple(group), disagreement=disagree))
    return result


def _conflict(a: Claim, b: Claim) -> bool:
    """Counts that cannot both be right as stated: ranges that do not meet ('five' and 'two'), or a number
    against a word that states none ('at least 10' and 'several'). 'At least two' and 'two' agree."""
    vague_a, vague_b = a.low is None and a.high is None, b.low is None and b.high is None
    if vague_a or vague_b:
        return vague_a != vague_b
    low = max(a.low if a.low is not None else 0, b.low if b.low is not None else 0)
    high = min(a.high if a.high is not None else 10**12, b.high if b.high is not None else 10**12)
    return low > high


def _counts(sentence: str, r: _Rules) -> list[tuple[str, str, int | None, int | None]]:
    out: list[tuple[str, str, int | None, int | None]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in ((r.verb_claim, "verbs"), (r.before_claim, "before"), (r.noun_claim, "nouns")):
        for match in pattern.finditer(sentence):
            span = match.span("n")
            if any(a <= span[0] < b for a, b in taken):
                continue
            subject = _subject(match.group("s"), kind, r)
            if subject is None:
                continue
            taken.append(span)
            qualifier = (match.group("q") or "").lower()
            number = " ".join(match.group("n").lower().split())
            value = _value(number, r)
            low, high = _bounds(value, r.qualifiers.get(" ".join(qualifier.split()), ""))
            statement = " ".join(f"{qualifier} {match.group('n')}".split())
            out.append((subject, statement[0].lower() + statement[1:], low, high))
    return out


def _subject(word: str, kind: str, r: _Rules) -> str | None:
    word = " ".join(word.lower().split())
    for name, spec in r.subjects.items():
        if word in spec.get(kind, ()):
            return name
    return None


def _value(number: str, r: _Rules) -> int | None:
    if number.replace(",", "").isdigit():
        return int(number.replace(",", ""))
    return r.numbers.get(number)


def _bounds(value: int | None, how: str) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    if how == "min":
        return value, None
    if how == "above":
        return value + 1, None
    if how == "max":
        return None, value
    return value, value


def _quoted(paragraph: str) -> bool:
    return paragraph.lstrip()[:1] in '"“‘«'


def _speaker(text: str, r: _Rules, last_named: str | None) -> str | None:
    """Who `text` says is speaking; a pronoun resolves to the last person named before."""
    for match in r.speaker.finditer(text):
        who = next(g for g in match.groups() if g)
        who = " ".join(who.split())
        lowered = who.lower()
        if lowered in r.pronouns:
            return last_named
        if lowered in {"it", "there", "this", "that", "which", "who"} or lowered in r.said:
            continue
        if lowered.startswith("the "):  # "the Kremlin" is the Kremlin; "The city's mayor" is the city's mayor
            return who[4:] if who[4:5].isupper() else "the " + who[4:]
        return who
    return None
