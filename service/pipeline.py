"""The one place that composes the steps: clean → detect → translate → summarize.

HTML is read here too (`ArticleRequest.format`): a whole page gives up its article (and metadata) and goes
on as text; a CMS fragment is read as its text for detection and the summary, and its markup is translated
in place. A fragment is not boilerplate-cleaned: a CMS body has little boilerplate, what it has (a credit, a
sign-off) is part of what the newsroom publishes and comes back translated in the markup, and one text then
feeds detection, `translation.text`, `translation.html` and the summary alike (markup already keeps scripts,
styles and comments out, and a `translate="no"` credit verbatim).

A non-English article is also detected paragraph by paragraph: a paragraph that is clearly English (a quote,
a statement) passes through untranslated, in place. A request that names its language (`source_lang`) is
never detected as a whole, and its paragraphs only against English: the full detector (most of a gigabyte
with lingua) loads on the first request that needs it, or at start when WIREBRIEF_PRELOAD asks.
"""

from __future__ import annotations

import dataclasses
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from .backends import deadline
from .backends.pool import ModelPool
from .cache import LRUCache, cache_key
from .config import ServerSettings, Settings
from .detect import Detection, Routing, detect, detect_paragraphs, detectable_codes
from .detect.engines import engine
from .errors import EmptyText, InvalidInput, PayloadTooLarge, UnreadableHtml
from .languages import ENGLISH
from .modelstore import coverage, locate, present_keys, route
from .observability.metrics import observe_cache
from .quality import Flag, check_summary
from .registry import ModelSpec, Registry
from .summarize import Method, Prompts, Style, Summary, summarize_abstractive, summarize_extractive
from .text import CleanResult, clean, split_paragraphs
from .text.html import MAX_PAGE_CHARS, Page, extract_page, fragment_text, looks_like_page, translate_fragment
from .translate import Translation, translate

Format = Literal["text", "html"]

#: One sentence per script the detector's candidates use: detecting them loads every language model it needs.
_WARM_UP_TEXTS = (
    "The council approved the budget on Tuesday after a long debate.",
    "Городской совет утвердил бюджет во вторник после долгих споров.",
)


