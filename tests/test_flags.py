"""Fidelity flags on every result, through the API: translation, title and summary flags, and `needs_review`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, seed_text
from service.backends.base import Encoded, GenerationOptions
from service.backends.batcher import Batcher
from service.pipeline import Pipeline
from service.quality import KINDS
from service.text import segment
from service.translate import translate

FLAG_KEYS = {"sentence", "kind", "source", "target", "detail"}

# Sentences of the Norwegian seed with hand-checked English (tests/quality/test_seed_pairs.py raises no flag on
# them); the third one's number is changed on purpose.
SENTENCES = [
    "Flere steder i Kyiv har blitt rammet av angrep og eksplosjoner mandag.",
    "Yuvgeny Guzenko skal ha sett det som skjedde fra en balkong i nabobygningen, ifølge Reuters.",
    "Rundt 300.000 innbyggere skal fremdeles være igjen i byen.",
]
ENGLISH = {
    SENTENCES[0]: "Several places in Kyiv were hit by attacks and explosions on Monday.",
    SENTENCES[1]: "Yuvgeny Guzenko reportedly saw what happened from a balcony in the building next door, "
                  "according to Reuters.",
    SENTENCES[2]: "Around 30,000 residents are reportedly still in the city.",  # 300.000 in the source
}
ARTICLE = f"{SENTENCES[0]} {SENTENCES[1]}\n\n{SENTENCES[2]}"


def translator(pipeline: Pipeline) -> Batcher:
    return pipeline.pool.get(pipeline.registry.translator_for("no"))


@pytest.fixture
def scripted_translator(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The translator answers from a script (the dict this yields) and falls back to the model; undone after."""
    batcher = translator(pipeline)
    script: dict[str, str] = dict(ENGLISH)
    original = batcher.generate

    def generate(inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        unknown = [item for item in inputs if item.text not in script]
        model = iter(original(unknown, options) if unknown else [])
        return [script[item.text] if item.text in script else next(model) for item in inputs]

    monkeypatch.setattr(batcher, "generate", generate)
    yield script


def test_tiny_model_copies_are_flagged_untranslated_at_their_sentence(client: TestClient) -> None:
    body = client.post("/v1/articles", json={"text": seed_text(NORWEGIAN_SEED), "summary": False}).json()
    translation = body["translation"]
    sentences = [s.text for s in segment(body["cleaning"]["text"], "no")]
    flags = translation["flags"]
    assert flags and translation["needs_review"] is True and body["needs_review"] is True
    assert all(set(f) == FLAG_KEYS and f["kind"] in KINDS and 0 <= f["sentence"] < len(sentences) for f in flags)
    assert [f["sentence"] for f in flags] == sorted(f["sentence"] for f in flags), "flags follow the text"
    copied = [f for f in flags if f["kind"] == "untranslated"]
    assert copied, "the tiny Marian mostly copies its input"
    for flag in copied:  # one sentence a chunk: the flag's source is exactly the sentence at its index
        assert flag["source"] == sentences[flag["sentence"]]
        assert flag["target"] in translation["text"]
    # a copy left in Norwegian also loses what it says for an English reader ("mandag" is no English date);
    # every span a flag names is in the sentence it points at
    spans = [f for f in flags if f["source"] is not None and f["kind"] != "unit_changed"]
    assert {"date_dropped", "name_dropped"} <= {f["kind"] for f in spans}
    assert all(f["source"] in sentences[f["sentence"]] for f in spans)


def test_changed_number_is_flagged_with_its_sentence_and_spans(client: TestClient,
                                                               scripted_translator: dict[str, str]) -> None:
    scripted_translator["Seks skadd i Kyiv."] = "Seven injured in Kyiv."
    body = client.post("/v1/articles", json={"text": ARTICLE, "source_lang": "no", "title": "Seks skadd i Kyiv.",
                                             "summary": {"method": "extractive"}}).json()
    translation = body["translation"]
    assert translation["text"] == f"{ENGLISH[SENTENCES[0]]} {ENGLISH[SENTENCES[1]]}\n\n{ENGLISH[SENTENCES[2]]}"
    assert translation["flags"] == [{"sentence": 2, "kind": "number_changed", "source": "300.000",
                                     "target": "30,000", "detail": "number '300.000' became '30,000'"}]
    assert translation["needs_review"] is True
    assert body["title"] == "Seven injured in Kyiv."
    assert body["title_flags"] == [{"sentence": 0, "kind": "number_changed", "source": "Seks", "target": "Seven",
                                    "detail": "number 'Seks' became 'Seven'"}]
    assert body["summary"]["flags"] == [], "extractive sentences are the translation's own"
    assert body["needs_review"] is True

    steps = client.post("/v1/translate", json={"text": ARTICLE, "source_lang": "no"}).json()
    assert steps["translation"]["flags"] == translation["flags"] and steps["needs_review"] is True


def test_flags_name_the_sentence_not_the_chunk(pipeline: Pipeline, scripted_translator: dict[str, str]) -> None:
    """Two sentences share the first chunk, so the changed number's chunk is position 1 but sentence 2."""
    scripted_translator[f"{SENTENCES[0]} {SENTENCES[1]}"] = f"{ENGLISH[SENTENCES[0]]} {ENGLISH[SENTENCES[1]]}"
    settings = pipeline.translation_settings.model_copy(update={"translate_sentences_per_chunk": 3})
    result = translate(ARTICLE, "no", translator(pipeline), settings)
    assert result.chunks == 2 and result.sentences == 3
    assert [(f.sentence, f.kind, f.source, f.target) for f in result.flags] == [
        (2, "number_changed", "300.000", "30,000")]
    assert result.needs_review is True


def test_correct_translation_needs_no_review(client: TestClient, scripted_translator: dict[str, str]) -> None:
    text = f"{SENTENCES[0]}\n\n{SENTENCES[1]}"
    body = client.post("/v1/translate", json={"text": text, "source_lang": "no"}).json()
    assert body["translation"]["flags"] == [] and body["translation"]["needs_review"] is False
    assert body["needs_review"] is False


def test_repetition_guard_cut_is_flagged(client: TestClient, scripted_translator: dict[str, str]) -> None:
    scripted_translator[SENTENCES[1]] = "Yuvgeny Guzenko saw it saw it saw it saw it saw it, according to Reuters."
    body = client.post("/v1/translate", json={"text": f"{SENTENCES[0]} {SENTENCES[1]}", "source_lang": "no"}).json()
    translation = body["translation"]
    assert "saw it saw it saw it" not in translation["text"], "the guard cut the loop"
    assert [(f["sentence"], f["kind"]) for f in translation["flags"]] == [(1, "repetition")]
    assert translation["flags"][0]["target"] in translation["text"] and body["needs_review"] is True


@pytest.mark.parametrize("path", ENGLISH_SEEDS, ids=lambda p: p.name)
def test_extractive_summary_of_english_raises_no_flag(client: TestClient, path: Path) -> None:
    body = client.post("/v1/articles", json={"text": seed_text(path), "summary": {"method": "extractive"}}).json()
    assert body["translation"] is None
    assert body["summary"]["flags"] == [] and body["title_flags"] == []
    assert body["needs_review"] is False


def test_invented_number_in_abstractive_summary_is_flagged(client: TestClient, pipeline: Pipeline,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    article = ("The factory in northern Kyiv was hit by artillery shells on Monday morning. "
               "Two people were killed there, the city's mayor said.")
    summarizer = pipeline.pool.get(pipeline.registry.summarizer)
    monkeypatch.setattr(summarizer, "generate", lambda inputs, options: [
        "Two people were killed when artillery shells hit a factory in northern Kyiv, and 45 were injured."
        for _ in inputs])
    body = client.post("/v1/summarize", json={"text": article, "source_lang": "en", "summary": {"method": "abstractive"}}).json()
    assert body["summary"]["flags"] == [{"sentence": 0, "kind": "unsupported_number", "source": None, "target": "45",
                                         "detail": "number '45' is not in the article"}]
    assert body["needs_review"] is True


def test_openapi_shows_flags_and_needs_review(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    flag = schemas["FlagOut"]
    assert set(flag["properties"]) == FLAG_KEYS
    assert flag["properties"]["kind"]["enum"] == list(KINDS)
    for name, field in [("TranslationOut", "flags"), ("SummaryOut", "flags"), ("ArticleOut", "title_flags")]:
        assert schemas[name]["properties"][field]["items"] == {"$ref": "#/components/schemas/FlagOut"}
        assert field not in schemas[name].get("required", []), "additive: older clients keep working"
    for name in ("TranslationOut", "ArticleOut", "TranslateOut", "SummarizeOut"):
        assert schemas[name]["properties"]["needs_review"]["type"] == "boolean"
