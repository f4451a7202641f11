"""The HTTP API against the real app and the tiny models: shapes, routing, and every bad input."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, SEED_FILES, seed_text, write_registry
from service.api.app import create_app
from service.config import Settings
from service.text import segment, split_paragraphs

SUMMARY_KEYS = {"headline", "summary", "key_points", "word_count", "style", "method", "model", "chunks", "rounds",
                "flags"}
GMQ = "Helsinki-NLP/opus-mt-gmq-en"


def post_text(client: TestClient, text: str | bytes, path: str = "/v1/articles", **headers: str):
    return client.post(path, content=text, headers={"content-type": "text/plain; charset=utf-8", **headers})


def test_norwegian_reference_article(client: TestClient) -> None:
    raw = seed_text(NORWEGIAN_SEED)
    response = post_text(client, raw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"]["code"] == "no"
    translation = body["translation"]
    assert translation["model"] == GMQ and translation["source_lang"] == "no"
    cleaned = body["cleaning"]["text"]
    assert translation["sentences"] == len(segment(cleaned, "no"))
    assert translation["chunks"] >= translation["sentences"]
    assert len(split_paragraphs(translation["text"])) == len(split_paragraphs(cleaned)), "paragraph breaks restored"
    assert {r["rule"] for r in body["cleaning"]["removed"]} >= {"photo_credit", "javascript_notice"}
    assert "Foto:" not in cleaned and "javascript" not in cleaned
    assert set(body["summary"]) == SUMMARY_KEYS
    assert body["summary"]["word_count"] == len(body["summary"]["summary"].split())
    assert set(body["timings_ms"]) >= {"clean", "detect", "translate", "summarize", "total"}


@pytest.mark.parametrize("path", ENGLISH_SEEDS, ids=lambda p: p.name)
def test_english_seeds_are_not_translated(client: TestClient, path: Path) -> None:
    body = post_text(client, seed_text(path)).json()
    assert body["language"]["code"] == "en"
    assert body["translation"] is None


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", ["brief", "bullets"])
@pytest.mark.parametrize("method", ["abstractive", "extractive"])
def test_uniform_summary_shape(client: TestClient, path: Path, style: str, method: str) -> None:
    response = client.post("/v1/articles", json={"text": seed_text(path), "translate": False,
                                                 "summary": {"style": style, "method": method}})
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["style"] == style and summary["summary"] and summary["headline"]
    assert isinstance(summary["key_points"], list) and summary["key_points"]
    assert summary["word_count"] == len(summary["summary"].split())
    assert response.json()["translation"] is None


def test_source_lang_override_routes_norwegian_variants(client: TestClient) -> None:
    body = client.post("/v1/articles", json={"text": seed_text(NORWEGIAN_SEED), "source_lang": "nn",
                                             "summary": False}).json()
    assert body["language"]["source"] == "override"
    assert body["translation"]["model"] == GMQ and body["summary"] is None


def test_title_is_translated_and_used_as_headline(client: TestClient) -> None:
    body = client.post("/v1/articles", json={"text": seed_text(NORWEGIAN_SEED), "title": "Eksplosjon i Kyiv.",
                                             "summary": {"method": "extractive"}}).json()
    assert body["title"] and body["summary"]["headline"] == body["title"].rstrip(".")


def test_detect_endpoint(client: TestClient) -> None:
    body = client.post("/v1/detect", json={"text": seed_text(NORWEGIAN_SEED)}).json()
    language = body["language"]
    assert (language["code"], language["name"], language["source"]) == ("no", "Norwegian", "detected")
    assert language["candidates"][0] == {"code": "no", "name": "Norwegian", "confidence": language["confidence"]}
    assert body["warnings"] == [] and set(body) == {"language", "warnings"}


def test_translate_passes_english_through(client: TestClient) -> None:
    raw = seed_text(ENGLISH_SEEDS[2])
    body = client.post("/v1/translate", json={"text": raw}).json()
    assert body["translation"] is None
    assert body["text"] == client.post("/v1/articles", json={"text": raw, "summary": False}).json()["cleaning"]["text"]


def test_articles_keep_every_line_with_clean_false(client: TestClient) -> None:
    text = "Home | News | Sport | Weather\n\nThe council met on Tuesday and agreed the budget.\n\nShare on Facebook"
    body = {"text": text, "source_lang": "en", "summary": False}
    cleaned = client.post("/v1/articles", json=body).json()["cleaning"]
    assert cleaned["text"] == "The council met on Tuesday and agreed the budget."
    whole = client.post("/v1/articles", json={**body, "clean": False}).json()["cleaning"]
    assert whole["text"] == text and whole["removed"] == []


def test_translate_norwegian(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"text": "Nato sier nei. Det er ikke bekreftet.", "source_lang": "no"})
    assert body.status_code == 200
    assert body.json()["translation"]["sentences"] == 2 and body.json()["translation"]["model"] == GMQ


def test_summarize_endpoint_extractive(client: TestClient) -> None:
    body = client.post("/v1/summarize", json={"text": seed_text(SEED_FILES[0]),
                                              "summary": {"method": "extractive", "style": "brief"}}).json()
    assert body["summary"]["method"] == "extractive" and body["summary"]["style"] == "brief"
    assert body["summary"]["word_count"] <= 50


def test_languages(client: TestClient) -> None:
    page = client.get("/v1/languages").json()
    assert page["has_more"] is False and page["next_after"] is None
    rows = {row["code"]: row for row in page["data"]}
    assert rows["no"]["model"] == "opus-mt-gmq-en" and rows["no"]["detectable"] is True
    assert rows["nb"]["model"] == "opus-mt-gmq-en" and rows["nb"]["detectable"] is False
    assert rows["de"] == {"code": "de", "name": "German", "model": "opus-mt-mul-en", "preferred_model": "opus-mt-de-en",
                          "fallback": True, "detectable": True}
    assert rows["ja"]["model"] == rows["ja"]["preferred_model"] == "opus-mt-mul-en" and not rows["ja"]["fallback"]
    assert rows["en"]["model"] is None and rows["en"]["preferred_model"] is None and not rows["en"]["fallback"]


def test_health_and_docs(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"ArticleIn", "SummaryOptions", "ArticleOut"} <= set(spec["components"]["schemas"])
    content = spec["paths"]["/v1/articles"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/plain", "text/html"}


def test_ready_lists_every_model_and_a_missing_optional_one_is_not_fatal(client: TestClient) -> None:
    response = client.get("/ready")
    states = {m["key"]: m["state"] for m in response.json()["models"]}
    assert states["opus-mt-de-en"] == "missing" and states["opus-mt-gmq-en"] in ("present", "loaded")
    assert response.status_code == 200 and response.json()["ready"] is True
    assert response.json()["optional_missing"] == ["opus-mt-de-en"]
    assert response.json()["unserved_languages"] == []
    assert "wirebrief models pull --model opus-mt-de-en" in response.json()["missing_hint"]


def test_missing_dedicated_model_falls_back_to_the_catch_all(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "Das ist ein Test.", "source_lang": "de",
                                                 "summary": {"method": "extractive"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["translation"]["model"] == "Helsinki-NLP/opus-mt-mul-en"
    [warning] = [w for w in body["warnings"] if w.startswith("fallback_model:")]
    assert warning.startswith("fallback_model: de is translated by opus-mt-mul-en because opus-mt-de-en is not "
                              "on this machine; pull it with `")
    assert warning.endswith("wirebrief models pull --lang de`")


def test_missing_summarizer_still_allows_extractive(tiny_models, tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "r.toml", tiny_models["marian"], None, summarizer_present=False)
    settings = Settings(registry_path=registry, models_dir=tmp_path / "cache", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        text = seed_text(SEED_FILES[0])
        assert client.post("/v1/articles", json={"text": text}).json()["error"]["code"] == "model_unavailable"
        ok = client.post("/v1/articles", json={"text": text, "summary": {"method": "extractive"}})
        assert ok.status_code == 200 and ok.json()["summary"]["method"] == "extractive"
        ready = client.get("/ready")
        states = {m["key"]: m["state"] for m in ready.json()["models"]}
        assert states["distilbart-cnn"] == "missing"
        assert ready.status_code == 503, "summaries are abstractive by default: the summarizer is needed"
        assert ready.json()["unserved_languages"] == [] and ready.json()["optional_missing"] == ["opus-mt-de-en"]


BAD_INPUTS = [
    # (name, content-type, body, status, error code)
    ("empty", "text/plain", b"", 422, "empty_text"),
    ("whitespace", "text/plain", b" \n\t \n", 422, "empty_text"),
    ("whitespace json", "application/json", b'{"text": "   "}', 422, "empty_text"),
    ("only boilerplate", "text/plain", b"[embedded content]\n-\n02:42 AM", 422, "empty_text"),
    ("xml", "application/xml", b"<a>text</a>", 415, "unsupported_media_type"),
    ("no content type", "", b"Some text.", 415, "unsupported_media_type"),
    ("unknown source_lang", "application/json", b'{"text": "Hei.", "source_lang": "xx"}', 422,
     "unsupported_language"),
    ("invalid utf-8", "text/plain", b"Hei \xff\xfe verden.", 400, "bad_request"),
    ("invalid utf-8 json", "application/json", b'{"text": "\xff"}', 400, "bad_request"),
    ("malformed json", "application/json", b'{"text": ', 400, "bad_request"),
    ("wrong type", "application/json", b'{"text": 5}', 422, "invalid_input"),
    ("missing text", "application/json", b'{"title": "x"}', 422, "invalid_input"),
    ("unknown field", "application/json", b'{"text": "Hei.", "colour": "red"}', 422, "invalid_input"),
    ("unknown style", "application/json", b'{"text": "A sentence here.", "summary": {"style": "haiku"}}', 422,
     "unknown_style"),
    ("unknown method", "application/json", b'{"text": "A sentence.", "summary": {"method": "magic"}}', 422,
     "invalid_input"),
    ("json array", "application/json", b'["text"]', 422, "invalid_input"),
    ("over size", "text/plain", b"a" * (2 * 1024 * 1024 + 1), 413, "payload_too_large"),
]


@pytest.mark.parametrize("name, content_type, body, status, code", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input(client: TestClient, name: str, content_type: str, body: bytes, status: int, code: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/v1/articles", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert client.get("/health").status_code == 200, "the service still serves the next request"


#: The same options as a JSON body and as a text body's query string.
EXTRACTIVE_BRIEF = {"style": "brief", "method": "extractive"}
SAME_OPTIONS = {
    "/v1/articles": ({"source_lang": "no", "summary": EXTRACTIVE_BRIEF},
                     {"source_lang": "no", "summary.style": "brief", "summary.method": "extractive"}),
    "/v1/detect": ({}, {}),
    "/v1/translate": ({"source_lang": "no", "clean": False}, {"source_lang": "no", "clean": "false"}),
    "/v1/summarize": ({"summary": EXTRACTIVE_BRIEF}, {"summary.style": "brief", "summary.method": "extractive"}),
}


@pytest.mark.parametrize("path", list(SAME_OPTIONS))
def test_every_text_route_takes_the_same_bodies(client: TestClient, path: str) -> None:
    """JSON, or the text as the body with the options in the query under the JSON names: the same answer."""
    text = seed_text(NORWEGIAN_SEED)
    options, query = SAME_OPTIONS[path]
    as_json = client.post(path, json={"text": text, **options})
    as_text = client.post(path, params=query, content=text.encode(), headers={"Content-Type": "text/plain"})
    assert as_json.status_code == as_text.status_code == 200, (as_json.text, as_text.text)
    varies = {"timings_ms", "cached"}
    assert {k: v for k, v in as_text.json().items() if k not in varies} == {
        k: v for k, v in as_json.json().items() if k not in varies}
    assert client.post(path, json={"text": ""}).json()["error"]["code"] == "empty_text"


def test_text_body_options_are_checked_like_json(client: TestClient) -> None:
    plain = {"Content-Type": "text/plain"}
    unknown = client.post("/v1/summarize", params={"summary.tone": "dry"}, content=b"Hei.", headers=plain)
    assert unknown.status_code == 422 and "summary.tone" in unknown.json()["error"]["message"]
    twice = client.post("/v1/articles", params={"text": "x"}, content=b"Hei.", headers=plain)
    assert twice.status_code == 400 and twice.json()["error"]["code"] == "bad_request"
    beside_json = client.post("/v1/detect", params={"source_lang": "no"}, json={"text": "Hei."})
    assert beside_json.status_code == 400 and "source_lang" in beside_json.json()["error"]["message"]
    bad_bool = client.post("/v1/articles", params={"translate": "yes"}, content=b"Hei.", headers=plain)
    assert bad_bool.status_code == 422 and "translate" in bad_bool.json()["error"]["message"]


def test_article_char_limit(tiny_models, tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "r.toml", tiny_models["marian"], tiny_models["bart"])
    with TestClient(create_app(Settings(registry_path=registry, max_article_chars=100,
                                                 data_dir=tmp_path / "data"))) as client:
        response = post_text(client, "word " * 30)
        assert response.status_code == 413 and "WIREBRIEF_MAX_ARTICLE_CHARS" in response.json()["error"]["message"]


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert client.get("/nope").json()["error"]["code"] == "not_found"
    assert client.get("/v1/articles").json()["error"]["code"] == "method_not_allowed"
