"""Summaries: one shape whatever the method; whole, distinct sentences within the style's bounds."""

import re
from pathlib import Path

import pytest

from conftest import ENGLISH_SEEDS, SEED_FILES, seed_text
from testkit import PROJECT_ROOT
from service.errors import UnknownStyle
from service.summarize import Prompts, summarize_abstractive, summarize_extractive
from service.summarize.extractive import select, textrank
from service.summarize.shape import fit, headline, key_points, overlap, whole_sentences
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


def test_headline_is_the_title_when_there_is_one() -> None:
    assert headline("Russia fires missiles at Kyiv.", 10, title="  Missiles hit Kyiv  during UN visit. ") == \
        "Missiles hit Kyiv during UN visit"


@pytest.mark.parametrize(("lead", "expected"), [
    ("Russia fires missiles at Kyiv.", "Russia fires missiles at Kyiv"),
    ("At least 10 people have been injured after Russia fired missiles into Kyiv on Thursday, during a visit by "
     "UN Secretary General Antonio Guterres.", "At least 10 people have been injured after Russia fired missiles into Kyiv"),
    ("Klitschko claims that one person died and six were injured, according to the Interfax Ukraine news agency.",
     "One person died and six were injured"),
    ("On Monday, Ukraine's deputy prime minister announced 10 humanitarian corridors.",
     "Ukraine's deputy prime minister announced 10 humanitarian corridors"),
    ("Russia denies targeting civilians – a war crime under international law – despite daily strikes.",
     "Russia denies targeting civilians despite daily strikes"),
    ("Prices rose 4 percent (the most since 1991), the statistics office said.", "Prices rose 4 percent"),
    ("President Vladimir Putin calls Russian actions a \"special military operation\" to disarm Ukraine that "
     "became necessary as the United States was using the country to threaten Russia.",
     "President Vladimir Putin calls Russian actions a \"special military operation\""),
])
def test_headline_compresses_the_lead_by_rules(lead: str, expected: str) -> None:
    assert headline(lead, 14) == expected


def test_headline_never_cuts_mid_phrase() -> None:
    """Only whole clauses and phrases are dropped; no ellipsis, and the words kept are the lead's, in order."""
    lead = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen."
    assert headline(lead, 5) == lead.rstrip(".").capitalize(), "no phrase boundary: the main clause stays whole"
    for sentence in whole_sentences(" ".join(clean(seed_text(p)).text for p in ENGLISH_SEEDS)):
        short = headline(sentence, 14)
        assert short and ("…" not in short or "…" in sentence) and short[:1] == short[:1].upper()
        words = iter(_bare(sentence))
        assert all(word in words for word in _bare(short)), f"{short!r} is not drawn from {sentence!r} in order"


def _bare(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^\w'’-]", "", word).lower() for word in text.split()) if w]


def test_key_points_are_salient_sentences_the_summary_does_not_carry() -> None:
    article = ["Russia fired missiles at Kyiv on Thursday during a UN visit.",
               "The missiles hit a residential building in the Shevchenko district.",
               "Ten people were injured in the Shevchenko district building.",
               "A short caption.",
               "Guterres said he was shocked by the attack on Kyiv.",
               "The missiles struck a residential building in the Shevchenko district of Kyiv."]
    summary = ["Russia fired missiles at Kyiv on Thursday during a UN visit."]
    points = key_points(article, summary, 3)
    assert summary[0] not in points and "A short caption." not in points
    assert points == sorted(points, key=article.index), "article order"
    assert len(points) == 3
    assert not any(max(overlap(a, b), overlap(b, a)) >= 0.6 for a in points for b in points if a != b)
    assert key_points(article, article, 3) == [], "a summary that carries everything leaves no point"


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
    assert summary.headline and not summary.headline.endswith("…")
    if style_name == "bullets":
        assert list(summary.key_points) == picked[: style.key_points]
    else:
        assert len(summary.key_points) <= style.key_points
        assert all(p in own_sentences and p not in picked for p in summary.key_points), "points the summary lacks"
        positions = [own_sentences.index(p) for p in summary.key_points]
        assert positions == sorted(positions)


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
    own = [s.text for s in segment(article, "en")]
    assert all(p in own and overlap(p, summary.summary) < 0.6 for p in summary.key_points)
    assert summary.key_points, "a long article has points its summary does not carry"
