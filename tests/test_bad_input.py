"""Bad and odd inputs against the real app: each gets its documented answer, and the app keeps serving.

The table is README's error list made concrete (`{"error": {"code", "message"}}` with the exact status
and code), plus inputs that must succeed: HTML, a single word, mixed languages, a long article. After
every row the same client must still answer a known-good request correctly, so no bad input leaves
the app (its body reader, batcher or models) in a broken state.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.pipeline import Pipeline

JSON = {"content-type": "application/json"}
PLAIN = {"content-type": "text/plain"}
GOOD_TEXT = "The city council met on Tuesday. It approved the new budget for schools and roads."
GOOD = {"text": GOOD_TEXT, "summary": {"method": "extractive"}}
NORWEGIAN = "Bystyret møttes tirsdag for å diskutere budsjettet."

HTML = ("<!DOCTYPE html><html><head><title>Site | News</title><script>var tracking = 1;</script>"
        "<style>p { color: red; }</style></head><body><h1>Council approves budget</h1>"
        "<p>The city council approved the budget on <b>Tuesday</b> after a long debate.</p>"
        "<!-- advertisement --><p>It includes money for <a href=\"/schools\">schools</a> &amp; roads.</p>"
        "<ul><li>Schools get more teachers.</li><li>Roads get repaired.</li></ul></body></html>")
MIXED = ("The council met on Tuesday to discuss the budget. Bystyret møttes tirsdag for å diskutere budsjettet. "
         "Der Rat traf sich am Dienstag, um den Haushalt zu besprechen.")
PARAGRAPHS = [f"Paragraph {i} reports that the council approved item number {i} of the plan." for i in range(200)]


@dataclass(frozen=True)
class Row:
    """One request and its exact documented answer; `check` looks further into a 200 body."""

    id: str
    body: bytes
    headers: dict[str, str]
    status: int
    code: str | None = None  # the error code; None for a success
    path: str = "/v1/articles"
    check: Callable[[dict[str, Any]], None] | None = None


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


def no_tags_kept_text(body: dict[str, Any]) -> None:
    text = body["cleaning"]["text"]
    assert not re.search(r"<[^>]*>", text), text
    assert "tracking" not in text and "color" not in text and "Site | News" not in text  # script, style, head
    assert text.split("\n\n") == ["Council approves budget",
                                  "The city council approved the budget on Tuesday after a long debate.",
                                  "It includes money for schools & roads.",
                                  "Schools get more teachers.", "Roads get repaired."]


def short_text_warned(body: dict[str, Any]) -> None:
    assert body["cleaning"]["text"] == "Budget"
    assert body["warnings"][0].startswith("short_text:")  # detection's warnings come first
    assert any(w.startswith("summary_short:") for w in body["warnings"])  # one word cannot fill a summary


def ambiguous_warned(body: dict[str, Any]) -> None:
    language = body["language"]
    assert len(language["candidates"]) >= 2
    assert language["confidence"] < 0.8  # WIREBRIEF_DETECT_MIN_CONFIDENCE
    assert any(w.startswith("ambiguous_language:") for w in body["warnings"])


def every_paragraph_in_order(body: dict[str, Any]) -> None:
    assert body["language"]["code"] == "en"
    assert body["translation"] is None  # English is passed through, not translated
    assert body["cleaning"]["text"].split("\n\n") == PARAGRAPHS
    assert body["cleaning"]["removed"] == []
    assert body["summary"]["method"] == "extractive"


def text_is(expected: str) -> Callable[[dict[str, Any]], None]:
    def check(body: dict[str, Any]) -> None:
        assert body["cleaning"]["text"] == expected
    return check


def language_is(code: str) -> Callable[[dict[str, Any]], None]:
    def check(body: dict[str, Any]) -> None:
        assert body["language"]["code"] == code and body["language"]["source"] == "override"
    return check


ROWS = [
    # empty and blank
    Row("empty-plain-body", b"", PLAIN, 422, "empty_text"),
    Row("empty-json-body", b"", JSON, 400, "bad_request"),
    Row("empty-json-text", as_json({"text": ""}), JSON, 422, "empty_text"),
    Row("whitespace-plain", b" \n\t\r\n  \n", PLAIN, 422, "empty_text"),
    Row("whitespace-json", as_json({"text": " \u00a0\n\u3000\t"}), JSON, 422, "empty_text"),
    Row("control-characters", bytes(range(1, 9)), PLAIN, 422, "empty_text"),
    Row("nul-only", b"\x00" * 1_000, PLAIN, 422, "empty_text"),
    Row("format-characters-only", as_json({"text": "\u200b\ufeff\u200d \x7f\x85"}), JSON, 422, "empty_text"),
    Row("markup-only", b"<html><body><p></p><script>x()</script></body></html>", PLAIN, 422, "empty_text"),
    # too large: the body (WIREBRIEF_MAX_BODY_BYTES) and the article (WIREBRIEF_MAX_ARTICLE_CHARS)
    Row("body-10MB", b"a" * (10 * 1024 * 1024), PLAIN, 413, "payload_too_large"),
    Row("article-over-max-chars", ("word " * 40_001).encode(), PLAIN, 413, "payload_too_large"),
    # bytes that are no text
    Row("binary-bytes", bytes(range(256)) * 4, PLAIN, 400, "bad_request"),
    Row("invalid-utf8-plain", b"Caf\xe9 au lait in the city.", PLAIN, 400, "bad_request"),
    Row("invalid-utf8-json", b'{"text": "Caf\xe9 au lait"}', JSON, 400, "bad_request"),
    Row("lone-surrogate-json", b'{"text": "The council \\ud800 met."}', JSON, 400, "bad_request"),
    # charsets: only those that decode text one way (a utf-16 body without a byte order mark is a guess)
    Row("unicode-escape-codec", b"The council \\ud800 met.", {"content-type": "text/plain; charset=unicode_escape"},
        415, "unsupported_media_type"),
    Row("utf-7", "The council met + 1.".encode("utf-7"), {"content-type": "text/plain; charset=utf-7"}, 415,
        "unsupported_media_type"),
    Row("idna", b"The council met.", {"content-type": "text/plain; charset=idna"}, 415, "unsupported_media_type"),
    Row("utf-16-no-bom", GOOD_TEXT.encode("utf-16-le"), {"content-type": "text/plain; charset=utf-16"}, 400,
        "bad_request"),
    Row("utf-16-bom", GOOD_TEXT.encode("utf-16"), {"content-type": "text/plain; charset=utf-16"}, 200,
        check=text_is(GOOD_TEXT)),
    Row("utf-16be-explicit", GOOD_TEXT.encode("utf-16-be"), {"content-type": "text/plain; charset=UTF-16BE"}, 200,
        check=text_is(GOOD_TEXT)),
    Row("windows-1252", "Café au lait in the city council.".encode("cp1252"),
        {"content-type": "text/plain; charset=windows-1252"}, 200, check=text_is("Café au lait in the city council.")),
    # Content-Encoding: gzip is decoded under the body limit, nothing else is accepted
    Row("gzip", gzip.compress(GOOD_TEXT.encode()), {**PLAIN, "content-encoding": "gzip"}, 200,
        check=text_is(GOOD_TEXT)),
    Row("gzip-bomb", gzip.compress(b"a" * (3 * 1024 * 1024)), {**PLAIN, "content-encoding": "gzip"}, 413,
        "payload_too_large"),
    Row("gzip-corrupt", b"\x1f\x8b not really gzip", {**PLAIN, "content-encoding": "gzip"}, 400, "bad_request"),
    Row("gzip-truncated", gzip.compress(GOOD_TEXT.encode())[:-12], {**PLAIN, "content-encoding": "gzip"}, 400,
        "bad_request"),
    Row("brotli", b"\x0b\x02\x80The council met.\x03", {**PLAIN, "content-encoding": "br"}, 415,
        "unsupported_media_type"),
    # content types
    Row("octet-stream", bytes(range(256)), {"content-type": "application/octet-stream"}, 415,
        "unsupported_media_type"),
    Row("no-content-type", b"The council met.", {}, 415, "unsupported_media_type"),
    Row("form-urlencoded", b"text=The+council+met.", {"content-type": "application/x-www-form-urlencoded"}, 415,
        "unsupported_media_type"),
    Row("unknown-charset", b"The council met.", {"content-type": "text/plain; charset=klingon"}, 415,
        "unsupported_media_type"),
    Row("plain-to-json-only-route", b"https://example.com/hook", PLAIN, 415, "unsupported_media_type",
        path="/v1/webhooks/endpoints"),
    # malformed JSON
    Row("json-syntax", b'{"text": "The council met.",}', JSON, 400, "bad_request"),
    Row("json-nested-too-deep", b"[" * 100_000 + b"]" * 100_000, JSON, 400, "bad_request"),
    # JSON with wrong types or fields (the request models forbid unknown fields: a typo must not pass unseen)
    Row("json-text-number", as_json({"text": 5}), JSON, 422, "invalid_input"),
    Row("json-text-missing", as_json({"title": "Budget"}), JSON, 422, "invalid_input"),
    Row("json-top-level-list", as_json(["The council met."]), JSON, 422, "invalid_input"),
    Row("json-translate-not-bool", as_json({"text": "The council met.", "translate": "maybe"}), JSON, 422,
        "invalid_input"),
    # strict JSON: booleans are booleans, a key appears once, numbers are of a sane length, no NaN
    Row("json-translate-yes", as_json({"text": "The council met.", "translate": "yes"}), JSON, 422, "invalid_input"),
    Row("json-translate-false-string", as_json({"text": "The council met.", "translate": "false"}), JSON, 422,
        "invalid_input"),
    Row("json-translate-one", as_json({"text": "The council met.", "translate": 1}), JSON, 422, "invalid_input"),
    Row("json-summary-zero", as_json({"text": "The council met.", "summary": 0}), JSON, 422, "invalid_input"),
    Row("json-clean-not-bool", as_json({"text": "The council met.", "clean": "no"}), JSON, 422, "invalid_input",
        path="/v1/translate"),
    Row("json-huge-int", b'{"text": "x", "translate": 9' + b"9" * 5_000 + b"}", JSON, 400, "bad_request"),
    Row("json-huge-int-job", b'{"items": [{"custom_id": "a", "text": "x", "translate": ' + b"9" * 5_000 + b"}]}",
        JSON, 400, "bad_request", path="/v1/jobs"),
    Row("jsonl-huge-int-job", b'{"custom_id": "a", "text": "x", "translate": ' + b"9" * 5_000 + b"}\n",
        {"content-type": "application/jsonl"}, 400, "bad_request", path="/v1/jobs"),
    Row("json-nan", b'{"text": "The council met.", "translate": NaN}', JSON, 400, "bad_request"),
    Row("json-duplicate-key", b'{"text": "The council met.", "translate": true, "translate": false}', JSON, 400,
        "bad_request"),
    Row("jsonl-duplicate-key", b'{"custom_id": "a", "custom_id": "b", "text": "The council met."}\n',
        {"content-type": "application/jsonl"}, 400, "bad_request", path="/v1/jobs"),
    # every text field is bounded and counted: the title has its own limit and counts toward the article's
    Row("title-over-max", as_json({"text": "The council met.", "title": "T" * 1_001}), JSON, 422, "invalid_input"),
    Row("title-over-max-job", as_json({"items": [{"custom_id": "a", "text": "The council met.", "title": "T" * 1_001}]}),
        JSON, 422, "invalid_input", path="/v1/jobs"),
    Row("title-over-max-summarize", as_json({"text": "The council met.", "title": "T" * 1_001}), JSON, 422,
        "invalid_input", path="/v1/summarize"),
    Row("text-and-title-over-max-chars", as_json({"text": "word " * 39_900, "title": "T" * 1_000}), JSON, 413,
        "payload_too_large"),
    Row("json-summary-method", as_json({"text": "The council met.", "summary": {"method": "magic"}}), JSON, 422,
        "invalid_input"),
    Row("json-unknown-field", as_json({"text": "The council met.", "langauge": "en"}), JSON, 422, "invalid_input"),
    Row("json-unknown-summary-field", as_json({"text": "The council met.", "summary": {"lenght": 3}}), JSON, 422,
        "invalid_input"),
    Row("unknown-source-lang", as_json({"text": "The council met.", "source_lang": "xx"}), JSON, 422,
        "unsupported_language"),
    Row("unknown-style", as_json({"text": "The council met.", "summary": {"style": "haiku"}}), JSON, 422,
        "unknown_style"),
    # odd but valid: answered
    Row("html", HTML.encode(), PLAIN, 200, check=no_tags_kept_text),
    Row("single-word", b"Budget", PLAIN, 200, check=short_text_warned),
    Row("mixed-languages", MIXED.encode(), PLAIN, 200, check=ambiguous_warned),
    Row("bcp47-source-lang", as_json({**GOOD, "text": NORWEGIAN, "source_lang": "nb-NO"}), JSON, 200,
        check=language_is("nb")),
    Row("posix-source-lang", as_json({**GOOD, "text": NORWEGIAN, "source_lang": "nb_NO"}), JSON, 200,
        check=language_is("nb")),
    Row("200-paragraphs", "\n\n".join(PARAGRAPHS).encode(), PLAIN, 200, check=every_paragraph_in_order),
]


@pytest.fixture(scope="module")
def bad_client(settings: Settings, pipeline: Pipeline,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The session's models with extractive summaries (fast), no cache (every request does the work) and no
    job workers; its own data folder."""
    app_settings = settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("bad-input") / "data", "job_workers": 0, "webhook_workers": 0,
        "summary_method": "extractive", "cache_max_entries": 0})
    # the session's loaded models and registry, this app's settings and (disabled) cache
    app_pipeline = Pipeline(app_settings, pipeline.registry, pipeline.pool, pipeline.prompts)
    with TestClient(create_app(app_settings, app_pipeline)) as client:
        yield client


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input(bad_client: TestClient, row: Row) -> None:
    response = bad_client.post(row.path, content=row.body, headers=row.headers)
    assert response.status_code == row.status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if row.code is None:
        assert "error" not in body
        assert row.check is not None
        row.check(body)
    else:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
        assert body["error"]["code"] == row.code
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]

    # the same client still serves a normal request, fully
    good = bad_client.post("/v1/articles", json=GOOD)
    assert good.status_code == 200, good.text
    assert good.json()["cleaning"]["text"] == GOOD["text"]
    assert good.json()["summary"]["summary"] == GOOD["text"]
    assert good.json()["cached"] is False
