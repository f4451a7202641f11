"""What the LibreTranslate and DeepL routes share: the languages we serve, and texts translated as they ask.

Both APIs translate short texts verbatim (no boilerplate stripping) and report the language they detected;
both are charged like `/v1/translate`, every character of every text before any work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ...backends.deadline import deadline
from ...config import ServerSettings
from ...errors import UnsupportedLanguage
from ...languages import ENGLISH, NAMES
from ...modelstore import present_keys, route
from ...pipeline import Format, Pipeline, TranslateRequest, TranslateResult, check_article
from ..body import charge


def served_languages(pipeline: Pipeline) -> list[tuple[str, str]]:
    """(code, name) of English and of every language a model on this machine translates, by code."""
    present = present_keys(pipeline.registry, pipeline.models.models_dir)
    served = []
    for code, name in sorted(NAMES.items()):
        try:
            chosen = None if code == ENGLISH else route(pipeline.registry, code, lambda spec: spec.key in present)
        except UnsupportedLanguage:  # no model is configured for it at all
            continue
        if code == ENGLISH or (chosen is not None and chosen.model is not None):
            served.append((code, name))
    return served


@dataclass(frozen=True)
class Translated:
    """One text's outcome: what to send back, and the language it was read as (None: not detected, as given)."""

    text: str
    language: str
    confidence: float | None


def _translate(
    pipeline: Pipeline, texts: Sequence[str], source_lang: str | None, format: Format, timeout_s: float
) -> list[Translated]:
    with deadline(timeout_s):  # one deadline for the whole batch, as for one request
        return [_one(pipeline, text, source_lang, format) for text in texts]


def _one(pipeline: Pipeline, text: str, source_lang: str | None, format: Format) -> Translated:
    if not text.strip():  # nothing to translate, nothing to detect: handed back as it came
        return Translated(text, source_lang or ENGLISH, None)
    result: TranslateResult = pipeline.translate_article(
        TranslateRequest(text=text, source_lang=source_lang, clean=False, format=format)
    )
    language = result.language.language
    output = result.html if result.html is not None else result.text
    if result.translation is None:  # already English: the text as sent, markup and spacing untouched
        output = text
    detected = result.language.source == "detected"
    return Translated(output, language.code, language.confidence if detected else None)


async def translate_texts(
    request: Request, pipeline: Pipeline, texts: Sequence[str], source_lang: str | None, format: Format
) -> list[Translated]:
    """Check and charge every text, then translate them all off the event loop within the request's deadline."""
    server: ServerSettings = request.app.state.server_settings
    for text in texts:
        if format == "text" and text.strip():
            check_article(text, None, server)
    await charge(request, sum(len(text) for text in texts))
    return await run_in_threadpool(_translate, pipeline, texts, source_lang, format, server.request_timeout_s)
