"""HTML in through the API: whole pages give their article and metadata, fragments come back translated with their
markup intact, on POST /v1/articles and /v1/translate, as text/html or as `"format": "html"` in JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml.html import fragment_fromstring

from conftest import write_registry
from service.api.app import create_app
from service.config import Settings
from service.text.html import MAX_PAGE_CHARS, fragment_text

FIXTURES = Path(__file__).parent / "text" / "fixtures" / "html"
HTML = {"content-type": "text/html; charset=utf-8"}
EXTRACTIVE = {"method": "extractive"}
VOLATILE = {"timings_ms", "cached"}

NRK_METADATA = {"title": "Rekordmange søkte sykepleierutdanning i år", "author": "Ingrid Solberg",
                "date": "2024-04-23", "site_name": "NRK",
                "url": "https://www.nrk.no/norge/rekordmange-sokte-sykepleierutdanning-i-ar-1.16900001"}
BBC_METADATA = {"title": "Storm Orla: Thousands without power as gales hit Wales", "author": "Gwen Davies",
                "date": "2024-01-21", "site_name": "BBC News", "url": "https://www.bbc.co.uk/news/uk-wales-68000001"}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def structure(html: str) -> list[tuple[Any, dict[str, str]]]:
    """Every element and comment of a fragment, in document order, with its attributes."""
    root = fragment_fromstring(html, create_parent="div")
    return [(element.tag, dict(element.attrib)) for element in root.iter()]


def english(client: TestClient, text: str, lang: str) -> str:
    response = client.post("/v1/translate", json={"text": text, "source_lang": lang, "clean": False})
    assert response.status_code == 200, response.text
    return response.json()["text"]


def stable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in VOLATILE}


# -- whole pages -------------------------------------------------------------------------------------------

def test_a_page_gives_its_article_metadata_and_title(client: TestClient) -> None:
    page = fixture("nrk_page.html")
    response = client.post("/v1/articles", content=page.encode(), headers=HTML)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["metadata"] == NRK_METADATA
    assert body["language"]["code"] == "no"
    assert body["cleaning"]["text"].startswith("Over 14 000 personer har søkt på sykepleierutdanning i år")
    assert "<" not in body["cleaning"]["text"] and body["cleaning"]["chars_in"] == len(page)
    assert body["translation"]["source_lang"] == "no" and body["translation"]["html"] is None
    # the page's title is the summary's title, translated like a given one
    assert body["title"] == english(client, NRK_METADATA["title"], "no")


def test_a_given_title_wins_over_the_pages(client: TestClient) -> None:
    body = client.post("/v1/articles", json={"text": fixture("nrk_page.html"), "format": "html",
                                             "title": "Sykepleiere søker.", "summary": EXTRACTIVE}).json()
    assert body["title"] == english(client, "Sykepleiere søker.", "no")
    assert body["metadata"] == NRK_METADATA


def test_an_english_page_passes_through_with_its_metadata(client: TestClient) -> None:
    body = client.post("/v1/articles", content=fixture("bbc_page.html").encode(),
                       headers={"content-type": "text/html"}).json()
    assert body["language"]["code"] == "en" and body["translation"] is None
    assert body["metadata"] == BBC_METADATA and body["title"] == BBC_METADATA["title"]
    assert body["cleaning"]["text"].startswith("More than 40,000 homes in Wales have been left without power")


def test_plain_text_has_no_metadata_and_no_markup(client: TestClient) -> None:
    body = client.post("/v1/articles", json={"text": "Bystyret i Oslo møttes tirsdag for å diskutere budsjettet. "
                                                     "Det ble vedtatt med stort flertall.", "summary": False}).json()
    assert body["metadata"] is None and body["translation"]["html"] is None


# -- fragments ---------------------------------------------------------------------------------------------

def test_a_fragment_comes_back_translated_with_its_markup(client: TestClient) -> None:
    fragment = fixture("lemonde_fragment.html")
    response = client.post("/v1/articles", content=fragment.encode(), headers=HTML)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"]["code"] == "fr" and body["metadata"] is None
    # read as it is, not boilerplate-cleaned
    assert body["cleaning"] == {"text": fragment_text(fragment), "removed": [], "chars_in": len(fragment),
                                "chars_out": len(fragment_text(fragment))}
    translated = body["translation"]["html"]
    assert structure(translated) == structure(fragment)  # tags, attributes and their order, untouched
    assert fragment_text(translated) == body["translation"]["text"]  # the markup reads as the translation
    assert fragment_text(translated) != fragment_text(fragment)
    assert body["translation"]["sentences"] == 4 and body["translation"]["chunks"] == 4  # p, p, h2, p


def test_kept_elements_and_attributes_stay_verbatim(client: TestClient) -> None:
    fragment = fixture("nrk_fragment.html")
    body = client.post("/v1/articles", json={"text": fragment, "format": "html", "summary": EXTRACTIVE}).json()
    translated = body["translation"]["html"]
    assert structure(translated) == structure(fragment)
    assert '<span class="caption-credit" translate="no">Foto: Kari Nilsen / NRK</span>' in translated
    assert 'alt="Studenter i et klasserom"' in translated and "Studenter ved OsloMet" not in translated
    # the credit is part of what is read (not cut as boilerplate), and it is not translated
    assert body["cleaning"]["removed"] == [] and "Foto: Kari Nilsen / NRK" in body["cleaning"]["text"]
    assert "Foto: Kari Nilsen / NRK" not in body["translation"]["text"]


def test_text_html_and_json_format_html_are_the_same_request(client: TestClient) -> None:
    fragment = fixture("nrk_fragment.html")
    raw = client.post("/v1/articles", content=fragment.encode(), headers=HTML).json()
    as_json = client.post("/v1/articles", json={"text": fragment, "format": "html"}).json()
    assert stable(raw) == stable(as_json)
    as_text = client.post("/v1/articles", json={"text": fragment}).json()  # "text" (default): markup is stripped
    assert as_text["translation"]["html"] is None and as_text["metadata"] is None


def test_the_cache_keys_on_the_format_and_the_markup(client: TestClient) -> None:
    fragment = "<p>Bystyret i Oslo møttes <b>tirsdag</b> for å diskutere budsjettet.</p>"
    other = "<p>Bystyret i Oslo møttes <i>tirsdag</i> for å diskutere budsjettet.</p>"
    first = client.post("/v1/articles", json={"text": fragment, "format": "html", "summary": False}).json()
    second = client.post("/v1/articles", json={"text": other, "format": "html", "summary": False}).json()
    assert "<b>" in first["translation"]["html"] and "<i>" in second["translation"]["html"]
    assert second["cached"] is False
    again = client.post("/v1/articles", json={"text": fragment, "format": "html", "summary": False}).json()
    assert again["cached"] is True and again["translation"]["html"] == first["translation"]["html"]


def test_charset_is_read_from_the_content_type(client: TestClient) -> None:
    fragment = "<p>Bystyret i Tromsø møttes tirsdag for å diskutere budsjettet for skolene.</p>"
    body = client.post("/v1/articles", content=fragment.encode("iso-8859-1"),
                       headers={"content-type": "text/html; charset=iso-8859-1"}).json()
    assert body["cleaning"]["text"] == fragment_text(fragment)


# -- /v1/translate -----------------------------------------------------------------------------------------

def test_translate_takes_a_fragment_as_text_html(client: TestClient) -> None:
    fragment = fixture("lemonde_fragment.html")
    body = client.post("/v1/translate", content=fragment.encode(), headers=HTML).json()
    article = client.post("/v1/articles", json={"text": fragment, "format": "html", "summary": False}).json()
    assert body["translation"] == article["translation"]  # the same translator, the same segments
    assert body["text"] == body["translation"]["text"] and body["metadata"] is None


def test_translate_takes_a_page_in_json(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"text": fixture("nrk_page.html"), "format": "html"}).json()
    assert body["metadata"] == NRK_METADATA and body["translation"]["html"] is None
    assert body["language"]["code"] == "no" and body["text"] == body["translation"]["text"]


def test_openapi_documents_text_html(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/articles", "/v1/detect", "/v1/translate", "/v1/summarize"):
        assert set(spec["paths"][path]["post"]["requestBody"]["content"]) == {
            "application/json", "text/plain", "text/html"}, path
    schemas = spec["components"]["schemas"]
    assert schemas["ArticleIn"]["properties"]["format"]["enum"] == ["text", "html"]
    assert set(schemas["MetadataOut"]["properties"]) == {"title", "author", "date", "site_name", "url"}


# -- errors ------------------------------------------------------------------------------------------------

HTML_ERRORS = [
    # (name, path, body, status, code)
    ("empty", "/v1/articles", b"", 422, "empty_text"),
    ("whitespace", "/v1/translate", b" \n\t ", 422, "empty_text"),
    ("only markup", "/v1/articles", b"<p> </p><script>var x = 1;</script><!-- ad -->", 422, "empty_text"),
    ("page without article", "/v1/articles", b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>",
     422, "unreadable_html"),
    ("doctype only", "/v1/translate", b"<!doctype html>", 422, "unreadable_html"),
    ("control character", "/v1/articles", "\x0bBystyret møttes tirsdag.".encode(), 422, "unreadable_html"),
    ("bad bytes", "/v1/articles", b"<p>Hei \xff verden</p>", 400, "bad_request"),
    ("over size", "/v1/articles", b"<p>" + b"a" * (2 * 1024 * 1024) + b"</p>", 413, "payload_too_large"),
    ("over size translate", "/v1/translate", b"<p>" + b"a" * (2 * 1024 * 1024) + b"</p>", 413, "payload_too_large"),
]


@pytest.mark.parametrize("name, path, raw, status, code", HTML_ERRORS, ids=[row[0] for row in HTML_ERRORS])
def test_html_errors(client: TestClient, name: str, path: str, raw: bytes, status: int, code: str) -> None:
    response = client.post(path, content=raw, headers=HTML)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]


def test_every_text_route_reads_html(client: TestClient) -> None:
    """A page's article is what is detected and summarized, not its menus."""
    detected = client.post("/v1/detect", content=fixture("nrk_page.html").encode(), headers=HTML)
    assert detected.status_code == 200 and detected.json()["language"]["code"] == "no"
    summarized = client.post("/v1/summarize", params={"summary.method": "extractive"},
                             content=fixture("nrk_page.html").encode(), headers=HTML)
    assert summarized.status_code == 200 and summarized.json()["language"]["code"] == "no"
    assert "Logg inn" not in summarized.json()["summary"]["summary"]
    response = client.post("/v1/articles", json={"text": "<p>Hei.</p>", "format": "xml"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


def test_the_article_limit_counts_the_article_not_the_markup(tiny_models, tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "r.toml", tiny_models["marian"], tiny_models["bart"])
    settings = Settings(registry_path=registry, max_article_chars=400, data_dir=tmp_path / "data")
    paragraph = "<p>Bystyret i Oslo møttes tirsdag for å diskutere budsjettet for skolene og veiene.</p>"
    with TestClient(create_app(settings)) as client:
        small = f'<div class="article" data-tracking="{"x" * 2000}">{paragraph}</div>'
        assert len(small) > 400
        response = client.post("/v1/articles", json={"text": small, "format": "html", "summary": EXTRACTIVE})
        assert response.status_code == 200, response.text
        large = paragraph * 6
        response = client.post("/v1/articles", content=large.encode(), headers=HTML)
        assert response.status_code == 413 and "WIREBRIEF_MAX_ARTICLE_CHARS" in response.json()["error"]["message"]


def test_markup_past_what_is_parsed_is_413(pipeline) -> None:
    from service.errors import PayloadTooLarge
    from service.pipeline import ArticleRequest

    with pytest.raises(PayloadTooLarge):
        pipeline.process(ArticleRequest(text="<p>" + "a" * MAX_PAGE_CHARS + "</p>", format="html"))


def test_a_segment_that_comes_back_empty_leaves_the_others_in_place(pipeline, monkeypatch) -> None:
    """The segments go to the model as one text, one paragraph each; should a paragraph come back as nothing
    (and so vanish from the joined translation), each segment is translated alone rather than shifted."""
    import dataclasses

    from service.pipeline import TranslateRequest

    real = pipeline._translate
    sentences = ["Bystyret i Oslo møttes tirsdag for å diskutere budsjettet.",
                 "Det ble vedtatt med stort flertall etter en lang debatt.",
                 "Skolene og veiene får mer penger neste år."]

    def losing_the_second(text, lang, translator, *, keep=frozenset()):  # noqa: ANN001, ANN202 - a wrapper
        result = real(text, lang, translator, keep=keep)
        if "\n\n" not in text:
            return result
        paragraphs = result.text.split("\n\n")
        return dataclasses.replace(result, text="\n\n".join(paragraphs[:1] + paragraphs[2:]))

    monkeypatch.setattr(pipeline, "_translate", losing_the_second)
    fragment = f"<p>{sentences[0]}</p><p><b>{sentences[1]}</b></p><h2>{sentences[2]}</h2>"
    result = pipeline.translate_article(TranslateRequest(text=fragment, source_lang="no", format="html"))
    assert structure(result.html) == structure(fragment)
    translator = pipeline.registry.translator_for("no")
    alone = [real(sentence, "no", translator).text for sentence in sentences]
    assert fragment_text(result.html).split("\n\n") == alone and result.text.split("\n\n") == alone
