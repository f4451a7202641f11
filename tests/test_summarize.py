"""Summaries: one shape whatever the method; whole, distinct sentences within the style's bounds."""

from pathlib import Path

import pytest

from conftest import ENGLISH_SEEDS, SEED_FILES, seed_text
from testkit import PROJECT_ROOT
from service.errors import UnknownStyle
from service.summarize import Prompts, summarize_abstractive, summarize_extractive
from service.summarize.extractive import select, textrank
from service.summarize.shape import fit, headline, whole_sentences
from service.text import clean, segment

PROMPTS = Prompts.load(PROJECT_ROOT / "prompts")


def test_styles_load_with_sane_bounds() -> None:
    assert set(PROMPTS.styles) == {"brief", "standard", "bullets"}
    assert PROMPTS.style(None).name == "standard"
    for style in PROMPTS.styles.values():
        assert 0 < style.min_words <= style.max_words
        assert 0 < style.min_new_tokens <= style.max_new_tokens


def test_unknown_style() -> None:
    with pytest.raises(UnknownStyle, match="choose one of \\['brief', 'bullets', 'standard'\\]"):
        PROMPTS.style("haiku")


def test_templates_fill_text_and_bounds() -> None:
    assert PROMPTS.template(None) == "{text}"
    assert PROMPTS.template("t5").format(text="A b.") == "summarize: A b."
    flan = PROMPTS.template("flan").format(text="Body.", max_words=50, style="brief")
    assert "at most 50 words" in flan and flan.endswith("\n\nBody.")


def test_whole_sentences_drops_fragments_and_repeats() -> None:
    raw = "Kyiv was hit. KYIV was hit! The mayor said two died. The attack came at night and"
    assert whole_sentences(raw) == ["Kyiv was hit.", "The mayor said two died."]


def test_whole_sentences_keeps_quoted_endings() -> None:
    assert whole_sentences("He said “we must not drop our vigilance.” Then he left") == [
        "He said “we must not drop our vigilance.”"]


def test_fit_keeps_leading_sentences_within_max_words() -> None:
    style = PROMPTS.style("brief")  # 12..50 words
    sentences = [" ".join(["word"] * 20) + "."] * 3
    kept, warnings = fit(sentences, style)
    assert len(kept) == 2 and warnings == []


def test_fit_warns_when_bounds_cannot_be_met() -> None:
    style = PROMPTS.style("brief")
    assert fit(["Too short."], style)[1][0].startswith("summary_short")
    long_one = " ".join(["word"] * 60) + "."
    kept, warnings = fit([long_one, "Next."], style)
    assert kept == [long_one] and warnings[0].startswith("summary_long")


def test_headline_shortens_at_word_boundary() -> None:
    assert headline("Russia fires missiles at Kyiv.", 10) == "Russia fires missiles at Kyiv"
    assert headline("one two three four five, six seven", 5) == "one two three four five…"


def test_textrank_prefers_the_central_sentence() -> None:
    sentences = ["Russia fired missiles at Kyiv on Thursday.", "The missiles hit Kyiv during a UN visit.",
                 "Guterres visited Kyiv on Thursday.", "Cats are nice."]
    scores = textrank(sentences)
    assert scores.index(max(scores)) == 0 and scores.index(min(scores)) == 3
    assert select(sentences, 5, 15) == [0, 2]


@pytest.mark.parametrize("path", ENGLISH_SEEDS, ids=lambda p: p.name)
@pytest.mark.parametrize("style_name", ["brief", "standard", "bullets"])
def test_extractive_on_english_seeds(path: Path, style_name: str) -> None:
    style = PROMPTS.style(style_name)
    article = clean(seed_text(path)).text
    summary = summarize_extractive(article, style)
    own_sentences = [s.text for s in segment(article, "en")]
    picked = whole_sentences(summary.summary)
    assert picked, "a summary has at least one sentence"
    assert all(s in own_sentences for s in picked), "extractive uses the article's own sentences verbatim"
    positions = [own_sentences.index(s) for s in picked]
    assert positions == sorted(positions), "article order is kept"
    assert summary.word_count == len(summary.summary.split())
    assert summary.word_count <= style.max_words
    assert (summary.method, summary.style, summary.model) == ("extractive", style_name, None)
    assert list(summary.key_points) == picked[: style.key_points]
    assert summary.headline and len(summary.headline.split()) <= style.headline_max_words + 1


def test_extractive_is_deterministic() -> None:
    article = clean(seed_text(SEED_FILES[0])).text
    assert summarize_extractive(article, PROMPTS.style(None)) == summarize_extractive(article, PROMPTS.style(None))


def test_title_becomes_headline() -> None:
    article = clean(seed_text(SEED_FILES[1])).text
    summary = summarize_extractive(article, PROMPTS.style("brief"), title="Missiles hit Kyiv during UN visit")
    assert summary.headline == "Missiles hit Kyiv during UN visit"


def test_abstractive_map_reduce_on_tiny_bart(pipeline) -> None:
    """An article longer than the model's input is summarized in chunks, then the chunk summaries."""
    backend = pipeline.pool.get(pipeline.registry.summarizer)
    article = "\n\n".join(clean(seed_text(p)).text for p in ENGLISH_SEEDS)
    assert backend.encode([article])[0].length > backend.max_input_tokens
    summary = summarize_abstractive(article, backend, PROMPTS.style("standard"), PROMPTS, template=None,
                                    max_input_tokens=0, max_rounds=3)
    assert summary.rounds >= 2 and summary.chunks >= 2
    assert summary.summary and summary.word_count == len(summary.summary.split())
    assert " ".join(whole_sentences(summary.summary)) == summary.summary, "only whole, distinct sentences"
    assert summary.method == "abstractive" and summary.model == backend.spec.model_id