def has_content(text: str) -> bool:
    """Whether `text` holds anything but whitespace, control and format characters (NUL, BOM, zero-width ...)."""
    return any(not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")) for char in text)


def check_title(title: str | None, server: ServerSettings) -> None:
    if title is not None and len(title) > server.max_title_chars:
        raise InvalidInput(
            f"title has {len(title)} characters; the limit is {server.max_title_chars} (WIREBRIEF_MAX_TITLE_CHARS)"
        )


def check_article(text: str, title: str | None, server: ServerSettings) -> str:
    """An article's size and substance, checked before any work: the title has its own limit, and text and
    title together count toward the article's (both are translated)."""
    check_title(title, server)
    size = len(text) + len(title or "")
    if size > server.max_article_chars:
        raise PayloadTooLarge(
            f"article has {size} characters (text and title); the limit is "
            f"{server.max_article_chars} (WIREBRIEF_MAX_ARTICLE_CHARS)"
        )
    if not has_content(text):
        raise EmptyText("text is empty or only whitespace and control characters")
    return text


@dataclass(frozen=True)
class SummaryRequest:
    style: str | None = None
    method: Literal["abstractive", "extractive"] | None = None


@dataclass(frozen=True)
class ArticleRequest:
    text: str
    title: str | None = None
    source_lang: str | None = None
    translate: bool = True  # include the full English translation in the result
    summary: SummaryRequest | None = field(default_factory=SummaryRequest)  # None: no summary
    format: Format = "text"  # "html": a whole page (its article is read out) or a CMS fragment (kept as markup)
    clean: bool = True  # strip boilerplate first (False: a document to translate whole, every line as sent)


@dataclass(frozen=True)
class TranslateRequest:
    text: str
    source_lang: str | None = None
    clean: bool = True  # strip boilerplate first (plain text and a page's article; a fragment is never cut)
    format: Format = "text"


@dataclass(frozen=True)
class Source:
    """A request body as the pipeline reads it: the article's plain text, and what HTML brought with it."""

    text: str
    page: Page | None = None  # a whole page: its metadata
    markup: str | None = None  # a fragment: the HTML to translate in place


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
    title_flags: tuple[Flag, ...] = ()  # the translated title against the source title
    summary_flags: tuple[Flag, ...] = ()  # the summary paragraph against the English article
    needs_review: bool = False  # any flag above or on the translation (returned or not)
    metadata: dict[str, str | None] | None = None  # a page's title, author, date, site_name, url
    html: str | None = None  # a fragment's translated markup (with `translation`)


@dataclass
class TranslateResult:
    language: Detection
    translation: Translation | None  # None: already English
    html: str | None  # a fragment's translated markup
    text: str  # English: the translation, or the input's text passed through
    metadata: dict[str, str | None] | None
    warnings: list[str]


@dataclass(frozen=True)
class Plan:
    """What one request runs, decided once and passed on: the language, its translator, the summary's shape."""

    language: str
    translator: ModelSpec | None  # None: English, passed through
    style: Style | None  # None: no summary
    method: Method | None
    summarizer: ModelSpec | None  # the abstractive model; None for extractive or no summary
    warnings: tuple[str, ...] = ()  # e.g. fallback_model: the catch-all stands in for a missing model


class Pipeline:
    """Holds the loaded pieces (registry, model pool, prompts) and runs articles through them."""

    def __init__(self, settings: Settings, registry: Registry, pool: ModelPool, prompts: Prompts) -> None:
        self.server = settings.server
        self.translation_settings = settings.translation
        self.summary_settings = settings.summary
        self.text_settings = settings.text
        self.models = settings.models
        self.registry = registry
        self.routing = Routing.from_registry(registry)  # which model each language goes to: detection weighs it
        rules = settings.detection
        #: the detection rules of these settings, the same for a whole article and for its paragraphs
        self.detection_rules: dict[str, Any] = {
            "min_chars": rules.detect_min_chars,
            "min_confidence": rules.detect_min_confidence,
            "english_ratio": rules.detect_english_ratio,
            "engine_name": rules.detector,
            "routing": self.routing,
        }
        self.pool = pool
        self.prompts = prompts
        self.cache: LRUCache[ArticleResult] = LRUCache(self.server.cache_max_entries)

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        registry = Registry.load(settings.registry_path, settings.models.summarizer)
        pool = ModelPool(registry, settings.models)
        return cls(settings, registry, pool, Prompts.load(settings.prompts_dir))

    # -- decisions, made once per request ----------------------------------------------------------

    def plan(self, lang: str, summary: SummaryRequest | None) -> Plan:
        """Route `lang` and resolve the summary options, before any model work: an unknown language or style is a
        4xx here, and a language neither its own model nor the catch-all can translate on this machine a 503."""
        translator, warnings = self._route(lang) if lang != ENGLISH else (None, ())
        if summary is None:
            return Plan(lang, translator, None, None, None, warnings)
        method = summary.method or self.summary_settings.summary_method
        summarizer = self.registry.summarizer if method == "abstractive" else None
        return Plan(lang, translator, self.prompts.style(summary.style), method, summarizer, warnings)

    def _route(self, lang: str) -> tuple[ModelSpec, tuple[str, ...]]:
        """The present model for `lang`: its own, else the catch-all with a warning; neither present is a 503."""
        models_dir = self.models.models_dir
        chosen = route(self.registry, lang, lambda spec: locate(spec, models_dir).present)
        warning = chosen.warning()
        return chosen.require(self.registry, models_dir), (warning,) if warning else ()

    def serves_every_language(self) -> bool:
        """Whether every routed language has a present model (its own or the catch-all): when not, a text of
        unknown language must be detected before anyone can say it will be served."""
        present = present_keys(self.registry, self.models.models_dir)
        return not coverage(self.registry, present, needs_summarizer=False).unserved

    # -- single steps (also served on their own endpoints) ------------------------------------

    def check_text(self, text: str, title: str | None = None) -> str:
        return check_article(text, title, self.server)

    def check_body(self, body: str, format: Format = "text", title: str | None = None) -> str:
        """A request body before any work: text must be a valid article; HTML must not be empty and not more
        than is parsed (its article is checked as text once read out, so a page's markup is not counted)."""
        if format == "text":
            return self.check_text(body, title)
        check_title(title, self.server)
        if not has_content(body):
            raise EmptyText("the HTML is empty or only whitespace")
        if len(body) > MAX_PAGE_CHARS:
            raise PayloadTooLarge(f"the HTML has {len(body)} characters; at most {MAX_PAGE_CHARS} are read")
        return body

    def read(self, body: str, format: Format = "text", title: str | None = None) -> Source:
        """The article in a body: text as it is; a page's main text and metadata; a fragment's reading text.
        The text and the title are checked here, once (a page's article once read out)."""
        if format == "text":
            return Source(self.check_text(body, title))
        self.check_body(body, format, title)
        if looks_like_page(body):
            page = extract_page(body)
            return Source(self.check_text(page.text, title), page=page)
        try:
            text = fragment_text(body)
        except ValueError as exc:  # lxml refuses some control characters outside any element
            raise UnreadableHtml(f"The HTML fragment could not be parsed: {exc}") from exc
        if not has_content(text):
            raise EmptyText("the HTML fragment has no text (only markup, scripts or comments)")
        self.check_text(text, title)
        return Source(text, markup=body)

    def _clean_source(self, source: Source, *, strip_boilerplate: bool = True) -> CleanResult:
        """Plain text and a page's article are cleaned; a fragment is taken as it reads (see the module doc)."""
        if source.markup is None and strip_boilerplate:
            return self._clean(source.text)
        return CleanResult(text=source.text, removed=())

    def clean(self, text: str, title: str | None = None) -> CleanResult:
        return self._clean(self.check_text(text, title))

    def _clean(self, text: str) -> CleanResult:
        """Clean text already checked."""
        cleaned = clean(text, main_block=self.text_settings.clean_main_block)
        if not cleaned.text.strip():
            raise EmptyText(
                "nothing is left after removing boilerplate; "
                f"removed: {', '.join(sorted({r.rule for r in cleaned.removed}))}"
            )
        return cleaned

    def detect(self, text: str, source_lang: str | None = None) -> Detection:
        return self._detect(self.check_text(text), source_lang)

    def detect_body(self, body: str, format: Format = "text") -> Detection:
        """The language of a request body as the whole pipeline would take it: read (a page's article, a
        fragment's text), cleaned, then detected."""
        return self._detect(self._clean_source(self.read(body, format)).text, None)

    def _detect(self, text: str, source_lang: str | None) -> Detection:
        return detect(text, override=source_lang, **self.detection_rules)

    def warm_up(self) -> None:
        """Load the detector's language models now (seconds, holding the GIL), not inside a first request where
        every other request of the process would wait for it. Only at a preloading start (WIREBRIEF_PRELOAD):
        otherwise the first request that detects pays for it, and a server whose clients name the language
        never does."""
        for sample in _WARM_UP_TEXTS:
            self._detect(sample, None)

    def needed_models(self) -> list[ModelSpec]:
        """The present models requests will use: every present translator (each serves its languages, the
        catch-all every other one) and the summarizer when summaries are abstractive by default."""
        needed = [spec for spec in self.registry.translation_models() if locate(spec, self.models.models_dir).present]
        summarizer = self.registry.summarizer
        if self.summary_settings.summary_method == "abstractive" and locate(summarizer, self.models.models_dir).present:
            needed.append(summarizer)
        return needed

    def detectable_codes(self) -> frozenset[str]:
        """Languages detection can return (others must be given as `source_lang`)."""
        return detectable_codes(self.detection_rules["engine_name"], self.routing)

    def translate(self, text: str, lang: str, translator: ModelSpec | None = None) -> Translation:
        """Translate with `translator` (a plan's), else with the model that serves `lang` on this machine."""
        return self._translate(text, lang, translator or self._route(lang)[0])

    def _translate(
        self, text: str, lang: str, translator: ModelSpec, *, keep: frozenset[int] = frozenset()
    ) -> Translation:
        return translate(text, lang, self.pool.get(translator), self.translation_settings, keep=keep)

    def _english_paragraphs(self, paragraphs: list[str], document: Detection, translator: ModelSpec) -> frozenset[int]:
        """Indices of the paragraphs detected English without doubt; a short or unclear one is the article's.

        When the client named the language (`source_lang`), the only question left per paragraph is "that
        language or English?", asked of a detector that knows just those two (`_given_routing`): the full one
        (most of a gigabyte with lingua) is never built for such a request."""
        if len(paragraphs) < 2:
            return frozenset()
        rules = self.detection_rules
        if document.source == "override":
            given = self._given_routing(document.language.code, translator)
            if given is None:  # the detector does not know the named language: nothing to tell English from
                return frozenset()
            rules = {**rules, "routing": given}
        found = detect_paragraphs(paragraphs, document=document, **rules)
        return frozenset(i for i, d in enumerate(found) if d.language.code == ENGLISH and not d.ambiguous)

    def _given_routing(self, lang: str, translator: ModelSpec) -> Routing | None:
        """English and `lang` alone, when the detector knows `lang`; else None."""
        routing = Routing({ENGLISH: None, lang: translator.key})
        try:
            known = engine(self.detection_rules["engine_name"], routing.candidates).codes()
        except ValueError:  # lingua refuses a detector of fewer than two languages it knows
            return None
        return routing if lang in known else None

    def _to_english(
        self, source: Source, text: str, document: Detection, translator: ModelSpec
    ) -> tuple[Translation, str | None, list[str]]:
        """The translation of `text` (of a fragment: also its markup), English paragraphs passed through;
        with the translated markup (None for text) and the warnings."""
        lang = document.language.code
        if source.markup is None:
            keep = self._english_paragraphs(split_paragraphs(text), document, translator)
            return self._translate(text, lang, translator, keep=keep), None, _mixed_warning(len(keep))
        done: list[tuple[Translation, int]] = []

        def batch(segments: list[str]) -> list[str]:
            """All of a fragment's segments in one translation (segmented, packed and batched as usual)."""
            lines = [" ".join(segment.split()) for segment in segments]  # one paragraph each, exactly
            keep = self._english_paragraphs(lines, document, translator)
            translation = self._translate("\n\n".join(lines), lang, translator, keep=keep)
            pieces = translation.text.split("\n\n")
            if len(pieces) != len(lines):  # a segment translated to nothing left no paragraph: one by one
                alone = [
                    line if i in keep else self._translate(line, lang, translator).text for i, line in enumerate(lines)
                ]
                translation = dataclasses.replace(translation, text="\n\n".join(filter(None, alone)))
                pieces = alone
            done.append((translation, len(keep)))
            return pieces

        markup = translate_fragment(source.markup, batch)
        if not done:  # all its text is in elements kept as they are (code, notranslate): so is the text
            everything = frozenset(range(len(split_paragraphs(text))))
            return self._translate(text, lang, translator, keep=everything), markup, []
        translation, passed = done[0]
        return translation, markup, _mixed_warning(passed)

    def summarize(self, english: str, request: SummaryRequest, *, title: str | None = None) -> Summary:
        return self._summarize(english, self.plan(ENGLISH, request), title=title)

    def _summarize(self, english: str, plan: Plan, *, title: str | None) -> Summary:
        assert plan.style is not None, "a plan without a summary has nothing to summarize"
        if plan.summarizer is None:
            return summarize_extractive(english, plan.style, title=title)
        return summarize_abstractive(
            english,
            self.pool.get(plan.summarizer),
            plan.style,
            self.prompts,
            template=plan.summarizer.prompt,
            max_input_tokens=self.summary_settings.summary_max_input_tokens,
            max_rounds=self.summary_settings.summary_max_rounds,
            title=title,
        )

    # -- the whole article ----------------------------------------------------------------------

    def process(self, request: ArticleRequest, *, timeout_s: float | None = None) -> ArticleResult:
        """The whole article; past `timeout_s` nothing more is started and RequestTimeout is raised."""
        with deadline.deadline(timeout_s):
            return self._process(request)

    def _process(self, request: ArticleRequest) -> ArticleResult:
        timings: dict[str, float] = {}
        with _timed(timings, "clean"):
            source = self.read(request.text, request.format, request.title)  # validates text and title, once
            cleaned = self._clean_source(source, strip_boilerplate=request.clean)
        with _timed(timings, "detect"):
            detection = self._detect(cleaned.text, request.source_lang)
        warnings = list(detection.warnings)
        plan = self.plan(detection.language.code, request.summary)  # 422 / 503 for a language, before model work
        warnings.extend(plan.warnings)
        key = self._cache_key(cleaned.text, plan, request)
        with _timed(timings, "cache"):
            hit = self.cache.get(key)
        observe_cache(hit is not None)
        if hit is not None:
            timings["total"] = round(sum(timings.values()), 1)
            return dataclasses.replace(hit, language=detection, cleaning=cleaned, timings_ms=timings, cached=True)

        translation: Translation | None = None
        title_flags: tuple[Flag, ...] = ()
        markup: str | None = None
        english, title = cleaned.text, request.title or (source.page.title if source.page else None)
        if plan.translator is not None and (request.translate or plan.style is not None):
            deadline.check("translation")
            with _timed(timings, "translate"):
                translation, markup, mixed = self._to_english(source, cleaned.text, detection, plan.translator)
                warnings.extend(mixed)
                english = translation.text
                if title and title.strip():
                    deadline.check("translating the title")
                    translated_title = self._translate(title, plan.language, plan.translator)
                    title, title_flags = translated_title.text, translated_title.flags
        summary = None
        summary_flags: tuple[Flag, ...] = ()
        if plan.style is not None:
            deadline.check("summarizing")
            with _timed(timings, "summarize"):
                summary = self._summarize(english, plan, title=title)
            # key points are sentences of the article or of the paragraph, and the headline is the title or the
            # paragraph's lead compressed: checking the paragraph covers everything the summarizer wrote
            summary_flags = tuple(check_summary(summary.summary, english))
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
            title_flags=title_flags,
            summary_flags=summary_flags,
            needs_review=bool(translation and translation.needs_review) or bool(title_flags or summary_flags),
            metadata=source.page.metadata() if source.page else None,
            html=markup if request.translate else None,
        )
        self.cache.put(key, result)
        return result

    def translate_article(self, request: TranslateRequest) -> TranslateResult:
        """`POST /v1/translate`: read, clean if asked, detect, and translate (no cache, no summary)."""
        source = self.read(request.text, request.format)
        cleaned = self._clean_source(source, strip_boilerplate=request.clean)
        detection = self._detect(cleaned.text, request.source_lang)
        plan = self.plan(detection.language.code, None)  # the fallback model, and its warning, when it stands in
        warnings = [*detection.warnings, *plan.warnings]
        translation, markup, english = None, None, cleaned.text
        if plan.translator is not None:
            translation, markup, mixed = self._to_english(source, cleaned.text, detection, plan.translator)
            warnings.extend(mixed)
            english = translation.text
        return TranslateResult(
            language=detection,
            translation=translation,
            html=markup,
            text=english,
            metadata=source.page.metadata() if source.page else None,
            warnings=warnings,
        )

    def _cache_key(self, text: str, plan: Plan, request: ArticleRequest) -> str:
        """Everything that shapes a result: the text, the plan's models (and revisions), decoding settings."""
        return cache_key(
            text=" ".join(text.split()),
            title=request.title,
            lang=plan.language,
            translate=request.translate,
            format=request.format,
            markup=request.text if request.format == "html" else None,  # metadata, tags
            translator=plan.translator.model_id if plan.translator else None,
            summarizer=plan.summarizer.model_id if plan.summarizer else None,
            style=dataclasses.asdict(plan.style) if plan.style else None,
            method=plan.method,
            engine=(self.models.engine, self.models.quantization()),
            decoding={
                **self.translation_settings.model_dump(),
                **self.summary_settings.model_dump(include={"summary_max_input_tokens", "summary_max_rounds"}),
            },
        )


def _mixed_warning(passed: int) -> list[str]:
    if not passed:
        return []
    return [f"mixed_language: {passed} paragraph{'s' if passed != 1 else ''} in English passed through untranslated"]


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = round((time.perf_counter() - started) * 1000, 1)
