"""Strip newsroom boilerplate (credits, player notices, link lists) and report what went.

The rules are data (boilerplate.toml). They run on whole paragraphs, repeatedly until
nothing changes, so clean() is idempotent; every cut is reported with the input line it
came from, so an editor can check that no real sentence was lost. What the rules leave is
then read by shape: of a whole page dumped as text, only the article's main block and what lies close to it stay
(`_keep_article`, which never drops a run of article prose or a list next to kept text), and in runs of short,
sentence-less paragraphs (menus, link lists, footers) the furniture goes (`_drop_furniture`).

Articles pasted as HTML are turned into text first (`_markup_to_text`): markup is not content,
so it goes unreported, but line numbers still count lines of the input.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .segment import paragraph_lines, split_sentences

__all__ = ["CleanResult", "Removal", "clean"]

_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero-width, BOM
_SPACES = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\S+")
_ENDS_IN_PERIOD = re.compile(r"\.[\"'”’»)\]]*$")
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_DIGIT = re.compile(r"\d")
_HOLDS_SENTENCE = re.compile(r"(?:\S+ ){2,}\S*?[.!?…][\"'”’»)\]]*(?: |$)")  # three words, then a sentence end
_LIST_ITEM = re.compile(r"(?:[-–—•·*▪●◦■►‣]|\d{1,3}[.)]|[a-z][.)])\s")  # "- item", "• item", "1. item", "b) item"
_EDGE_PUNCTUATION = "\"'“”‘’«»„‚‹›()[]{}¿¡.,;:!?…*「」。、"

# Only known HTML element names count as markup, so "x<y and z>w" in prose is not one. Elements whose content
# is no article text go whole (a nested or unclosed one loses its tags). Every `.*?` stops at the next opening of
# its kind, so no input makes the search quadratic.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|body|br|caption|dd|div|dl|dt|figcaption|figure|footer|form|h[1-6]|"
    "head|header|hr|html|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|img|ins|kbd|link|mark|meta|picture|q|s|samp|"
    "small|source|span|strong|sub|sup|time|u|var|wbr"
)
_DROP_ELEMENTS = "script|style|noscript|template|title|svg|iframe"
_MARKUP = re.compile(
    r"(?P<drop><!--(?:(?!<!--).)*?-->|<!doctype[^<>]*>"
    rf"|<(?P<element>{_DROP_ELEMENTS})\b[^<>]*>(?:(?!<(?P=element)\b).)*?</(?P=element)\s*>"
    rf"|</?(?:{_INLINE_TAGS}|{_DROP_ELEMENTS})\b[^<>]*>)"
    rf"|(?P<block></?(?:{_BLOCK_TAGS})\b[^<>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_MARKUP_PASSES = 8  # decoding `&lt;p&gt;` or cutting `<<b>p>` can make new markup; real pages need 1-2 passes
_ANY_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class Removal:
    rule: str  # rule name from boilerplate.toml, e.g. "photo_credit"
    text: str  # the exact text removed (a whole line, or the inline fragment)
    line: int  # 1-based line number in the input where it was found


@dataclass(frozen=True)
class CleanResult:
    text: str  # cleaned article: paragraphs separated by "\n\n"
    removed: tuple[Removal, ...]  # in input order


@dataclass(frozen=True)
class _Rules:
    line: tuple[tuple[str, re.Pattern[str]], ...]
    inline: tuple[tuple[str, re.Pattern[str]], ...]
    read_more: str
    read_more_bare: re.Pattern[str]
    follow_rule: str
    max_follow: int
    max_title_chars: int
    duplicate_rule: str
    duplicate_min_words: int
    furniture: _Furniture
    article: _Article


@dataclass(frozen=True)
class _Furniture:
    """Thresholds of the shape reading; see [furniture] in boilerplate.toml."""

    rule: str
    max_short_words: int
    title_case_share: float
    title_case_min_words: int
    prose_min_words: int
    prose_min_stop_share: float
    min_furniture: int
    min_furniture_share: float
    stop_words: frozenset[str]
    languages: tuple[frozenset[str], ...]  # the same stop words, one set per served language


@dataclass(frozen=True)
class _Article:
    """Thresholds of the main-block reading; see [article] in boilerplate.toml."""

    rule: str
    ends_at: frozenset[str]  # rules whose removals show the article is over
    formatting: frozenset[str]  # rules whose removals are list markers and separators, not page furniture
    repeat_rule: str
    repeat_min_words: int
    good_min_words: int
    good_min_stop_share: float
    bad_cost: float
    bad_unit_words: int
    removed_cost: float
    max_gap: float
    neutral_refund: float
    min_page_removed: int
    prose_min_words: int
    prose_min_stop_share: float
    prose_min_run: int
    unit_max_header_words: int
    unit_max_header_lines: int
    unit_max_sentences: int
    unit_min_repeats: int
    shape: _Furniture  # its stop words and title-case reading


#: the working state of one paragraph: its text and, per character, its offset in the input
_Text = tuple[str, list[int]]
_Report = Callable[[str, str, int], None]


def clean(raw: str, *, main_block: bool = True) -> CleanResult:
    """Normalise `raw`, drop boilerplate, and return the article with a removal report.

    `main_block` (the default) also keeps only the article's main block of a scraped page (`_keep_article`),
    never dropping a run of article prose or the list or table next to kept text; `main_block=False` (setting
    `WIREBRIEF_CLEAN_MAIN_BLOCK=false`) keeps the line rules and the furniture reading only. docs/TEXT-QUALITY.md
    measures both.
    """
    rules = _rules()
    text, input_line = _markup_to_text(_normalise(raw))
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    found: list[tuple[int, Removal]] = []

    def report(rule: str, text: str, offset: int) -> None:
        found.append((offset, Removal(rule, text, input_line[bisect.bisect_right(starts, offset) - 1] + 1)))

    kept: list[tuple[str, int]] = []  # paragraph, offset of its first character
    positions: list[int] = []  # of each kept paragraph, its place among all the input's paragraphs
    ends: list[int] = []  # places of the paragraphs that show the article is over (a comment's header)
    follow = 0  # related-link headlines still to drop after a bare "Read more:"
    position = -1
    for group in paragraph_lines(lines):
        text = " ".join(lines[i] for i in group)
        origin = list(
            itertools.chain.from_iterable(  # a wrapped line's joining space is its "\n"
                range(starts[i] - (i != group[0]), starts[i] + len(lines[i])) for i in group
            )
        )
        reported = len(found)
        (text, origin), triggered = _apply(rules, (text, origin), report)
        cut_by = {removal.rule for _, removal in found[reported:]}
        if text or not cut_by <= rules.article.formatting:
            position += 1  # a lone bullet or separator does not count: it is neither article nor page furniture
        if any(removal.rule in rules.article.ends_at for _, removal in found[reported:]):
            ends.append(position)
        if triggered:
            follow = rules.max_follow
        elif text and follow and not _ENDS_IN_PERIOD.search(text) and len(text) <= rules.max_title_chars:
            report(rules.follow_rule, text, origin[0])
            follow -= 1
        elif text:
            follow = 0
            kept.append((text, origin[0]))
            positions.append(position)
    total = position + 1  # paragraphs of the input, bullets and separators aside
    while True:  # to a fixed point, so that cleaning the result again, where the removed are gone, finds nothing
        before = len(kept)
        if main_block:
            kept = _keep_article(rules.article, kept, positions, total, ends, report)
        kept = _drop_furniture(rules.furniture, _drop_repeats(rules.article, kept, report), report)
        if len(kept) == before and len(positions) == before and not ends and positions == list(range(before)):
            break
        positions, total, ends = list(range(len(kept))), len(kept), []
    found.sort(key=lambda item: item[0])
    return CleanResult("\n\n".join(text for text, _ in kept), tuple(removal for _, removal in found))


def _drop_furniture(rules: _Furniture, paragraphs: list[tuple[str, int]], report: _Report) -> list[tuple[str, int]]:
    """In each run of non-prose paragraphs that is mostly furniture, drop the furniture and the other lines too.

    A run that is mostly menu items is page furniture as a whole (jusText's context: a line among boilerplate
    is boilerplate), so its other lines go as well, except those that hold a sentence, those that hold a figure
    (data: a date, a score, a price) and the last one before prose, which is that prose's heading. Prose always
    stays, so runs never merge and a run already cleaned holds no furniture: a second pass finds nothing new.
    """
    kept: list[tuple[str, int]] = []
    for (text, offset), furniture in zip(paragraphs, _furniture_marks(rules, [text for text, _ in paragraphs])):
        if furniture:
            report(rules.rule, text, offset)
        else:
            kept.append((text, offset))
    return kept


def _furniture_marks(rules: _Furniture, texts: list[str]) -> list[bool]:
    """Per paragraph, whether it is page furniture by the shape reading (see _drop_furniture)."""
    shapes = [_shape(rules, text) for text in texts]
    marks: list[bool] = []
    runs = [
        (is_prose, list(run))
        for is_prose, run in itertools.groupby(zip(texts, shapes), key=lambda item: item[1] == "prose")
    ]
    for index, (is_prose, members) in enumerate(runs):
        furniture = sum(shape == "furniture" for _, shape in members)
        drop = (
            not is_prose and furniture >= rules.min_furniture and furniture >= rules.min_furniture_share * len(members)
        )
        heading = len(members) - 1 if index + 1 < len(runs) else -1  # the last line before prose
        marks.extend(
            drop and (shape == "furniture" or (shape == "other" and i != heading and _is_loose_line(text)))
            for i, (text, shape) in enumerate(members)
        )
    return marks


def _is_loose_line(text: str) -> bool:
    """A line with no sentence in it and no figure: a headline, a label, a name."""
    return not _DIGIT.search(text) and not _HOLDS_SENTENCE.search(text)


def _keep_article(
    rules: _Article,
    paragraphs: list[tuple[str, int]],
    positions: list[int],
    total: int,
    ends: list[int],
    report: _Report,
) -> list[tuple[str, int]]:
    """Keep the article's main block; drop what lies beyond a long stretch of page furniture on either side.

    Paragraphs read as "good" (long prose), "bad" (no sentence and no figure: headlines, menu items, names; and
    repeats) or neutral (short prose, data lines, list items); every paragraph a rule removed counts against too.
    The main block is the run with the best sum (Kadane's algorithm): good paragraphs add their words, bad and
    removed ones cost, so a short list or table inside an article is crossed and a column of teasers between
    furniture is not. Around it, paragraphs stay until the bad ones met use up `max_gap`; nothing inside goes.
    A text with little removed around it is no page and stays whole; comments (`ends`) come after the article.

    Whatever the block leaves out, two things stay: a run of article prose (`_prose_runs`: real sentences, next to
    each other, enough of them), and what lies right next to kept text with no removed paragraph between and is
    not page furniture (`_furniture_marks`): a list, a table, a heading. So a page that is mostly a list keeps it.
    Repeated units (`_repeated_units`: teasers, comments) do not grow the block, and a run of them set apart from
    it by page furniture (`_units_apart`) is kept neither way; a run the block begins in is the article's own.
    """
    removed_before = [position - previous - 1 for previous, position in zip([-1, *positions], positions)]
    seen: set[str] = set()
    repeats = []  # a long paragraph seen before is a copy: a teaser of this very story, a caption shown twice
    for text, _ in paragraphs:
        repeats.append(text in seen)
        if len(text.split()) >= rules.repeat_min_words:
            seen.add(text)
    kinds = ["bad" if repeat else _kind(rules, text) for (text, _), repeat in zip(paragraphs, repeats)]
    weights = [
        1 if repeat else 1 + len(text.split()) // rules.bad_unit_words  # a joined menu weighs more
        for (text, _), repeat in zip(paragraphs, repeats)
    ]
    if total - len(paragraphs) < rules.min_page_removed:
        return paragraphs  # too little page furniture around it to be a page: an article with a list stays whole
    texts = [text for text, _ in paragraphs]
    sentence_like = [bool(text) and _is_article_prose(rules, text) for text in texts]  # read once, used twice
    prose = _prose_runs(rules, texts, sentence_like, removed_before)
    limit = next(  # the article ends at the first sign of comments that comes after some of its prose
        (cut for cut in (bisect.bisect_left(positions, end) for end in ends) if any(prose[:cut])), len(paragraphs)
    )
    whole = _best_span(rules, texts[:limit], kinds, weights, removed_before, [False] * limit)
    if whole is None:
        return paragraphs
    units = _repeated_units(rules, texts[:limit], sentence_like[:limit])
    start = whole[0]
    while start >= 0 and units[start]:  # the run the block begins in, or that follows its first paragraph, is its own
        units[start] = False
        start -= 1
    for i in range(whole[0] + 1, limit):
        if not units[i]:
            break
        units[i] = False
    trimmed = _best_span(rules, texts[:limit], kinds, weights, removed_before, units)
    if trimmed is None or not whole[0] <= trimmed[0] <= trimmed[1] <= whole[1]:
        units, trimmed = [False] * limit, whole  # the repeated units held the article itself: a list article
    first, last = trimmed
    keep = [first <= i <= last for i in range(len(paragraphs))]
    for side in (range(first - 1, -1, -1), range(last + 1, limit)):
        budget = rules.max_gap  # bad paragraphs it takes to end the article; short prose and data win some back
        for i in side:
            budget -= removed_before[i + 1] if side.step < 0 else removed_before[i]
            budget = budget - weights[i] if kinds[i] == "bad" else min(rules.max_gap, budget + rules.neutral_refund)
            if budget <= 0:
                break
            keep[i] = True
    furniture = _furniture_marks(rules.shape, texts)
    apart = _units_apart(units, first, last, furniture)
    for i in range(limit):
        keep[i] = keep[i] or (prose[i] and not apart[i])
    for side in (range(1, limit), range(limit - 2, -1, -1)):
        for i in side:  # a list, a table or a heading right next to kept text stays with it
            near = i - side.step
            keep[i] = keep[i] or (keep[near] and not removed_before[max(i, near)] and not furniture[i] and not apart[i])
    kept: list[tuple[str, int]] = []
    for i, (text, offset) in enumerate(paragraphs):
        if keep[i]:
            kept.append((text, offset))
        else:
            report(rules.rule, text, offset)
    return kept


def _best_span(
    rules: _Article,
    texts: list[str],
    kinds: list[str],
    weights: list[int],
    removed_before: list[int],
    units: list[bool],
) -> tuple[int, int] | None:
    """The run of paragraphs with the best sum (Kadane's algorithm), or None when no sum is above zero.

    Good paragraphs add their words, unless they lie in repeated `units` (teasers, comments: they add nothing);
    bad ones cost `bad_cost` by weight, and each paragraph a rule removed before one costs `removed_cost`.
    """
    best, best_span = 0.0, None
    running, start = 0.0, 0
    for i, text in enumerate(texts):
        kind = kinds[i]
        value = (
            (0 if units[i] else len(text.split()))
            if kind == "good"
            else 0
            if kind == "neutral"
            else -rules.bad_cost * weights[i]
        )
        if running - rules.removed_cost * removed_before[i] <= 0:
            running, start = 0.0, i
        else:
            running -= rules.removed_cost * removed_before[i]
        running += value
        if running > best:
            best, best_span = running, (start, i)
    return best_span


def _repeated_units(rules: _Article, texts: list[str], sentence_like: list[bool]) -> list[bool]:
    """Per paragraph, whether it lies in a run of `unit_min_repeats` or more short units in a row.

    A unit is a few header lines (no article prose, at most `unit_max_header_words` words: a headline, a name, a
    time stamp) and the paragraphs after them up to the next header, together `unit_max_sentences` sentences or
    fewer: a teaser's summary, a comment. An article's section (a heading and its paragraphs) runs longer.
    """
    header = [
        not is_prose and len(text.split()) <= rules.unit_max_header_words
        for text, is_prose in zip(texts, sentence_like)
    ]
    marks = [False] * len(texts)
    run: list[tuple[int, int]] = []  # (first, end) of each unit in the current run
    i = 0
    while i <= len(texts):
        j = i
        while j < len(texts) and header[j]:
            j += 1
        k = j
        while k < len(texts) and not header[k]:
            k += 1
        sentences = sum(len(split_sentences(text, "*")) for text in texts[j:k])
        short = i < j < k and j - i <= rules.unit_max_header_lines and sentences <= rules.unit_max_sentences
        if short and run and run[-1][1] == i:
            run.append((i, k))
        else:
            if len(run) >= rules.unit_min_repeats:
                for a, b in run:
                    marks[a:b] = [True] * (b - a)
            run = (
                [(max(i, j - rules.unit_max_header_lines), k)]
                if i < j < k and sentences <= rules.unit_max_sentences
                else []
            )
        i = k if k > i else i + 1
    return marks


def _units_apart(units: list[bool], first: int, last: int, furniture: list[bool]) -> list[bool]:
    """Per paragraph, whether it lies in a run of repeated units set apart from the main block [first, last].

    Apart means outside the block with page furniture between: a teaser column after a menu, a comment thread
    after a link list. A removed paragraph alone is no page edge (a caption, an advert inside an article), and a
    run that touches the block may be the article's own sections: neither is apart.
    """
    apart = [False] * len(units)
    for is_unit, group in itertools.groupby(range(len(units)), key=lambda i: units[i]):
        members = list(group)
        a, b = members[0], members[-1]
        if not is_unit or (a <= last and b >= first):
            continue
        between = range(last + 1, a) if a > last else range(b + 1, first)
        if any(furniture[i] for i in between):
            apart[a : b + 1] = [True] * (b + 1 - a)
    return apart


def _prose_runs(rules: _Article, texts: list[str], sentence_like: list[bool], removed_before: list[int]) -> list[bool]:
    """Per paragraph, whether it lies in a run of article prose holding `prose_min_run` sentences or more.

    A run is prose paragraphs next to each other in the input (a paragraph a rule removed ends it): a teaser's
    lone summary sentence is no run, an article's paragraphs are one.
    """
    marks: list[bool] = []
    run: list[str] = []
    for text, is_prose, removed in zip([*texts, ""], [*sentence_like, False], [*removed_before, 1]):
        if run and (removed or not is_prose):
            sentences = sum(len(split_sentences(member, "*")) for member in run)
            marks.extend([sentences >= rules.prose_min_run] * len(run))
            run = []
        if is_prose:
            run.append(text)
        elif text:
            marks.append(False)
    return marks


def _is_article_prose(rules: _Article, text: str) -> bool:
    """A real sentence: long enough, ending like one, not Title Cased, dense with one language's stop words."""
    m = _measure(rules.shape, text)
    if m.title_case or not m.ends_sentence or m.length < rules.prose_min_words:
        return False
    words = [word.strip(_EDGE_PUNCTUATION).lower() for word in text.split()]
    words = [word for word in words if word]
    best = max((sum(word in language for word in words) for language in rules.shape.languages), default=0)
    return best >= rules.prose_min_stop_share * len(words)


def _drop_repeats(rules: _Article, paragraphs: list[tuple[str, int]], report: _Report) -> list[tuple[str, int]]:
    """Drop a long paragraph that repeats one kept before it word for word (the first copy stays)."""
    seen: set[str] = set()
    kept: list[tuple[str, int]] = []
    for text, offset in paragraphs:
        if text in seen:
            report(rules.repeat_rule, text, offset)
            continue
        if len(text.split()) >= rules.repeat_min_words:
            seen.add(text)
        kept.append((text, offset))
    return kept


def _kind(rules: _Article, text: str) -> str:
    """ "good", "bad" or "neutral" for one paragraph (see _keep_article)."""
    m = _measure(rules.shape, text)
    if (
        not m.title_case
        and m.length >= rules.good_min_words
        and m.stop_share >= rules.good_min_stop_share
        and (m.ends_sentence or m.length >= rules.shape.prose_min_words)
    ):
        return "good"
    if m.has_digit or _LIST_ITEM.match(text) or _shape(rules.shape, text) == "prose":
        return "neutral"
    return "bad"


@dataclass(frozen=True)
class _Measure:
    """What the shape readings look at in one paragraph."""

    length: int  # words, or characters / 10 for scripts written without spaces
    stop_share: float  # of its words, the share that are common function words
    ends_sentence: bool
    title_case: bool  # Title Cased Like A Headline
    has_digit: bool


def _measure(rules: _Furniture, text: str) -> _Measure:
    words = [word.strip(_EDGE_PUNCTUATION) for word in text.split()]
    words = [word for word in words if word]
    lettered = [word for word in words if word[0].isalpha()]
    capitals = sum(word[0].isupper() for word in lettered)
    return _Measure(
        length=max(len(words), len(text) // 10),
        stop_share=sum(word.lower() in rules.stop_words for word in words) / max(1, len(words)),
        ends_sentence=bool(_ENDS_SENTENCE.search(text)),
        title_case=(len(lettered) >= rules.title_case_min_words and capitals >= rules.title_case_share * len(lettered)),
        has_digit=bool(_DIGIT.search(text)),
    )


def _shape(rules: _Furniture, text: str) -> str:
    """ "prose", "furniture" or "other" for one paragraph, from its length, end, case and stop words."""
    m = _measure(rules, text)
    if not m.title_case and (
        m.ends_sentence or (m.length >= rules.prose_min_words and m.stop_share >= rules.prose_min_stop_share)
    ):
        return "prose"
    if not m.ends_sentence and not m.has_digit and (m.length <= rules.max_short_words or m.title_case):
        return "furniture"  # a line with a figure is data (a price, a date, a score, a table cell), not a menu
    return "other"


def _normalise(raw: str) -> str:
    """NFC, LF line ends, no invisible characters, single spaces, no blanks at line ends."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", raw)))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _markup_to_text(text: str) -> tuple[str, list[int]]:
    """HTML as text: tags out, block elements as line breaks, entities decoded; plain text as it is.

    Returns the text and, for each of its lines, the input line (0-based) it starts on. Repeated while it
    leaves markup, so clean() stays idempotent; input still holding markup after a few passes is adversarial
    and gets its `<` replaced, which ends it.
    """
    input_line = list(range(text.count("\n") + 1))
    for _ in range(_MARKUP_PASSES):
        if not _MARKUP.search(text):
            return text, input_line
        out: list[str] = []
        lines = [input_line[0]]  # input line of each output line
        line, position = 0, 0  # line of `text` at `position`
        for match in _MARKUP.finditer(text):
            kept = text[position : match.start()]
            out.append(kept)
            for _ in range(kept.count("\n")):
                line += 1
                lines.append(input_line[line])
            line += match.group().count("\n")  # lines inside dropped markup
            if match.group("block"):
                out.append("\n")
                lines.append(input_line[line])
            position = match.end()
        out.append(text[position:])
        lines.extend(input_line[line + 1 :])
        decoded = (_ANY_BREAK.sub(" ", html.unescape(part)) for part in "".join(out).split("\n"))
        text, input_line = "\n".join(_normalise(part) for part in decoded), lines
    if _MARKUP.search(text):
        text = text.replace("<", "\u2039")  # ‹
    return text, input_line


def _apply(rules: _Rules, para: _Text, report: _Report) -> tuple[_Text, bool]:
    """Run every rule on one paragraph until nothing changes; True when it was a "Read more:"."""
    while para[0]:
        text, origin = para
        if rules.read_more_bare.fullmatch(text):
            report(rules.read_more, text, origin[0])
            return ("", []), True
        for name, pattern in rules.line:
            if pattern.fullmatch(text):
                report(name, text, origin[0])
                return ("", []), False
        name, spans = _inline_cuts(rules, text) or _duplicate_cuts(rules, text)
        if not spans:
            break
        for start, end in spans:
            fragment = text[start:end]
            report(name, fragment.strip(), origin[start + len(fragment) - len(fragment.lstrip())])
        para = _cut(para, spans)
    return para, False


def _inline_cuts(rules: _Rules, text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """Every match of the first inline rule that matches at all."""
    for name, pattern in rules.inline:
        spans = [match.span() for match in pattern.finditer(text) if match.group().strip()]
        if spans:
            return name, spans
    return None


def _duplicate_cuts(rules: _Rules, text: str) -> tuple[str, list[tuple[int, int]]]:
    """Sentences that repeat the one right before them (`text` has single spaces)."""
    spans, position, previous = [], 0, None
    for sentence in split_sentences(text, "*"):  # the language is not known yet: split least
        if sentence == previous and len(sentence.split()) >= rules.duplicate_min_words:
            spans.append((position, position + len(sentence)))
        position, previous = position + len(sentence) + 1, sentence
    return rules.duplicate_rule, spans


def _cut(para: _Text, spans: list[tuple[int, int]]) -> _Text:
    """Remove the (ordered, disjoint) spans, re-normalise spaces, keep each character's offset."""
    keep = [0, *itertools.chain.from_iterable(spans), len(para[0])]
    text = "".join(para[0][a:b] for a, b in zip(keep[::2], keep[1::2]))
    origin = [o for a, b in zip(keep[::2], keep[1::2]) for o in para[1][a:b]]
    chars: list[str] = []
    offsets: list[int] = []
    for word in _WORD.finditer(text):
        if chars:
            chars.append(" ")
            offsets.append(origin[word.start()])
        chars.append(word.group())
        offsets.extend(origin[word.start() : word.end()])
    joined = "".join(chars)
    composed = unicodedata.normalize("NFC", joined)
    if composed != joined:  # the cut joined a letter and a combining mark: offsets shift slightly
        offsets = offsets[: len(composed)]
    return composed, offsets


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = tomllib.loads(Path(__file__).with_name("boilerplate.toml").read_text(encoding="utf-8"))
    compiled: dict[str, list[tuple[str, re.Pattern[str]]]] = {"line": [], "inline": []}
    for rule in data["rule"]:
        if rule["kind"] not in compiled:
            raise ValueError(f"boilerplate rule {rule['name']!r}: unknown kind {rule['kind']!r}")
        flags = re.IGNORECASE if rule.get("ignore_case", False) else 0
        compiled[rule["kind"]].append((rule["name"], re.compile(rule["pattern"], flags)))
    more, duplicate, shape = data["read_more"], data["duplicate_sentence"], data["furniture"]
    labels = "|".join(re.escape(label) for label in more["labels"])
    with_title = (more["rule"], re.compile(rf"(?:{labels})\s?:\s?\S.*", re.IGNORECASE))
    furniture = _Furniture(
        rule=shape["rule"],
        max_short_words=shape["max_short_words"],
        title_case_share=shape["title_case_share"],
        title_case_min_words=shape["title_case_min_words"],
        prose_min_words=shape["prose_min_words"],
        prose_min_stop_share=shape["prose_min_stop_share"],
        min_furniture=shape["min_furniture"],
        min_furniture_share=shape["min_furniture_share"],
        stop_words=frozenset(word for words in shape["stop_words"].values() for word in words),
        languages=tuple(frozenset(words) for words in shape["stop_words"].values()),
    )
    article = data["article"]
    return _Rules(
        line=(with_title, *compiled["line"]),
        inline=tuple(compiled["inline"]),
        read_more=more["rule"],
        read_more_bare=re.compile(rf"(?:{labels})\s?:?", re.IGNORECASE),
        follow_rule=more["follow_rule"],
        max_follow=more["max_follow"],
        max_title_chars=more["max_title_chars"],
        duplicate_rule=duplicate["rule"],
        duplicate_min_words=duplicate["min_words"],
        furniture=furniture,
        article=_Article(
            rule=article["rule"],
            ends_at=frozenset(article["ends_at"]),
            formatting=frozenset(article["formatting"]),
            repeat_rule=article["repeat_rule"],
            repeat_min_words=article["repeat_min_words"],
            good_min_words=article["good_min_words"],
            good_min_stop_share=article["good_min_stop_share"],
            bad_cost=article["bad_cost"],
            bad_unit_words=article["bad_unit_words"],
            removed_cost=article["removed_cost"],
            max_gap=article["max_gap"],
            neutral_refund=article["neutral_refund"],
            min_page_removed=article["min_page_removed"],
            prose_min_words=article["prose_min_words"],
            prose_min_stop_share=article["prose_min_stop_share"],
            prose_min_run=article["prose_min_run"],
            unit_max_header_words=article["unit_max_header_words"],
            unit_max_header_lines=article["unit_max_header_lines"],
            unit_max_sentences=article["unit_max_sentences"],
            unit_min_repeats=article["unit_min_repeats"],
            shape=furniture,
        ),
    )
