"""The real clients from PyPI (`libretranslatepy`, `deepl`) against a live `wirebrief serve` with auth on.

One server for the module: every client method that applies to a translator into English must work, and the
errors the clients know (a wrong key, a spent quota, an unsupported target) must reach them as their own types.
"""

from __future__ import annotations

import io
import json
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.error import HTTPError

import deepl
import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from service.auth.keys import KeyStore
from service.config import Settings
from service.db import Database
from testkit import PROJECT_ROOT
from jobs.support import wait_until
from testkit.live import running_server, settings_env

NORWEGIAN = "Fragmenter fra en russisk missil, som ble skutt ned av ukrainske styrker, skal ha truffet et område."
FRAGMENT = "<p>Fragmenter fra en russisk missil.</p>"
LIMIT = 20_000  # characters per key per day: the tests below use a few thousand, the quota test goes over it


@dataclass(frozen=True)
class Live:
    base: str
    key: str
    other: str  # a second key: its own allowance, its own documents
    metered: str  # a key only the usage test uses, so its counts are exact

    def ours(self, text: str, format: str = "text") -> str:
        """What /v1/translate answers for `text` verbatim: the compatible APIs must say the same."""
        body = {"text": text, "clean": False, "format": format}
        answer = httpx.post(f"{self.base}/v1/translate", json=body, headers={"Authorization": f"Bearer {self.key}"},
                            timeout=60).json()
        translation = answer["translation"]
        return translation["html"] if format == "html" else translation["text"]


@pytest.fixture(scope="module")
def live(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    configured = settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("compat-live"), "auth_required": True,
        "rate_limit_chars_per_day": LIMIT, "job_poll_interval_s": 0.05,
    })
    db = Database.from_settings(configured)
    db.upgrade()
    key, other, metered = (KeyStore(db).create(name)[1] for name in ("newsroom", "other", "metered"))
    db.dispose()
    with running_server(settings_env(configured), PROJECT_ROOT, startup_timeout_s=120) as (base, _):
        yield Live(base, key, other, metered)


# -- libretranslatepy --------------------------------------------------------------------------------------------

def test_libretranslate_client_translates_detects_and_lists(live: Live) -> None:
    lt = LibreTranslateAPI(live.base, api_key=live.key)
    expected = live.ours(NORWEGIAN)
    assert lt.translate(NORWEGIAN, "auto", "en") == expected
    assert lt.translate(NORWEGIAN, "nb", "en") == expected

    detected = lt.detect(NORWEGIAN)
    assert detected[0]["language"] == "nb"
    assert all(set(d) == {"confidence", "language"} and 0 <= d["confidence"] <= 100 for d in detected)
    assert [d["confidence"] for d in detected] == sorted((d["confidence"] for d in detected), reverse=True)

    languages = {entry["code"]: entry for entry in lt.languages()}
    assert languages["nb"] == {"code": "nb", "name": "Norwegian Bokmål", "targets": ["en"]}
    assert languages["en"]["targets"] == ["en"] and "no" not in languages


def _lt_error(call) -> tuple[int, dict]:  # noqa: ANN001 - a client call
    with pytest.raises(HTTPError) as raised:
        call()
    return raised.value.code, json.loads(raised.value.read())


def test_libretranslate_client_errors(live: Live) -> None:
    status, body = _lt_error(lambda: LibreTranslateAPI(live.base).translate(NORWEGIAN, "auto", "en"))
    assert status == 403 and body == {"error": "an API key is required: send `api_key` in the body "
                                               "(or `Authorization: Bearer <key>`)"}
    status, body = _lt_error(lambda: LibreTranslateAPI(live.base, api_key="wb_nope").detect(NORWEGIAN))
    assert status == 403 and list(body) == ["error"]
    status, body = _lt_error(lambda: LibreTranslateAPI(live.base, api_key=live.key).translate(NORWEGIAN, "auto", "de"))
    assert (status, body) == (400, {"error": "de is not supported: this server translates to en only"})
    assert LibreTranslateAPI(live.base).languages()  # served to anyone, as LibreTranslate does


