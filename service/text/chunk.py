"""Pack sentences into model inputs under a token budget, and put the outputs back together.

Nothing is ever truncated: a sentence too long for the budget is split into pieces at word
boundaries (at characters for one giant "word" such as a URL). Token counts come from the
model's own tokenizer, which is not additive (special tokens, merges across spaces), so every
chunk is counted as the exact text it will be, in batches: a guess from the per-sentence
counts is checked first, and only a miss costs another batched search.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .segment import Sentence, join_paragraphs

__all__ = ["Chunk", "CountTokens", "Piece", "collapse_repeats", "pack", "reassemble"]

CountTokens = Callable[[Sequence[str]], list[int]]  # e.g. a model tokenizer's lengths, batched

_PROBES = 8  # prefix lengths counted per tokenizer call while searching
_MAX_NGRAM = 8
_WORD = re.compile(r"\S+")
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


@dataclass(frozen=True)
class Piece:
    text: str
    sentence: int  # Sentence.index it came from
    paragraph: int
    part: int = 0  # 0 for a whole sentence; 0,1,2.. for pieces of an over-long sentence
    glue: str = ""  # put before this piece when rejoining a sentence: " ", or "" inside a word


@dataclass(frozen=True)
class Chunk:
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return " ".join(piece.text for piece in self.pieces)


def pack(
    sentences: Sequence[Sentence],
    count_tokens: CountTokens,
    max_tokens: int,
    *,
    max_sentences: int | None = None,
    within_paragraph: bool = False,
) -> list[Chunk]:
    """Greedily fill chunks with whole sentences, in order, each chunk within `max_tokens`.

    `max_sentences` caps sentences per chunk (translation uses 1); `within_paragraph` keeps
    every chunk inside one paragraph, which reassemble() needs. An over-long sentence becomes
    consecutive chunks of one piece each. `count_tokens` is also asked about "" once, to learn
    the per-input overhead (special tokens, a prompt) that makes counts non-additive.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if max_sentences is not None and max_sentences < 1:
        raise ValueError(f"max_sentences must be at least 1 or None, got {max_sentences}")
    if any(not s.text.strip() for s in sentences):
        raise ValueError("cannot pack a blank sentence")
    if not sentences:
        return []
    texts = [s.text for s in sentences]
    *counts, overhead = count_tokens([*texts, ""])  # "" costs what every input costs (special tokens)
    # guesses assume count(join(parts)) == overhead + sum(count(part) - overhead); counting decides
    sums = list(itertools.accumulate((n - overhead for n in counts), initial=0))
    # chunks stop before an over-long sentence and, within paragraphs, before a new paragraph
    stop = [len(sentences)] * (len(sentences) + 1)
    for i in range(len(sentences) - 2, -1, -1):
        breaks = counts[i + 1] > max_tokens or (
            within_paragraph and sentences[i + 1].paragraph != sentences[i].paragraph
        )
        stop[i] = i + 1 if breaks else stop[i + 1]

    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        if counts[i] > max_tokens:
            pieces = _split(sentences[i], counts[i] - overhead, count_tokens, max_tokens, max_tokens - overhead)
            chunks.extend(Chunk((piece,)) for piece in pieces)
            i += 1
            continue
        limit = min(stop[i] - i, max_sentences or len(sentences))
        guess = bisect.bisect_right(sums, sums[i] + max_tokens - overhead, i + 1, i + limit + 1) - 1 - i
        take = _largest_fit(_span(texts, i, " "), 1, limit, guess, count_tokens, max_tokens)
        chunks.append(Chunk(tuple(Piece(s.text, s.index, s.paragraph) for s in sentences[i : i + take])))
        i += take
    return chunks


def reassemble(chunks: Sequence[Chunk], outputs: Sequence[str]) -> str:
    """Put one output per chunk (e.g. its translation) back into paragraphs.

    Outputs of one paragraph are joined by " ", paragraphs by a blank line; the outputs of an
    over-long sentence's pieces are joined by each piece's glue. Chunks must not span
    paragraphs (pack with within_paragraph=True).
    """
    if len(chunks) != len(outputs):
        raise ValueError(f"{len(chunks)} chunks but {len(outputs)} outputs")
    paragraphs: list[list[str]] = []
    last: Piece | None = None
    for chunk, output in zip(chunks, outputs):
        first = chunk.pieces[0]
        if any(piece.paragraph != first.paragraph for piece in chunk.pieces):
            raise ValueError("a chunk spans paragraphs: pack with within_paragraph=True")
        if last is None or first.paragraph != last.paragraph:
            paragraphs.append([])
        if first.part and last is not None and last.sentence == first.sentence:
            paragraphs[-1][-1] += first.glue + output.strip()
        else:
            paragraphs[-1].append(output.strip())
        last = chunk.pieces[-1]
    return join_paragraphs(paragraphs)


