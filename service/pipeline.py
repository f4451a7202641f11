"""The one place that composes the steps: clean → detect → translate → summarize."""

from __future__ import annotations

import dataclasses
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Literal

from .backends import ModelPool
from .cache import LRUCache, cache_key
from .config import Settings
from .detect import Detection, detect
from .errors import EmptyText, PayloadTooLarge
from .languages import ENGLISH
from .observability.metrics import observe_cache
from .registry import Registry
from .summarize import Prompts, Summary, summarize_abstractive, summarize_extractive
from .text import CleanResult, clean
from .translate import Translation, translate


@dataclass(frozen=True)
class SummaryRequest:
    style: str | None = None
    method: Literal["abstractive", "extractive"] | None = None


@dataclass(frozen=True)
class ArticleRequest:
    text: str
    title: str | None = None
    source_lang: str | None = None
    translate: bool = True          # include the full English translation in the result
    summary: SummaryRequest | None = field(default_factory=SummaryRequest)  # None: no summary


@dataclass
class ArticleResult:
    language: Detection
    cleaning: CleanResult
    translation: Translation | None
    title: str | None
    summary: Summary | None
    warnings: list[str]
    timings_ms: dict[str, float]
    cached: bool = False


class Pipeline:
    """Holds the loaded pieces (registry, model pool, prompts) and runs articles through them."""

    def __init__(self, settings: Settings, registry: Registry, pool: ModelPool, prompts: Prompts) -> None:
        self.settings = settings
        self.registry = registry
        self.pool = pool
        self.prompts = prompts
        self.cache: LRUCache[ArticleResult] = LRUCache(settings.cache_max_entries)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Pipeline":
        registry = Registry.load(settings.registry_path)
        pool = ModelPool(registry, settings)
        return cls(settings, registry, pool, Prompts.load(settings.prompts_dir))

    # -- single steps (also served on their own endpoints) ------------------------------------

    def check_text(self, text: str) -> str:
        if len(text) > self.settings.max_article_chars:
            raise PayloadTooLarge(f"article has {len(text)} characters; the limit is "
                                  f"{self.settings.max_article_chars} (WIREBRIEF_MAX_ARTICLE_CHARS)")
        if not text.strip():
            raise EmptyText("text is empty or only whitespace")
        return text

    def clean(self, text: str) -> CleanResult:
        cleaned = clean(self.check_text(text))
        if not cleaned.text.strip():
            raise EmptyText("nothing is left after removing boilerplate; "
                            f"removed: {', '.join(sorted({r.rule for r in cleaned.removed}))}")
        return cleaned

    def detect(self, text: str, source_lang: str | None = None) -> Detection:
        return detect(self.check_text(text), override=source_lang, min_chars=self.settings.detect_min_chars,
                      min_confidence=self.settings.detect_min_confidence)

    def translate(self, text: str, lang: str) -> Translation:
        backend = self.pool.get(self.registry.translator_for(lang))
        return translate(text, lang, backend, self.settings)

    def summarize(self, english: str, request: SummaryRequest, *, title: str | None = None) -> Summary:
        style = self.prompts.style(request.style)
        method = request.method or self.settings.summary_method
        if method == "extractive":
            return summarize_extractive(english, style, title=title)
        spec = self.registry.summarizer
        return summarize_abstractive(
            english, self.pool.get(spec), style, self.prompts, template=spec.prompt,
            max_input_tokens=self.settings.summary_max_input_tokens,
            max_rounds=self.settings.summary_max_rounds, title=title,
        )

    # -- the whole article ----------------------------------------------------------------------

    def process(self, request: ArticleRequest) -> ArticleResult:
        timings: dict[str, float] = {}
        with _timed(timings, "clean"):
            cleaned = self.clean(request.text)
        with _timed(timings, "detect"):
            detection = self.detect(cleaned.text, request.source_lang)
        warnings = list(detection.warnings)
        lang = detection.language.code
        key = self._cache_key(cleaned.text, lang, request)  # unserved language: 422 before any model work
        with _timed(timings, "cache"):
            hit = self.cache.get(key)
        observe_cache(hit is not None)
        if hit is not None:
            timings["total"] = round(sum(timings.values()), 1)
            return dataclasses.replace(hit, language=detection, cleaning=cleaned, timings_ms=timings, cached=True)

        translation: Translation | None = None
        english, title = cleaned.text, request.title
        if lang != ENGLISH and (request.translate or request.summary is not None):
            with _timed(timings, "translate"):
                translation = self.translate(cleaned.text, lang)
                english = translation.text
                if title and title.strip():
                    title = self.translate(title, lang).text
        summary = None
        if request.summary is not None:
            with _timed(timings, "summarize"):
                summary = self.summarize(english, request.summary, title=title)
            warnings.extend(summary.warnings)
        timings["total"] = round(sum(timings.values()), 1)
        result = ArticleResult(
            language=detection,
            cleaning=cleaned,
            translation=translation if request.translate else None,
            title=title,
            summary=summary,
            warnings=warnings,
            timings_ms=timings,
        )
        self.cache.put(key, result)
        return result

    def _cache_key(self, text: str, lang: str, request: ArticleRequest) -> str:
        """Everything that shapes a result: the text, the models (and revisions), decoding settings."""
        settings = self.settings
        summary = request.summary
        style = self.prompts.style(summary.style) if summary else None
        method = (summary.method or settings.summary_method) if summary else None
        return cache_key(
            text=" ".join(text.split()), title=request.title, lang=lang, translate=request.translate,
            translator=self.registry.translator_for(lang).model_id if lang != ENGLISH else None,
            summarizer=self.registry.summarizer.model_id if method == "abstractive" else None,
            style=dataclasses.asdict(style) if style else None, method=method,
            engine=(settings.engine, settings.quantization()),
            decoding=settings.model_dump(include={"translate_beams", "translate_max_input_tokens",
                                                  "translate_sentences_per_chunk", "translate_length_ratio",
                                                  "translate_length_slack", "translate_min_length_ratio",
                                                  "translate_max_new_tokens", "repeat_guard",
                                                  "summary_max_input_tokens", "summary_max_rounds"}),
        )


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = round((time.perf_counter() - started) * 1000, 1)