# -- deepl -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def translator(live: Live) -> Iterator[deepl.Translator]:
    client = deepl.Translator(live.key, server_url=live.base)
    yield client
    client.close()


def test_deepl_translate_text(live: Live, translator: deepl.Translator) -> None:
    expected = live.ours(NORWEGIAN)
    one = translator.translate_text(NORWEGIAN, target_lang="EN-GB")
    assert (one.text, one.detected_source_lang, one.billed_characters) == (expected, "NB", len(NORWEGIAN))
    second = "Videoer fra stedet viser en eksplosjon."
    both = translator.translate_text([NORWEGIAN, second], source_lang="NB", target_lang="EN-US")
    assert [(r.text, r.detected_source_lang) for r in both] == [(expected, "NB"), (live.ours(second), "NB")]
    html = translator.translate_text(FRAGMENT, target_lang="EN-US", tag_handling="html")
    assert html.text == live.ours(FRAGMENT, "html") and html.text.startswith("<p>") and html.text.endswith("</p>")


def test_deepl_usage_and_languages(live: Live, translator: deepl.Translator) -> None:
    with closing(deepl.Translator(live.metered, server_url=live.base)) as metered:
        assert (metered.get_usage().character.count, metered.get_usage().character.limit) == (0, LIMIT)
        metered.translate_text(NORWEGIAN, target_lang="EN-GB")
        # usage is recorded once the response is out: the next request may come first
        counted = wait_until(lambda: metered.get_usage().character.count, timeout=10, what="usage recorded")
        assert counted == len(NORWEGIAN)

    sources = {language.code: language.name for language in translator.get_source_languages()}
    assert sources["NB"] == "Norwegian Bokmål" and sources["EN"] == "English" and "NO" not in sources
    targets = translator.get_target_languages()
    assert [(t.code, t.supports_formality) for t in targets] == [("EN-GB", False), ("EN-US", False)]


def test_deepl_documents(live: Live, translator: deepl.Translator, tmp_path: Path) -> None:
    out = io.BytesIO()
    status = translator.translate_document(NORWEGIAN.encode(), out, target_lang="EN-GB", filename="story.txt")
    assert status.done and status.billed_characters == len(NORWEGIAN)
    assert out.getvalue().decode() == live.ours(NORWEGIAN)

    source, target = tmp_path / "story.html", tmp_path / "story.en.html"
    source.write_text(FRAGMENT, encoding="utf-8")
    translator.translate_document_from_filepath(source, target, target_lang="EN-US")
    assert target.read_text(encoding="utf-8") == live.ours(FRAGMENT, "html")

    handle = translator.translate_document_upload(NORWEGIAN.encode(), target_lang="EN-GB", filename="b.txt")
    assert translator.translate_document_wait_until_done(handle).done
    with closing(deepl.Translator(live.other, server_url=live.base)) as stranger:  # another key: as if it did not exist
        with pytest.raises(deepl.DeepLException) as raised:
            stranger.translate_document_get_status(handle)
        assert raised.value.http_status_code == 404


def test_deepl_errors(live: Live, translator: deepl.Translator) -> None:
    with pytest.raises(deepl.DeepLException) as raised:
        translator.translate_text(NORWEGIAN, target_lang="DE")
    assert raised.value.http_status_code == 400 and "target_lang" in str(raised.value)
    with closing(deepl.Translator("wb_nope", server_url=live.base)) as wrong, pytest.raises(deepl.AuthorizationException):
        wrong.get_usage()
    with closing(deepl.Translator(live.other, server_url=live.base)) as other:
        with pytest.raises(deepl.QuotaExceededException):
            other.translate_text("a" * (LIMIT + 1), target_lang="EN-GB")
        assert other.get_usage().character.count == 0  # a refused request is not counted
