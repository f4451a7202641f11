"""pack / reassemble / collapse_repeats: budgets hold, nothing is lost or reordered, outputs go back in place."""

from __future__ import annotations

import math
from itertools import groupby
from pathlib import Path
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import Chunk, Piece, Sentence, clean, collapse_repeats, join_paragraphs, pack, reassemble, segment

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def simple(texts: Sequence[str]) -> list[int]:
    """Roughly additive: words plus a seventh of the characters."""
    return [len(t.split()) + len(t) // 7 for t in texts]


def words(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def with_specials(texts: Sequence[str]) -> list[int]:
    """Like a real tokenizer: two special tokens per input, so a sum of parts overcounts."""
    return [len(t.split()) + 2 for t in texts]


def by_chars(texts: Sequence[str]) -> list[int]:
    """Non-additive the other way: the join adds spaces, and ceil rounds every call up."""
    return [math.ceil(len(t) / 4) for t in texts]


def erratic(texts: Sequence[str]) -> list[int]:
    """Not even monotone: pack must still never exceed the budget."""
    return [len(t) // 5 + (3 if len(t.split()) % 3 == 0 else 0) for t in texts]


class Counting:
    def __init__(self, count) -> None:
        self.count, self.calls, self.texts = count, 0, 0

    def __call__(self, texts: Sequence[str]) -> list[int]:
        self.calls += 1
        self.texts += len(texts)
        return self.count(texts)


def sentences_of(*paragraphs: Sequence[str]) -> list[Sentence]:
    out: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs):
        for text in paragraph:
            out.append(Sentence(text, number, len(out)))
    return out


def layout(chunks: list[Chunk]) -> list[list[tuple[int, int]]]:
    return [[(p.sentence, p.part) for p in chunk.pieces] for chunk in chunks]


# --- pack: exact behaviour --------------------------------------------------------------------

def test_pack_greedy_in_order() -> None:
    sentences = sentences_of(["a b c.", "d e."], ["f g h i.", "j."])
    assert layout(pack(sentences, words, 5)) == [[(0, 0), (1, 0)], [(2, 0), (3, 0)]]
    assert layout(pack(sentences, words, 6)) == [[(0, 0), (1, 0)], [(2, 0), (3, 0)]]
    assert layout(pack(sentences, words, 100)) == [[(0, 0), (1, 0), (2, 0), (3, 0)]]
    assert pack(sentences, words, 100)[0].text == "a b c. d e. f g h i. j."


def test_pack_max_sentences_and_paragraphs() -> None:
    sentences = sentences_of(["a.", "b.", "c."], ["d.", "e."])
    assert layout(pack(sentences, words, 100, max_sentences=1)) == [[(i, 0)] for i in range(5)]
    assert layout(pack(sentences, words, 100, max_sentences=2)) == [[(0, 0), (1, 0)], [(2, 0), (3, 0)], [(4, 0)]]
    assert layout(pack(sentences, words, 100, within_paragraph=True)) == [[(0, 0), (1, 0), (2, 0)], [(3, 0), (4, 0)]]
    assert layout(pack(sentences, words, 100, max_sentences=2, within_paragraph=True)) == [
        [(0, 0), (1, 0)], [(2, 0)], [(3, 0), (4, 0)]]


def test_pack_counts_the_joined_text_not_the_sum() -> None:
    # each sentence alone is 1 + 2 specials = 3; three together are 3 + 2 = 5, not 9
    sentences = sentences_of(["a.", "b.", "c.", "d."])
    assert layout(pack(sentences, with_specials, 5)) == [[(0, 0), (1, 0), (2, 0)], [(3, 0)]]


def test_over_long_sentence_is_split_at_words() -> None:
    sentences = sentences_of(["Short one.", "one two three four five six seven.", "Tail."])
    chunks = pack(sentences, words, 3)
    assert [c.pieces for c in chunks] == [
        (Piece("Short one.", 0, 0),),
        (Piece("one two three", 1, 0, 0, ""),),
        (Piece("four five six", 1, 0, 1, " "),),
        (Piece("seven.", 1, 0, 2, " "),),
        (Piece("Tail.", 2, 0),),
    ]


def test_giant_word_is_split_at_characters() -> None:
    url = "https://example.com/" + "x" * 30
    chunks = pack(sentences_of([f"See {url} now."]), by_chars, 4)
    assert [c.text for c in chunks] == ["See", "https://example.", "com/xxxxxxxxxxxx", "xxxxxxxxxxxxxxxx", "xx",
                                        "now."]
    assert [p.glue for c in chunks for p in c.pieces] == ["", " ", "", "", "", " "]
    assert reassemble(chunks, [c.text for c in chunks]) == f"See {url} now."


def test_pack_validates() -> None:
    sentences = sentences_of(["a."])
    with pytest.raises(ValueError, match="max_tokens"):
        pack(sentences, words, 0)
    with pytest.raises(ValueError, match="max_sentences"):
        pack(sentences, words, 5, max_sentences=0)
    with pytest.raises(ValueError, match="blank"):
        pack(sentences_of(["a.", "  "]), words, 5)
    with pytest.raises(ValueError, match="single character"):
        pack(sentences_of(["abc"]), lambda ts: [len(t) + 2 for t in ts], 2)
    assert pack([], words, 5) == []


def test_pack_counts_in_batches() -> None:
    text = clean(SEEDS[4].read_text(encoding="utf-8")).text
    sentences = segment(text, "no")
    counter = Counting(simple)
    chunks = pack(sentences, counter, 120)
    assert counter.calls <= 2 * len(chunks) + 5
    # one huge sentence: a search over word prefixes, not a call per word
    huge = sentences_of([" ".join(f"word{n}" for n in range(5000)) + "."])
    for count in (simple, with_specials):
        counter = Counting(count)
        chunks = pack(huge, counter, 50)
        assert len(chunks) > 100 and counter.calls <= len(chunks) + 20
        assert counter.texts <= 3 * len(chunks)


# --- reassemble -------------------------------------------------------------------------------

def test_reassemble_restores_paragraphs() -> None:
    sentences = sentences_of(["One.", "Two."], ["Three is long here."], ["Four."])
    chunks = pack(sentences, words, 2, within_paragraph=True)
    outputs = [c.text.upper() for c in chunks]
    assert [c.text for c in chunks] == ["One. Two.", "Three is", "long here.", "Four."]
    assert reassemble(chunks, outputs) == "ONE. TWO.\n\nTHREE IS LONG HERE.\n\nFOUR."


def test_reassemble_rejects_bad_input() -> None:
    sentences = sentences_of(["One."], ["Two."])
    spanning = pack(sentences, words, 10)
    with pytest.raises(ValueError, match="within_paragraph"):
        reassemble(spanning, ["x"])
    with pytest.raises(ValueError, match="outputs"):
        reassemble(pack(sentences, words, 10, within_paragraph=True), ["only one"])


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_translation_shape_roundtrip(path: Path) -> None:
    text = clean(path.read_text(encoding="utf-8")).text
    sentences = segment(text, "no" if path.name.startswith("004") else "en")
    chunks = pack(sentences, with_specials, 12, max_sentences=1, within_paragraph=True)
    assert reassemble(chunks, [c.text for c in chunks]) == text


# --- pack: properties -------------------------------------------------------------------------

WORD = st.one_of(st.sampled_from(["a", "the", "Kyiv.", "300.000", "–", "“quoted”", "x" * 45]),
                 st.text(st.characters(codec="utf-8", exclude_categories=["Z", "C"]), min_size=1, max_size=12))
SENTENCE = st.lists(WORD, min_size=1, max_size=25).map(" ".join)
ARTICLE = st.lists(st.lists(SENTENCE, min_size=1, max_size=5), min_size=1, max_size=5)


def check(sentences: list[Sentence], chunks: list[Chunk], count, max_tokens: int,
          max_sentences: int | None, within_paragraph: bool) -> None:
    # no chunk over budget
    assert all(n <= max_tokens for n in count([c.text for c in chunks]))
    # every sentence, in order, whole or as consecutive pieces part 0, 1, 2...
    pieces = [p for c in chunks for p in c.pieces]
    assert [s for s, _ in groupby(p.sentence for p in pieces)] == [s.index for s in sentences]
    for sentence in sentences:
        own = [p for p in pieces if p.sentence == sentence.index]
        assert [p.part for p in own] == list(range(len(own)))
        assert all(p.paragraph == sentence.paragraph for p in own)
        if len(own) == 1:
            assert own[0].text == sentence.text
        else:  # split only when too long alone, each piece alone in its chunk
            assert count([sentence.text])[0] > max_tokens
            assert all(c.pieces == (p,) for p in own for c in chunks if p in c.pieces)
            assert "".join(p.glue + p.text for p in own) == " ".join(sentence.text.split())
    for chunk in chunks:
        assert len({p.sentence for p in chunk.pieces}) <= (max_sentences or len(sentences))
        if within_paragraph:
            assert len({p.paragraph for p in chunk.pieces}) == 1


@settings(max_examples=150, deadline=None)
@given(ARTICLE, st.sampled_from([simple, with_specials, by_chars, erratic]), st.integers(3, 60),
       st.sampled_from([None, 1, 2, 5]), st.booleans())
def test_pack_invariants(article: list[list[str]], count, max_tokens: int, max_sentences: int | None,
                         within_paragraph: bool) -> None:
    sentences = sentences_of(*article)
    chunks = pack(sentences, count, max_tokens, max_sentences=max_sentences, within_paragraph=within_paragraph)
    check(sentences, chunks, count, max_tokens, max_sentences, within_paragraph)
    if within_paragraph:
        assert reassemble(chunks, [c.text for c in chunks]) == join_paragraphs(article)
    if count is not erratic:  # greedy: the next sentence did not fit, or a cap was reached
        whole = {s.index for s in sentences if count([s.text])[0] <= max_tokens}
        for chunk, after in zip(chunks, chunks[1:]):
            last, nxt = chunk.pieces[-1], after.pieces[0]
            if last.sentence not in whole or nxt.sentence not in whole:
                continue
            capped = len(chunk.pieces) == max_sentences or (within_paragraph and last.paragraph != nxt.paragraph)
            assert capped or count([chunk.text + " " + nxt.text])[0] > max_tokens


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.sampled_from([simple, by_chars]))
def test_tiny_budgets_split_to_characters(max_tokens: int, count) -> None:
    sentences = sentences_of(["Supercalifragilistic https://example.com/very/long/path words."])
    chunks = pack(sentences, count, max_tokens)
    check(sentences, chunks, count, max_tokens, None, False)


# --- collapse_repeats -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "max_repeats", "expected"), [
    ("the the the the cat", 2, "the the cat"),
    ("a b a b a b a b.", 2, "a b a b."),
    ("the the cat", 2, "the the cat"),
    ("the the the cat", 1, "the cat"),
    ("No, no, no, no, no.", 2, "No, no."),
    ("I will go. I will go. I will go. I will go. Then stop.", 2, "I will go. I will go. Then stop."),
    ("one two three four five six seven eight " * 4 + "end", 2, "one two three four five six seven eight " * 2 + "end"),
    ("nine words " * 9 + "end", 3, "nine words " * 3 + "end"),
    ("ha ha ha ha\n\nNext paragraph stays.", 2, "ha ha\n\nNext paragraph stays."),
    ("A  normal   sentence,\n\nwith  odd spacing.", 2, "A  normal   sentence,\n\nwith  odd spacing."),
    ("", 2, ""),
])
def test_collapse_repeats(text: str, max_repeats: int, expected: str) -> None:
    assert collapse_repeats(text, max_repeats) == expected


def test_collapse_repeats_leaves_ngrams_longer_than_eight() -> None:
    nine = "a b c d e f g h i "
    assert collapse_repeats(nine * 3) == nine * 3


def test_collapse_repeats_validates() -> None:
    with pytest.raises(ValueError):
        collapse_repeats("a a a", 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcdefghij", min_size=1, max_size=6), unique=True, max_size=30),
       st.sampled_from([" ", "\n", "  ", "\n\n"]))
def test_collapse_repeats_keeps_text_without_repeats(words_: list[str], gap: str) -> None:
    text = gap.join(words_)
    assert collapse_repeats(text) == text


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(["a", "b", "a.", "B", "c,", "the", "\n\n"]), max_size=40).map(" ".join),
                 st.text(max_size=60)),
       st.integers(1, 3))
def test_collapse_repeats_is_idempotent_and_bounded(text: str, max_repeats: int) -> None:
    once = collapse_repeats(text, max_repeats)
    assert collapse_repeats(once, max_repeats) == once
    assert len(once) <= len(text)
    assert once.split()[-1:] == text.split()[-1:]  # the last word (and its punctuation) survives
