"""Numbers, dates, times and names in one sentence of one language, as comparable mentions.

A mention carries every reading its surface allows ("1.000" is a thousand in Oslo and one in London), as keys
("num:1000", "num:1", "month:5", "time:14:30"); two mentions agree when their keys meet, so a translation that
moves between locale formats, digits and words ("seks" / "six" / "6") agrees with its source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from .lexicon import Language, language, rules

Kind = Literal["number", "date", "time", "name"]

__all__ = ["Kind", "Mention", "Token", "mentions", "name_mentions", "numeric_mentions", "skeleton", "tokens"]

_GROUP_SEPARATORS = " \u00a0\u202f\u2009"
_TOKEN = re.compile(
    r"(?P<date>\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b(?![.,]\d))"
    r"|(?P<time>\b\d{1,2}:\d{2}\b|\b\d{1,2}h\d{2}\b)"
    r"|(?P<num>\d{1,3}(?:(?:[.,]|[ \u00a0\u202f\u2009])\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<sym>[^\w\s])"
)
_MERIDIEM = re.compile(r"\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
#: after one of these (and whitespace) a capital letter starts a sentence, a quote or a list item
_BOUNDARY = set(".!?:;\"“”«»„‚‘’'–—(•*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    kind: Literal["date", "time", "num", "word", "sym"]


@dataclass(frozen=True)
class Mention:
    kind: Kind
    text: str  # the span as written
    start: int
    end: int
    keys: frozenset[str]  # readings; names: their skeleton
    weak: bool = False  # matched when it can be, never flagged when it cannot ("en" = "a" or "one")
    unit: str | None = None  # canonical unit after a number ("percent", "km")


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), m.lastgroup) for m in _TOKEN.finditer(text)]  # type: ignore[arg-type]


def _num_key(value: Decimal) -> str:
    return f"num:{value.normalize():f}" if value == value.to_integral_value() else f"num:{value.normalize()}"


def readings(raw: str) -> set[Decimal]:
    """Every value a digit string can mean: "1.000" -> {1000, 1}, "1.000,5" -> {1000.5}, "2,5" -> {2.5}."""
    compact = "".join(c for c in raw if c not in _GROUP_SEPARATORS)
    grouped_by_space = compact != raw
    marks = [c for c in compact if c in ".,"]
    try:
        if not marks:
            return {Decimal(compact)}
        if len(set(marks)) == 2:  # "1.000,5" / "1,000.5": the last mark is the decimal one
            point = compact[compact.rfind(marks[-1]) + 1 :]
            whole = "".join(c for c in compact[: compact.rfind(marks[-1])] if c.isdigit())
            return {Decimal(f"{whole}.{point}")}
        if len(marks) > 1 or grouped_by_space:  # "1.000.000", "300 000,5"
            if grouped_by_space and len(marks) == 1:
                whole, _, point = compact.partition(marks[0])
                return {Decimal(f"{whole}.{point}")}
            return {Decimal(compact.replace(marks[0], ""))}
        whole, _, point = compact.partition(marks[0])
        values = {Decimal(f"{whole}.{point}")}
        if len(point) == 3:  # "300.000" / "1,500": thousands in one locale, a decimal in another
            values.add(Decimal(whole + point))
        return values
    except InvalidOperation:
        return set()


def _combine(values: list[Decimal]) -> list[Decimal]:
    """Number words in a row as numbers: "twenty five" -> 25, "two hundred" -> 200, "two three" -> 2, 3."""
    out: list[Decimal] = []
    total, current = Decimal(0), Decimal(0)
    last: Decimal | None = None
    for v in values:
        if last is not None and v >= 1000:
            total, current = total + (current or Decimal(1)) * v, Decimal(0)
        elif last is not None and v == 100 and current < 100:
            current = (current or Decimal(1)) * 100
        elif (
            last is not None
            and v < 100
            and ((current % 100 == 0 and current) or (current % 10 == 0 and current >= 20 and v < 10))
        ):
            current += v
        else:
            if last is not None:
                out.append(total + current)
            total, current = Decimal(0), v
            if v >= 1000:
                total, current = v, Decimal(0)
        last = v
    if last is not None:
        out.append(total + current)
    return out


def _decompose(word: str, lang: Language) -> Decimal | None:
    """A compound number word ("zweiundzwanzig", "tjuefem", "dreihundert") as its value, else None."""
    table = {**lang.numbers, **{c: Decimal(-1) for c in lang.connectors}, "hundert": Decimal(100)}
    parts: list[Decimal] = []
    rest = word
    while rest:
        for size in range(len(rest), 1, -1):
            if rest[:size] in table or rest[:size] in lang.scales:
                parts.append(table.get(rest[:size], lang.scales.get(rest[:size], Decimal(0))))
                rest = rest[size:]
                break
        else:
            return None
    if len(parts) < 2 or parts[0] < 0 or parts[-1] < 0:
        return None
    if len(parts) == 3 and parts[1] < 0 and parts[0] < 10 <= parts[2]:  # "ein-und-zwanzig", "en-og-tyve"
        return parts[0] + parts[2]
    if any(p < 0 for p in parts):
        return None
    combined = _combine(parts)
    return combined[0] if len(combined) == 1 else None


def _stem_value(word: str, stems: tuple[tuple[str, int], ...]) -> int | None:
    for stem, value in stems:
        if word.startswith(stem) and (len(word) - len(stem) <= 4 or len(stem) >= 6):
            return value
    return None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("’", "'")).lower()


def numeric_mentions(text: str, lang_code: str) -> list[Mention]:
    """Numbers (digits and words, with their unit), dates (months, weekdays, numeric dates) and clock times."""
    lang, unit_names = language(lang_code), rules().units
    toks = tokens(text)
    words = [_fold(t.text) for t in toks]
    out: list[Mention] = []

    def unit_after(j: int) -> str | None:
        if j < len(toks) and toks[j].text == "%":
            return "percent"
        if j < len(toks) and toks[j].kind == "word":
            pair = f"{words[j]} {words[j + 1]}" if j + 1 < len(toks) else ""
            if any(words[j].startswith(p) or pair == p for p in lang.percent):
                return "percent"
            return unit_names.get(words[j])
        return None

    i = 0
    while i < len(toks):
        tok, word = toks[i], words[i]
        if tok.kind == "date":
            out.extend(_numeric_date(tok))
        elif tok.kind == "time" or (
            tok.kind == "num" and _after_marker(toks, words, i, lang) and re.fullmatch(r"\d{1,2}[.:]\d{2}", tok.text)
        ):
            out.append(_time(text, tok))
        elif tok.kind == "num":
            values = readings(tok.text)
            end, j = tok.end, i + 1
            if j < len(toks) and words[j] in lang.scales and toks[j].start - tok.end <= 1:
                values = {v * lang.scales[words[j]] for v in values}
                end, j = toks[j].end, j + 1
            meridiem = _MERIDIEM.match(text, tok.end)
            if meridiem and tok.text.isdigit() and int(tok.text) <= 12:
                out.append(_time(text, tok, hour_only=True))
                i += 1
                continue
            unit = unit_after(j)
            out.append(
                Mention(
                    "number", text[tok.start : end], tok.start, end, frozenset(_num_key(v) for v in values), unit=unit
                )
            )
            i = j
            continue
        elif tok.kind == "word":
            run_end = _number_run(words, toks, i, lang)
            if run_end > i:
                numbers = _combine([v for k in range(i, run_end) if (v := _word_value(words[k], lang)) is not None])
                start, end = toks[i].start, toks[run_end - 1].end
                weak = run_end - i == 1 and word in lang.ambiguous
                if len(numbers) == 1:
                    out.append(
                        Mention(
                            "number",
                            text[start:end],
                            start,
                            end,
                            frozenset({_num_key(numbers[0])}),
                            weak=weak,
                            unit=unit_after(run_end),
                        )
                    )
                else:
                    out.extend(
                        Mention("number", text[start:end], start, end, frozenset({_num_key(n)}), weak=True)
                        for n in numbers
                    )
                i = run_end
                continue
            if word in lang.implied:
                out.append(
                    Mention(
                        "number", tok.text, tok.start, tok.end, frozenset({_num_key(lang.implied[word])}), weak=True
                    )
                )
                i += 1
                continue
            month = _stem_value(word, lang.months)
            if month is not None and (not _is_ambiguous(word, lang) or _near_number(toks, i)):
                out.append(Mention("date", tok.text, tok.start, tok.end, frozenset({f"month:{month}"})))
            else:
                weekday = _stem_value(word, lang.weekdays)
                if weekday is not None:
                    out.append(Mention("date", tok.text, tok.start, tok.end, frozenset({f"weekday:{weekday}"})))
        i += 1
    return out


def _word_value(word: str, lang: Language) -> Decimal | None:
    if word in lang.numbers:
        return lang.numbers[word]
    if word in lang.scales:
        return lang.scales[word]
    return _decompose(word, lang) if lang.compounds else None


def _number_run(words: list[str], toks: list[Token], i: int, lang: Language) -> int:
    """End (exclusive) of the run of number words starting at i (connectors inside allowed); i if none."""
    end = i
    k = i
    while k < len(toks) and toks[k].kind in ("word", "sym"):
        if toks[k].kind == "word" and _word_value(words[k], lang) is not None:
            k += 1
            end = k
        elif (
            end > i
            and (words[k] in lang.connectors)
            and k + 1 < len(toks)
            and _word_value(words[k + 1], lang) is not None
        ):
            k += 1
        else:
            break
    return end


def _is_ambiguous(word: str, lang: Language) -> bool:
    return any(word.startswith(stem) for stem in lang.ambiguous_months)


def _near_number(toks: list[Token], i: int) -> bool:
    return any(toks[k].kind == "num" for k in range(max(0, i - 2), min(len(toks), i + 3)) if k != i)


def _after_marker(toks: list[Token], words: list[str], i: int, lang: Language) -> bool:
    previous = [words[k] for k in range(max(0, i - 2), i) if toks[k].kind == "word"]
    return bool(previous) and previous[-1] in lang.time_markers


def _time(text: str, tok: Token, *, hour_only: bool = False) -> Mention:
    hour_text, minute_text = (tok.text, "00") if hour_only else re.split(r"[.:h]", tok.text)
    hour, minute = int(hour_text), int(minute_text)
    end = tok.end
    meridiem = _MERIDIEM.match(text, tok.end)
    if meridiem:
        end = meridiem.end()
        if meridiem.group(1).lower() == "p" and hour < 12:
            hour += 12
        elif meridiem.group(1).lower() == "a" and hour == 12:
            hour = 0
    keys = {f"time:{hour}:{minute:02d}", f"num:{hour}"}
    if not hour_only:
        keys |= {_num_key(v) for v in readings(tok.text.replace(":", ".").replace("h", "."))}
    return Mention("time", text[tok.start : end], tok.start, end, frozenset(keys))


def _numeric_date(tok: Token) -> Iterator[Mention]:
    """ "14.03.2022", "3/14/2022", "2022-03-14": day and year as numbers, the month as a date (either order)."""
    parts = [int(p) for p in re.split(r"[./-]", tok.text)]
    year, first, second = (parts[0], parts[2], parts[1]) if len(str(parts[0])) == 4 else (parts[2], *parts[:2])
    days = {first, second} if len(str(parts[0])) != 4 else {first}
    months = {m for m in (second, first) if 1 <= m <= 12} if len(str(parts[0])) != 4 else {second}
    yield Mention("number", tok.text, tok.start, tok.end, frozenset(f"num:{d}" for d in days))
    yield Mention("date", tok.text, tok.start, tok.end, frozenset(f"month:{m}" for m in months))
    yield Mention("number", tok.text, tok.start, tok.end, frozenset({f"num:{year}"}))


# -- names ---------------------------------------------------------------------------------------------------


def skeleton(name: str) -> str:
    """A spelling reduced so transliteration variants meet: Klitschko/Klytschko, Kyiv/Kiev, Зеленский/Zelensky."""
    r = rules()
    text = "".join(r.translit.get(c, c) for c in name.lower())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("ð", "d").replace("þ", "th")
    text = re.sub(r"['’]s$|[^a-z]", "", text)
    for old, new in r.rewrites:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


def name_mentions(text: str, lang_code: str) -> list[Mention]:
    """Capitalised words that are not sentence-initial, not titles or calendar words, and acronyms.

    In a language that capitalises every noun (German) only acronyms and runs of two or more capitalised
    words count. Sentence-initial words are skipped: a capital there says nothing.
    """
    lang = language(lang_code)
    toks = tokens(text)
    calendar = {(m.start, m.end) for m in numeric_mentions(text, lang_code)}
    candidates: list[tuple[Token, bool]] = []  # (token, is a name by its shape alone)
    for tok in toks:
        if tok.kind != "word" or not tok.text[0].isupper() or (tok.start, tok.end) in calendar:
            continue
        bare = re.sub(r"['’]s$", "", tok.text)
        acronym = len(bare) >= 2 and bare.isupper()
        if bare.lower() in lang.not_names or (len(bare) < 2) or (not acronym and _initial(text, tok.start)):
            continue
        candidates.append((tok, acronym))
    if lang.noun_capitals:
        kept = []
        for k, (tok, acronym) in enumerate(candidates):
            neighbours = [c for c, _ in candidates[max(0, k - 1) : k + 2] if c is not tok]
            in_run = any(
                _adjacent(text, a, b) for a, b in ((n, tok) if n.start < tok.start else (tok, n) for n in neighbours)
            )
            if acronym or in_run:
                kept.append((tok, acronym))
        candidates = kept
    return [
        Mention("name", re.sub(r"['’]s$", "", t.text), t.start, t.end, frozenset({skeleton(t.text)}))
        for t, _ in candidates
    ]


def _adjacent(text: str, a: Token, b: Token) -> bool:
    return not text[a.end : b.start].strip()


def _initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    if not before:
        return True
    if before[-1] in "-" and before != text[:start]:  # a spaced dash opens a quote ("- Jeg så ...")
        return True
    return before[-1] in _BOUNDARY


def mentions(text: str, lang_code: str) -> list[Mention]:
    return [*numeric_mentions(text, lang_code), *name_mentions(text, lang_code)]
