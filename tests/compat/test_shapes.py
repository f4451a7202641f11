"""The LibreTranslate and DeepL routes in process: body kinds, shapes, keys, limits, error shapes, owners."""

from __future__ import annotations

import json
from typing import Any

from jobs.support import FAST, wait_until
from service.api.access import guarded
from service.api.compat.dialects import DEEPL, LIBRETRANSLATE, dialect_for
from service.api.compat.documents import safe_filename
from service.auth.keys import KeyStore
from service.config import AccessSettings
from service.errors import QuotaExceeded, RateLimited, Unauthorized

NORWEGIAN = "Fragmenter fra en russisk missil traff Kyiv."
ENGLISH = "The council met on Tuesday."


def deepl_auth(key: str) -> dict[str, str]:
    return {"Authorization": f"DeepL-Auth-Key {key}"}


def test_dialects_own_their_paths_and_statuses() -> None:
    assert dialect_for("/translate") is LIBRETRANSLATE and dialect_for("/download_file/j/a.txt") is LIBRETRANSLATE
    assert dialect_for("/v2/document/x/result") is DEEPL
    assert dialect_for("/v1/translate") is None and dialect_for("/translated") is None
    quota, busy = QuotaExceeded("spent", retry_after_s=5), RateLimited("busy", retry_after_s=5)
    assert (DEEPL.status(quota), DEEPL.status(busy), DEEPL.status(Unauthorized("no"))) == (456, 429, 403)
    assert (LIBRETRANSLATE.status(quota), LIBRETRANSLATE.status(Unauthorized("no"))) == (429, 403)
    on = AccessSettings(auth_required=True)
    assert not guarded("/languages", on) and not guarded("/frontend/settings", on)
    assert guarded("/translate", on) and guarded("/v2/languages", on)  # DeepL needs a key for everything


def test_filenames_are_made_safe() -> None:
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("C:\\Users\\x\\story.html") == "story.html"
    assert safe_filename("a\x00b\nc.txt") == "abc.txt"
    assert safe_filename("...hidden.txt") == "hidden.txt"