def collapse_repeats(text: str, max_repeats: int = 2) -> str:
    """Cut a word n-gram (n = 1..8) repeated back to back more than `max_repeats` times.

    A guard for model output that loops ("the the the the cat"). Words compare without case
    or edge punctuation; the first max_repeats - 1 copies and the last one are kept, so the
    run's final punctuation survives: "a b a b a b a b." -> "a b a b.".
    """
    if max_repeats < 1:
        raise ValueError(f"max_repeats must be at least 1, got {max_repeats}")
    while (shorter := _collapse_first(text, max_repeats)) != text:
        text = shorter
    return text


def _collapse_first(text: str, max_repeats: int) -> str:
    spans = [m.span() for m in _WORD.finditer(text)]
    keys = [_EDGE_PUNCTUATION.sub("", text[a:b]).casefold() or text[a:b] for a, b in spans]
    for i in range(len(keys)):
        for n in range(1, min(_MAX_NGRAM, len(keys) - i) + 1):
            gram, copies = keys[i : i + n], 1
            while keys[i + copies * n : i + (copies + 1) * n] == gram:
                copies += 1
            if copies > max_repeats:
                start, end = spans[i + n * (max_repeats - 1)][0], spans[i + n * (copies - 1)][0]
                return text[:start] + text[end:]
    return text


def _split(sentence: Sentence, content: int, count_tokens: CountTokens, max_tokens: int, room: int) -> list[Piece]:
    """Pieces of an over-long sentence, each within budget: whole words, else characters.

    `content` and `room` are the sentence's count and the budget less the per-input overhead;
    they only shape the first guess, after which the last piece's size is the guess.
    """
    words = sentence.text.split()
    share = max(room, 1) / max(content, 1)
    texts: list[tuple[str, str]] = []  # (text, glue)
    w, guess = 0, max(1, int(len(words) * share))
    first_guess = guess
    while w < len(words):
        take = _largest_fit(_span(words, w, " "), 0, len(words) - w, guess, count_tokens, max_tokens)
        if take:
            texts.append((" ".join(words[w : w + take]), " "))
            w, guess = w + take, take
            continue
        word, c, guess = words[w], 0, max(1, int(len(sentence.text) * share))
        while c < len(word):
            take = _largest_fit(_span(word, c, ""), 0, len(word) - c, guess, count_tokens, max_tokens)
            if not take:
                raise ValueError(f"a single character does not fit in max_tokens={max_tokens}")
            texts.append((word[c : c + take], "" if c else " "))
            c, guess = c + take, take
        w, guess = w + 1, first_guess
    return [
        Piece(text, sentence.index, sentence.paragraph, part, glue if part else "")
        for part, (text, glue) in enumerate(texts)
    ]


def _span(parts: Sequence[str], start: int, separator: str) -> Callable[[int], str]:
    """The text of the `k` parts from `start` on, joined: what `_largest_fit` grows."""
    return lambda k: separator.join(parts[start : start + k])


def _largest_fit(
    text_of: Callable[[int], str], known: int, limit: int, guess: int, count_tokens: CountTokens, max_tokens: int
) -> int:
    """The largest k in 1..limit whose text_of(k) fits (0 if none); text_of(known) is known to fit.

    Assumes fitting is monotone in k, as it is for tokenizers; whatever the counter does, the
    answer was counted and fits. Probes the guess first, then gallops up or sweeps a bracket,
    _PROBES prefixes per call.
    """
    ok, bad = known, limit + 1  # text_of(ok) fits (or ok == 0); text_of(bad) does not (or bad is past the end)
    probes = [guess, guess + 1]
    while bad - ok > 1:
        ks = [k for k in probes if ok < k < bad]
        for k, n in zip(ks, count_tokens([text_of(k) for k in ks]) if ks else ()):
            if n > max_tokens:
                bad = k
                break
            ok = k
        gap = bad - ok - 1
        if bad == limit + 1:  # no failure seen yet: gallop
            probes = sorted({min(ok + (max(ok, 1) << j), limit) for j in range(_PROBES)})
        elif gap <= _PROBES:
            probes = list(range(ok + 1, bad))
        else:
            probes = [ok + (gap * j) // (_PROBES + 1) for j in range(1, _PROBES + 1)]
    return ok
