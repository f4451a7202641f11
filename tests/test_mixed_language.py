"""English paragraphs in a non-English article pass through untranslated, in place; nothing is dropped or moved."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, seed_text
from service.api.app import create_app
from service.config import Settings
from service.detect import engines
from service.pipeline import ArticleRequest, Pipeline, TranslateRequest
from service.text import clean, segment, split_paragraphs

# Paragraphs long enough that detection is sure of each (short ones take the article's language by design), and
# prose through and through (cleaning leaves them whole), so the article's paragraphs are the ones put in.
NORWEGIAN = [p for p in split_paragraphs(seed_text(NORWEGIAN_SEED)) if 80 <= len(p) <= 240 and clean(p).text == p]
ENGLISH = [p for path in ENGLISH_SEEDS for p in split_paragraphs(seed_text(path))
           if 100 <= len(p) <= 200 and clean(p).text == p]


@st.composite
def mixes(draw: st.DrawFn) -> tuple[list[str], list[bool]]:
    """Norwegian seed paragraphs with fewer English seed paragraphs interleaved; (paragraphs, is_english)."""
    norwegian = draw(st.lists(st.sampled_from(NORWEGIAN), min_size=2, max_size=6, unique=True))
    english = draw(st.lists(st.sampled_from(ENGLISH), min_size=1, max_size=len(norwegian) // 2, unique=True))
    positions = draw(st.permutations(range(len(norwegian) + len(english))))
    slots = set(positions[:len(english)])
    by_language = {True: iter(english), False: iter(norwegian)}
    flags = [i in slots for i in range(len(norwegian) + len(english))]
    return [next(by_language[flag]) for flag in flags], flags


@hsettings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mix=mixes(), source_lang=st.sampled_from([None, "no"]))
def test_english_paragraphs_pass_through_in_place(pipeline: Pipeline, mix: tuple[list[str], list[bool]],
                                                  source_lang: str | None) -> None:
    paragraphs, is_english = mix
    result = pipeline.process(ArticleRequest(text="\n\n".join(paragraphs), source_lang=source_lang, summary=None))
    assert result.cleaning.text.split("\n\n") == paragraphs  # seed prose: nothing to clean
    assert result.language.language.code == "no" and result.translation is not None
    translated = result.translation.text.split("\n\n")
    assert len(translated) == len(paragraphs)  # paragraph order kept, nothing dropped or merged
    for source, target, english in zip(paragraphs, translated, is_english):
        if english:
            assert target == source
    norwegian_sentences = [s for s in segment(result.cleaning.text, "no") if not is_english[s.paragraph]]
    assert result.translation.sentences == len(segment(result.cleaning.text, "no"))
    assert result.translation.chunks == len(norwegian_sentences)  # one model input per Norwegian sentence only
    count = sum(is_english)
    assert f"mixed_language: {count} paragraph{'s' if count != 1 else ''} in English passed through untranslated" \
        in result.warnings


def test_one_language_has_no_warning(pipeline: Pipeline) -> None:
    result = pipeline.process(ArticleRequest(text="\n\n".join(NORWEGIAN[:4]), summary=None))
    assert result.translation is not None and result.translation.chunks == len(segment("\n\n".join(NORWEGIAN[:4])))
    assert not any(w.startswith("mixed_language") for w in result.warnings)


def test_translate_route_passes_english_through(client: TestClient) -> None:
    paragraphs = [NORWEGIAN[0], ENGLISH[0], NORWEGIAN[1], NORWEGIAN[2]]
    body = client.post("/v1/translate", json={"text": "\n\n".join(paragraphs)}).json()
    assert body["text"].split("\n\n")[1] == ENGLISH[0] and len(body["text"].split("\n\n")) == 4
    assert "mixed_language: 1 paragraph in English passed through untranslated" in body["warnings"]


def test_a_fragment_passes_english_segments_through(client: TestClient) -> None:
    fragment = (f"<p>{NORWEGIAN[0]}</p><blockquote><p>{ENGLISH[0]}</p></blockquote>"
                f"<p><a href=\"/x\">{NORWEGIAN[1]}</a></p><p>{NORWEGIAN[2]}</p>")
    body = client.post("/v1/articles", content=fragment.encode(), headers={"content-type": "text/html"}).json()
    assert f"<blockquote><p>{ENGLISH[0]}</p></blockquote>" in body["translation"]["html"]
    assert body["translation"]["text"].split("\n\n")[1] == ENGLISH[0]
    assert "mixed_language: 1 paragraph in English passed through untranslated" in body["warnings"]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    """The candidate sets of every detector built from now on (none built before: a fresh process)."""
    seen: list[frozenset[str]] = []
    factories = dict(engines._ENGINES)

    def recording(name: str) -> Callable[[frozenset[str]], engines.Engine]:
        def build(candidates: frozenset[str]) -> engines.Engine:
            seen.append(candidates)
            return factories[name](candidates)

        return build

    monkeypatch.setattr(engines, "_built", {})
    monkeypatch.setattr(engines, "_ENGINES", {name: recording(name) for name in factories})
    return seen


def test_a_named_language_is_told_from_english_only(pipeline: Pipeline, built: list[frozenset[str]]) -> None:
    """`source_lang` given: the full detector (most of a gigabyte with lingua) is never built; the paragraphs are
    checked against English with a detector of the two languages, and English ones still pass through."""
    paragraphs = [NORWEGIAN[0], ENGLISH[0], NORWEGIAN[1]]
    result = pipeline.translate_article(TranslateRequest(text="\n\n".join(paragraphs), source_lang="no"))
    assert result.language.source == "override"
    assert result.text.split("\n\n")[1] == ENGLISH[0]
    assert "mixed_language: 1 paragraph in English passed through untranslated" in result.warnings
    assert built == [frozenset({"no", "en"})]


def test_a_named_language_the_detector_does_not_know_is_translated_whole(
    pipeline: Pipeline, built: list[frozenset[str]]
) -> None:
    """Faroese is routed but neither engine knows it: nothing to tell English from, so every paragraph is
    translated, and no detector of every language is built to find that out."""
    paragraphs = [NORWEGIAN[0], ENGLISH[0], NORWEGIAN[1]]
    result = pipeline.translate_article(TranslateRequest(text="\n\n".join(paragraphs), source_lang="fo"))
    assert result.translation is not None and result.translation.chunks == len(segment("\n\n".join(paragraphs)))
    assert not any(w.startswith("mixed_language") for w in result.warnings)
    assert all(candidates <= {"fo", "en"} for candidates in built)


def test_an_unnamed_language_builds_the_full_detector(pipeline: Pipeline, built: list[frozenset[str]]) -> None:
    pipeline.translate_article(TranslateRequest(text="\n\n".join([NORWEGIAN[0], NORWEGIAN[1]])))
    assert built == [pipeline.routing.candidates]


def test_a_server_whose_clients_name_the_language_never_builds_the_full_detector(
    settings: Settings, built: list[frozenset[str]]
) -> None:
    """Without WIREBRIEF_PRELOAD nothing is detected at start; translate requests with `source` (LibreTranslate's
    API) and `source_lang` (ours) build only the two-language detector."""
    assert not settings.preload
    text = "\n\n".join([NORWEGIAN[0], ENGLISH[0]])
    with TestClient(create_app(settings)) as client:
        assert built == []
        ours = client.post("/v1/translate", json={"text": text, "source_lang": "no"})
        theirs = client.post("/translate", json={"q": text, "source": "no", "target": "en"})
        assert ours.status_code == theirs.status_code == 200
    assert set(built) == {frozenset({"no", "en"})}