def test_libretranslate_takes_form_multipart_and_json_alike(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app()
    form = client.post("/translate", data={"q": NORWEGIAN, "source": "auto", "target": "en"})
    multipart = client.post("/translate", files={"q": (None, NORWEGIAN), "source": (None, "auto"),
                                                  "target": (None, "en")})
    as_json = client.post("/translate", json={"q": NORWEGIAN, "source": "auto", "target": "en"})
    assert form.status_code == multipart.status_code == as_json.status_code == 200
    assert form.json() == multipart.json() == as_json.json()
    body = form.json()
    assert set(body) == {"translatedText", "detectedLanguage"}
    assert body["detectedLanguage"]["language"] == "nb" and 0 < body["detectedLanguage"]["confidence"] <= 100

    batch = client.post("/translate", json={"q": [NORWEGIAN, ENGLISH], "source": "nb", "target": "en",
                                            "alternatives": 2}).json()
    assert set(batch) == {"translatedText", "alternatives"}  # a given source: nothing detected
    assert batch["translatedText"][0] == body["translatedText"] and batch["alternatives"] == [[], []]

    html = client.post("/translate", json={"q": f"<p>{NORWEGIAN}</p>", "source": "nb", "target": "en",
                                           "format": "html"}).json()
    assert html["translatedText"].startswith("<p>") and html["translatedText"].endswith("</p>")
    english = client.post("/translate", json={"q": ENGLISH, "source": "auto", "target": "en"}).json()
    assert english["translatedText"] == ENGLISH and english["detectedLanguage"]["language"] == "en"


def test_libretranslate_errors_are_its_own(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app()
    cases = [
        ({"source": "auto", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "x", "source": "auto"}, "Invalid request: missing target parameter"),
        ({"q": "x", "source": "auto", "target": "fr"}, "fr is not supported: this server translates to en only"),
        ({"q": "x", "target": "en", "format": "pdf"}, "Invalid request: format must be text or html"),
    ]
    for body, message in cases:
        response = client.post("/translate", json=body)
        assert (response.status_code, response.json()) == (400, {"error": message})
    unknown = client.post("/translate", json={"q": "x", "source": "xx", "target": "en"})
    assert unknown.status_code == 400 and list(unknown.json()) == ["error"]  # our 422, LibreTranslate's 400
    wrong_kind = client.post("/translate", content=b"q=x", headers={"Content-Type": "text/csv"})
    assert wrong_kind.status_code == 400 and list(wrong_kind.json()) == ["error"]
    assert client.get("/download_file/job_x/a.txt").json() == {"error": "no job 'job_x'"}


def test_libretranslate_detect_languages_and_settings(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app(auth_required=True)
    settings = client.get("/frontend/settings").json()  # open, as in LibreTranslate
    assert settings == {"charLimit": 200_000, "frontendTimeout": 500, "apiKeys": True, "keyRequired": True,
                        "suggestions": False, "filesTranslation": True,
                        "supportedFilesFormat": [".txt", ".html", ".htm"],
                        "language": {"source": {"code": "auto", "name": "Auto Detect"},
                                     "target": {"code": "en", "name": "English"}}}
    codes = [entry["code"] for entry in client.get("/languages").json()]
    assert codes == sorted(set(codes)) and "nb" in codes and "en" in codes and "no" not in codes


def test_libretranslate_key_in_any_body_or_query(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    client = make_app(auth_required=True)
    _, key = keys.create("lt")
    fields = {"q": ENGLISH, "source": "en", "target": "en"}
    assert client.post("/detect", data={"q": ENGLISH}).json() == {
        "error": "an API key is required: send `api_key` in the body (or `Authorization: Bearer <key>`)"}
    assert client.post("/detect", data={"q": ENGLISH}).status_code == 403
    assert client.post("/translate", data={**fields, "api_key": key}).status_code == 200
    assert client.post("/translate", json={**fields, "api_key": key}).status_code == 200
    assert client.post("/translate", files={name: (None, value) for name, value in
                                            {**fields, "api_key": key}.items()}).status_code == 200
    assert client.post(f"/translate?api_key={key}", json=fields).status_code == 200
    assert client.post("/translate", json=fields, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    wrong = client.post("/translate", json={**fields, "api_key": key + "x"})
    assert wrong.status_code == 403 and list(wrong.json()) == ["error"]
    assert "www-authenticate" not in wrong.headers


def test_deepl_form_json_and_limits(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    client = make_app(auth_required=True, rate_limit_chars_per_day=500)
    _, key = keys.create("deepl")
    auth = deepl_auth(key)
    as_json = client.post("/v2/translate", headers=auth, json={"text": [NORWEGIAN, ENGLISH], "target_lang": "EN-GB"})
    as_form = client.post("/v2/translate", headers=auth,
                          data={"text": [NORWEGIAN, ENGLISH], "target_lang": "en-us", "show_billed_characters": "1"})
    assert as_json.status_code == as_form.status_code == 200
    translations = as_json.json()["translations"]
    assert [t["detected_source_language"] for t in translations] == ["NB", "EN"]
    assert translations[1]["text"] == ENGLISH and "billed_characters" not in translations[0]
    form_translations = as_form.json()["translations"]
    billed = [t.pop("billed_characters") for t in form_translations]
    assert billed == [len(NORWEGIAN), len(ENGLISH)] and form_translations == translations

    refusals: list[tuple[dict[str, Any], int, str]] = [
        ({"text": ["x"], "target_lang": "DE"}, 400, "Value for 'target_lang' not supported: 'DE'; this server "
                                                     "translates to EN only."),
        ({"target_lang": "EN"}, 400, "Parameter 'text' not specified."),
        ({"text": ["x"] * 51, "target_lang": "EN"}, 400, "Too many texts: 51; at most 50 per request."),
        ({"text": ["x"], "target_lang": "EN", "tag_handling": "xml"}, 400,
         "Value for 'tag_handling' not supported: 'xml'; use html."),
    ]
    for body, status, message in refusals:
        response = client.post("/v2/translate", headers=auth, json=body)
        assert (response.status_code, response.json()) == (status, {"message": message})
    # usage counts exactly the successful characters, as on /v1
    counted = wait_until(lambda: client.get("/v2/usage", headers=auth).json()["character_count"], what="usage")
    assert counted == 2 * (len(NORWEGIAN) + len(ENGLISH))
    spent = client.post("/v2/translate", headers=auth, json={"text": ["x" * 500], "target_lang": "EN"})
    assert spent.status_code == 456 and list(spent.json()) == ["message"] and "retry-after" in spent.headers
    lt_spent = client.post("/translate", json={"q": "x" * 500, "target": "en", "api_key": key})
    assert lt_spent.status_code == 429 and list(lt_spent.json()) == ["error"]
    assert client.post("/v2/usage", headers=auth).json() == {"character_count": counted, "character_limit": 500}


def test_deepl_keys_and_rate_limit(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    client = make_app(auth_required=True, rate_limit_per_minute=3)
    _, key = keys.create("deepl")
    missing = client.get("/v2/languages")
    assert (missing.status_code, missing.json()) == (
        403, {"message": "an API key is required: send `Authorization: DeepL-Auth-Key <key>`"})
    assert client.get("/v2/usage", headers=deepl_auth("wb_nope")).status_code == 403
    assert client.get("/v2/languages?type=target", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.request("GET", "/v2/languages", headers=deepl_auth(key), data={"type": "target"}).json()[0] == {
        "language": "EN-GB", "name": "English (British)", "supports_formality": False}
    bad = client.get("/v2/languages?type=both", headers=deepl_auth(key))
    assert bad.status_code == 400
    busy = client.get("/v2/usage", headers=deepl_auth(key))
    assert busy.status_code == 429 and list(busy.json()) == ["message"]


def _upload(client, key: str, name: str, content: bytes) -> dict[str, str]:  # noqa: ANN001 - TestClient
    response = client.post("/v2/document", headers=deepl_auth(key), files={"file": (name, content)},
                           data={"target_lang": "EN-GB"})
    assert response.status_code == 200, response.text
    return response.json()


def test_documents_are_their_owners(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    client = make_app(auth_required=True, **FAST)
    _, a = keys.create("a")
    _, b = keys.create("b")
    document = _upload(client, a, "../story.txt", NORWEGIAN.encode())
    status_path = f"/v2/document/{document['document_id']}"

    def status(key: str, document_key: str) -> Any:
        return client.post(status_path, headers=deepl_auth(key), json={"document_key": document_key})

    done = wait_until(lambda: status(a, document["document_key"]).json()["status"] == "done", what="done")
    assert done
    body = status(a, document["document_key"]).json()
    assert body == {"document_id": document["document_id"], "status": "done", "billed_characters": len(NORWEGIAN)}
    result = client.post(f"{status_path}/result", headers=deepl_auth(a), data={"document_key": document["document_key"]})
    assert result.status_code == 200 and result.headers["content-type"] == "text/plain; charset=utf-8"
    assert result.headers["content-disposition"] == "attachment; filename*=UTF-8''story.txt"
    translated = result.text

    assert status(b, document["document_key"]).status_code == 404  # another key: as if it did not exist
    assert status(a, document["document_key"] + "x").json() == {
        "message": f"no document {document['document_id']!r} with this document_key"}
    assert client.post(status_path, headers=deepl_auth(a), json={}).status_code == 400

    lt = client.post("/translate_file", files={"file": ("note.txt", NORWEGIAN.encode())},
                     data={"target": "en", "api_key": a})
    assert lt.status_code == 200, lt.text
    url = lt.json()["translatedFileUrl"]
    assert url.endswith("/note.txt")
    assert client.get(url, params={"api_key": a}).text == translated
    assert client.get(url, params={"api_key": b}).status_code == 404
    assert client.get(url).status_code == 403
    assert client.get(url.replace("note.txt", "other.txt"), params={"api_key": a}).status_code == 404
    job_id = url.split("/")[-2]
    assert client.post(f"/v2/document/{job_id}", headers=deepl_auth(a), json={"document_key": "guess"}
                       ).status_code == 404  # a LibreTranslate file has no DeepL key to guess


def test_document_uploads_are_checked(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    client = make_app(auth_required=True)
    _, key = keys.create("a")
    auth = deepl_auth(key)
    cases = [
        ({"file": ("a.pdf", b"%PDF")}, {"target_lang": "EN"}, "file type '.pdf' is not supported; send one of "
                                                              ".txt, .html, .htm"),
        ({"file": ("a.txt", b"\xff\xfe\xfa")}, {"target_lang": "EN"}, "body is not valid utf-8: byte 0 cannot "
                                                                     "be decoded"),
        ({"file": ("a.txt", b"hei")}, {"target_lang": "FR"}, "Value for 'target_lang' not supported: 'FR'; this "
                                                             "server translates to EN only."),
        ({"file": ("a.txt", b"hei")}, {"target_lang": "EN", "output_format": "docx"},
         "Value for 'output_format' not supported: a document is translated into its own format."),
    ]
    for files, data, message in cases:
        response = client.post("/v2/document", headers=auth, files=files, data=data)
        assert (response.status_code, response.json()) == (400, {"message": message})
    missing = client.post("/v2/document", headers=auth, data={"target_lang": "EN"})
    assert missing.json() == {"message": "Parameter 'file' not specified."}
    too_big = client.post("/v2/document", headers=auth, files={"file": ("a.txt", b"x" * (3 * 1024 * 1024))},
                          data={"target_lang": "EN"})
    assert too_big.status_code == 413 and list(too_big.json()) == ["message"]
    assert json.loads(client.get("/v1/jobs", headers={"Authorization": f"Bearer {key}"}).text)["data"] == []


def test_a_document_is_translated_whole(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixtures
    """A document keeps every line: what the article cleaner takes for boilerplate on a web page (a copyright
    footer, a share line, a menu) is the document's own text here."""
    client = make_app(auth_required=True, **FAST)
    _, key = keys.create("a")
    text = ("Home | News | Sport | Weather\n\nThe council met on Tuesday and agreed the budget.\n\n"
            "Share on Facebook\n\n© 2024 The Gazette. All rights reserved.\n")
    document = _upload(client, key, "minutes.txt", text.encode())
    status_path = f"/v2/document/{document['document_id']}"
    body = {"document_key": document["document_key"]}
    assert wait_until(lambda: client.post(status_path, headers=deepl_auth(key), json=body).json()["status"] == "done",
                      what="done")
    result = client.post(f"{status_path}/result", headers=deepl_auth(key), data=body)
    assert result.status_code == 200
    assert result.text == text  # English: handed back as sent, every line of it
