"""Request and response bodies of the HTTP API (pydantic), with the examples shown in /docs."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from ..quality import KINDS

SEED_EXAMPLE = (
    "Fragmenter fra en russisk missil, som ble skutt ned av ukrainske styrker, skal ha truffet et område "
    "med boligblokker i Kyiv.\n\nVideoer fra stedet viser en eksplosjon. Foto: AFP"
)


class Strict(BaseModel):
    """Unknown fields are an error: a typo in an option must not be silently ignored. Booleans are JSON booleans
    (`StrictBool`): `"false"` taken as true, or `1` as true, would be a guess."""

    model_config = ConfigDict(extra="forbid")


class Charged(Strict):
    """A body carrying article text: what it is charged against the daily allowance is every text field the
    pipeline works on (the title is translated too)."""

    text: str

    @property
    def characters(self) -> int:
        return len(self.text) + len(getattr(self, "title", None) or "")


Format = Literal["text", "html"]
FORMAT: Any = Field(
    "text",
    description="html: `text` is a whole web page (its article and metadata are read out) or a CMS "
    "fragment (translated in place, markup kept, in `translation.html`). A text/html body sets it.",
)


class SummaryOptions(Strict):
    style: str | None = Field(None, description="brief | standard | bullets (prompts/styles.toml)")
    method: Literal["abstractive", "extractive"] | None = Field(None, description="default: the service setting")


#: A caller's own id (a job item's `custom_id`, an article's `desk_id`): 1-256 characters, no control characters.
ClientId = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$")]


class ArticleIn(Charged):
    text: str = Field(..., description="Raw article text, boilerplate and all.", examples=[SEED_EXAMPLE])
    title: str | None = Field(None, description="Used (translated) as the summary headline.")
    source_lang: str | None = Field(None, description="ISO 639-1 code; skips detection.", examples=["no"])
    translate: StrictBool = Field(True, description="Include the full English translation.")
    clean: StrictBool = Field(
        True, description="Strip web boilerplate first (not from an HTML fragment); false: every line as sent."
    )
    summary: SummaryOptions | Literal[False] | None = Field(
        default_factory=SummaryOptions, description="Summary options, or false for no summary."
    )
    format: Format = FORMAT
    desk: StrictBool = Field(False, description="Also file the article to the story desk (GET /v1/stories).")
    desk_id: ClientId | None = Field(
        None,
        description=(
            "The article's id on the story desk: give your own article id so a re-sent version replaces the "
            "earlier one there. Default: `sha256:` + the hash of the text (POST /v1/articles), "
            "`<job id>:<custom_id>` (a job's item, so custom ids reused by another job never collide)."
        ),
    )
    source: str | None = Field(
        None, max_length=300, description="The outlet, for the story desk when the page does not name it."
    )

    @field_validator("summary", mode="before")
    @classmethod
    def _false_is_a_boolean(cls, value: Any) -> Any:
        """`Literal[False]` alone would take `0` for false."""
        if value is not None and not isinstance(value, (bool, dict, SummaryOptions)):
            raise ValueError("summary is an object of options, false or null")
        return value


class TextIn(Charged):
    text: str = Field(..., examples=[SEED_EXAMPLE])
    format: Format = FORMAT


class TranslateIn(Charged):
    text: str = Field(..., examples=[SEED_EXAMPLE])
    source_lang: str | None = None
    clean: StrictBool = Field(True, description="Strip web boilerplate first (not from an HTML fragment).")
    format: Format = FORMAT


class SummarizeIn(Charged):
    text: str = Field(..., description="Any language; non-English text is translated first.")
    title: str | None = None
    source_lang: str | None = None
    summary: SummaryOptions = Field(default_factory=SummaryOptions, description="The same options as /v1/articles.")
    format: Format = FORMAT


class LanguageOut(BaseModel):
    code: str
    name: str
    confidence: float


class DetectedLanguage(LanguageOut):
    """The language a text was taken to be, flat: `language.code`, `language.confidence`."""

    candidates: list[LanguageOut] = Field(..., description="Every language considered, most likely first.")
    source: Literal["detected", "override"] = Field(..., description="override: the caller's `source_lang`.")


class DetectOut(BaseModel):
    language: DetectedLanguage
    warnings: list[str]


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """Every list the API returns: one page of `data`, oldest or newest first as the route says."""

    data: list[Item]
    has_more: bool
    next_after: str | None = Field(..., description="Pass as `after` for the next page; null on the last one.")


class RemovalOut(BaseModel):
    rule: str
    text: str
    line: int


class CleaningOut(BaseModel):
    text: str = Field(..., description="The cleaned article (paragraphs separated by blank lines).")
    removed: list[RemovalOut]
    chars_in: int
    chars_out: int


FlagKind = Literal[KINDS]  # type: ignore[valid-type]  # every kind service.quality raises, as an enum


class FlagOut(BaseModel):
    """A reason to check one sentence (numbers, dates, names, copies, odd lengths), not a verdict."""

    sentence: int = Field(
        ...,
        description="Index of the sentence: in the source text for translation flags, "
        "in the summary paragraph for summary flags.",
    )
    kind: FlagKind
    source: str | None = Field(..., description="The span in the source; null when the source has nothing.")
    target: str | None = Field(..., description="The span in the output; null when the output has nothing.")
    detail: str


class TranslationOut(BaseModel):
    text: str
    model: str
    engine: str
    source_lang: str
    sentences: int
    chunks: int
    flags: list[FlagOut] = Field(default_factory=list, description="Fidelity flags, source against translation.")
    needs_review: bool = Field(False, description="True when any flag was raised.")
    html: str | None = Field(
        None, description="An HTML fragment's translation with its markup intact; null for plain text and pages."
    )


class MetadataOut(BaseModel):
    """What an HTML page says about itself (null when unknown)."""

    title: str | None
    author: str | None
    date: str | None = Field(..., description="Publication date, YYYY-MM-DD.")
    site_name: str | None
    url: str | None = Field(..., description="The canonical URL.")


class SummaryOut(BaseModel):
    headline: str
    summary: str
    key_points: list[str]
    word_count: int
    style: str
    method: Literal["abstractive", "extractive"]
    model: str | None
    chunks: int = Field(..., description="Model inputs in the first round (0 for extractive).")
    rounds: int = Field(..., description="1: summarized whole; 2+: map-reduce rounds; 0: extractive.")
    flags: list[FlagOut] = Field(
        default_factory=list,
        description=(
            "Numbers, dates, times and names in the summary paragraph that the English article does not support "
            "(key points and a compressed headline are taken from the article or the paragraph)."
        ),
    )


_NEEDS_REVIEW = (
    "True when the translation (also when it is not returned), the title's translation or the "
    "summary raised a fidelity flag: a person should check the result before it is published."
)


class ArticleOut(BaseModel):
    language: DetectedLanguage
    cleaning: CleaningOut
    translation: TranslationOut | None
    title: str | None
    summary: SummaryOut | None
    warnings: list[str]
    timings_ms: dict[str, float]
    cached: bool = Field(..., description="True when answered from the result cache.")
    title_flags: list[FlagOut] = Field(
        default_factory=list, description="Fidelity flags, the source title against its translation."
    )
    needs_review: bool = Field(False, description=_NEEDS_REVIEW)
    metadata: MetadataOut | None = Field(None, description="A whole HTML page's metadata; null otherwise.")


class TranslateOut(BaseModel):
    language: DetectedLanguage
    translation: TranslationOut | None = Field(..., description="null when the text is already English.")
    text: str = Field(..., description="English text: the translation, or the input passed through.")
    warnings: list[str]
    needs_review: bool = Field(False, description="True when the translation raised a fidelity flag.")
    metadata: MetadataOut | None = Field(None, description="A whole HTML page's metadata; null otherwise.")


class SummarizeOut(BaseModel):
    language: DetectedLanguage
    summary: SummaryOut
    warnings: list[str]
    needs_review: bool = Field(False, description=_NEEDS_REVIEW)


class ModelStateOut(BaseModel):
    key: str
    task: str
    model_id: str
    state: Literal["loaded", "present", "missing"]
    path: str | None = Field(
        ..., description="On disk; shown only to callers with an API key (auth on and WIREBRIEF_AUTH_PROTECT_READY)."
    )
    languages: list[str]
    engine: str | None = Field(..., description="Engine of the loaded model (transformers, ctranslate2).")


class StorageStateOut(BaseModel):
    state: Literal["ok", "corrupt", "unreachable"]
    problems: list[str] = Field(default_factory=list, description="What the integrity or connectivity check found.")


class ReadyOut(BaseModel):
    ready: bool = Field(
        ...,
        description="Every served language has a present model, and the summarizer is "
        "present when summaries are abstractive by default.",
    )
    models: list[ModelStateOut]
    missing_hint: str | None = Field(..., description="How to fetch every missing model, optional ones included.")
    optional_missing: list[str] = Field(
        ...,
        description="Missing models whose work is done anyway (by the "
        "catch-all translation model, or extractive summaries).",
    )
    unserved_languages: list[str] = Field(
        ..., description='Languages no present model translates ("*": every language without its own model).'
    )
    storage: StorageStateOut | None = Field(None, description="The job database; not ready unless its state is ok.")
    reason: str | None = Field(
        None,
        description="Why not ready, in words (null when ready): e.g. `loading models: ...` or "
        "`warming the story desk` while the start-up preload (WIREBRIEF_PRELOAD) runs.",
    )


class LanguageEntry(BaseModel):
    code: str
    name: str
    model: str | None = Field(
        ...,
        description="The translation model that serves it on this machine now; null "
        "for English (passed through) and when no present model serves it.",
    )
    preferred_model: str | None = Field(..., description="The model the registry names for it; null for English.")
    fallback: bool = Field(..., description="True when the catch-all model stands in for the missing preferred one.")
    detectable: bool


class LanguagePage(Page[LanguageEntry]):
    pass


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
