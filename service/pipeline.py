"""The one place that composes the steps: clean → detect → translate → summarize."""

from __future__ import annotations

import dataclasses
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Literal

from .backends import deadline
from .backends.pool import ModelPool
from .cache import LRUCache, cache_key
from .config import Settings
from .detect import Detection, Routing, detect, detectable_codes
from .errors import EmptyText, PayloadTooLarge
from .languages import ENGLISH
from .observability.metrics import observe_cache
from .registry import ModelSpec, Registry
from .summarize import Method, Prompts, Style, Summary, summarize_abstractive, summarize_extractive
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


@dataclass(frozen=True)
class Plan:
    """What one request runs, decided once and passed on: the language, its translator, the summary's shape."""

    language: str
    translator: ModelSpec | None  # None: English, passed through
    style: Style | None  # None: no summary
    method: Method | None
    summarizer: ModelSpec | None  # the abstractive model; None for extractive or no summary


class Pipeline:
    """Holds the loaded pieces (registry, model pool, prompts) and runs articles through them."""

    def __init__(self, settings: Settings, registry: Registry, pool: ModelPool, prompts: Prompts) -> None:
        self.server = settings.server
        self.translation_settings = settings.translation
        self.summary_settings = settings.summary
        self.detection_settings = settings.detection
        self.models = settings.models
        self.registry = registry
        self.routing = Routing.from_registry(registry)  # which model each language goes to: detection weighs it
        self.pool = pool
        self.prompts = prompts
        self.cache: LRUCache[ArticleResult] = LRUCache(self.server.cache_max_entries)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Pipeline":
        registry = Registry.load(settings.registry_path)
        pool = ModelPool(registry, settings.models)
        return cls(settings, registry, pool, Prompts.load(settings.prompts_dir))

    # -- decisions, made once per request ----------------------------------------------------------

    def plan(self, lang: str, summary: SummaryRequest | None) -> Plan:
        """Route `lang` and resolve the summary options; an unserved language or unknown style is a 4xx here,
        before any model work."""
        translator = self.registry.translator_for(lang) if lang != ENGLISH else None
        if summary is None:
            return Plan(lang, translator, None, None, None)
        method = summary.method or self.summary_settings.summary_method
        summarizer = self.registry.summarizer if method == "abstractive" else None
        return Plan(lang, translator, self.prompts.style(summary.style), method, summarizer)

    # -- single steps (also served on their own endpoints) ------------------------------------

    def check_text(self, text: str) -> str:
        if len(text) > self.server.max_article_chars:
            raise PayloadTooLarge(f"article has {len(text)} characters; the limit is "
                                  f"{self.server.max_article_chars} (WIREBRIEF_MAX_ARTICLE_CHARS)")
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
        return self._detect(self.check_text(text), source_lang)

    def _detect(self, text: str, source_lang: str | None) -> Detection:
        settings = self.detection_settings
        return detect(text, override=source_lang, min_chars=settings.detect_min_chars,
                      min_confidence=settings.detect_min_confidence, english_ratio=settings.detect_english_ratio,
                      engine_name=settings.detector, routing=self.routing)

    def detectable_codes(self) -> frozenset[str]:
        """Languages detection can return (others must be given as `source_lang`)."""
        return detectable_codes(self.detection_settings.detector, self.routing)

    def translate(self, text: str, lang: str) -> Translation:
        return self._translate(text, lang, self.registry.translator_for(lang))

    def _translate(self, text: str, lang: str, translator: ModelSpec) -> Translation:
        return translate(text, lang, self.pool.get(translator), self.translation_settings)

    def summarize(self, english: str, request: SummaryRequest, *, title: str | None = None) -> Summary:
        return self._summarize(english, self.plan(ENGLISH, request), title=title)

    def _summarize(self, english: str, plan: Plan, *, title: str | None) -> Summary:
        assert plan.style is not None, "a plan without a summary has nothing to summarize"
        if plan.summarizer is None:
            return summarize_extractive(english, plan.style, title=title)
        return summarize_abstractive(
            english, self.pool.get(plan.summarizer), plan.style, self.prompts, template=plan.summarizer.prompt,
            max_input_tokens=self.summary_settings.summary_max_input_tokens,
            max_rounds=self.summary_settings.summary_max_rounds, title=title,
        )

    # -- the whole article ----------------------------------------------------------------------

    def process(self, request: ArticleRequest, *, timeout_s: float | None = None) -> ArticleResult:
        """The whole article; past `timeout_s` nothing more is started and RequestTimeout is raised."""
        with deadline.deadline(timeout_s):
            return self._process(request)

    def _process(self, request: ArticleRequest) -> ArticleResult:
        timings: dict[str, float] = {}
        with _timed(timings, "clean"):
            cleaned = self.clean(request.text)  # validates the text, once
        with _timed(timings, "detect"):
            detection = self._detect(cleaned.text, request.source_lang)
        warnings = list(detection.warnings)
        plan = self.plan(detection.language.code, request.summary)  # unserved language: 422 before model work
        key = self._cache_key(cleaned.text, plan, request)
        with _timed(timings, "cache"):
            hit = self.cache.get(key)
        observe_cache(hit is not None)
        if hit is not None:
            timings["total"] = round(sum(timings.values()), 1)
            return dataclasses.replace(hit, language=detection, cleaning=cleaned, timings_ms=timings, cached=True)

        translation: Translation | None = None
        english, title = cleaned.text, request.title
        if plan.translator is not None and (request.translate or plan.style is not None):
            deadline.check("translation")
            with _timed(timings, "translate"):
                translation = self._translate(cleaned.text, plan.language, plan.translator)
                english = translation.text
                if title and title.strip():
                    deadline.check("translating the title")
                    title = self._translate(title, plan.language, plan.translator).text
        summary = None
        if plan.style is not None:
            deadline.check("summarizing")
            with _timed(timings, "summarize"):
                summary = self._summarize(english, plan, title=title)
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

    def _cache_key(self, text: str, plan: Plan, request: ArticleRequest) -> str:
        """Everything that shapes a result: the text, the plan's models (and revisions), decoding settings."""
        return cache_key(
            text=" ".join(text.split()), title=request.title, lang=plan.language, translate=request.translate,
            translator=plan.translator.model_id if plan.translator else None,
            summarizer=plan.summarizer.model_id if plan.summarizer else None,
            style=dataclasses.asdict(plan.style) if plan.style else None, method=plan.method,
            engine=(self.models.engine, self.models.quantization()),
            decoding={**self.translation_settings.model_dump(),
                      **self.summary_settings.model_dump(include={"summary_max_input_tokens", "summary_max_rounds"})},
        )


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = round((time.perf_counter() - started) * 1000, 1)
