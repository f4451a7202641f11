"""Request and response bodies of the HTTP API (pydantic), with the examples shown in /docs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SEED_EXAMPLE = (
    "Fragmenter fra en russisk missil, som ble skutt ned av ukrainske styrker, skal ha truffet et område "
    "med boligblokker i Kyiv.\n\nVideoer fra stedet viser en eksplosjon. Foto: AFP"
)


class Strict(BaseModel):
    """Unknown fields are an error: a typo in an option must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class SummaryOptions(Strict):
    style: str | None = Field(None, description="brief | standard | bullets (prompts/styles.toml)")
    method: Literal["abstractive", "extractive"] | None = Field(None, description="default: the service setting")


class ArticleIn(Strict):
    text: str = Field(..., description="Raw article text, boilerplate and all.", examples=[SEED_EXAMPLE])
    title: str | None = Field(None, description="Used (translated) as the summary headline.")
    source_lang: str | None = Field(None, description="ISO 639-1 code; skips detection.", examples=["no"])
    translate: bool = Field(True, description="Include the full English translation.")
    summary: SummaryOptions | None | Literal[False] = Field(
        default_factory=SummaryOptions, description="Summary options, or false for no summary.")


class TextIn(Strict):
    text: str = Field(..., examples=[SEED_EXAMPLE])


class TranslateIn(Strict):
    text: str = Field(..., examples=[SEED_EXAMPLE])
    source_lang: str | None = None
    clean: bool = Field(True, description="Strip web boilerplate first.")


class SummarizeIn(Strict):
    text: str = Field(..., description="Any language; non-English text is translated first.")
    title: str | None = None
    source_lang: str | None = None
    style: str | None = None
    method: Literal["abstractive", "extractive"] | None = None


class LanguageOut(BaseModel):
    code: str
    name: str
    confidence: float


class DetectOut(BaseModel):
    language: LanguageOut
    candidates: list[LanguageOut]
    source: Literal["detected", "override"]
    warnings: list[str]


class RemovalOut(BaseModel):
    rule: str
    text: str
    line: int


class CleaningOut(BaseModel):
    text: str = Field(..., description="The cleaned article (paragraphs separated by blank lines).")
    removed: list[RemovalOut]
    chars_in: int
    chars_out: int


class TranslationOut(BaseModel):
    text: str
    model: str
    engine: str
    source_lang: str
    sentences: int
    chunks: int


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


class ArticleOut(BaseModel):
    language: DetectOut
    cleaning: CleaningOut
    translation: TranslationOut | None
    title: str | None
    summary: SummaryOut | None
    warnings: list[str]
    timings_ms: dict[str, float]
    cached: bool = Field(..., description="True when answered from the result cache.")


class TranslateOut(BaseModel):
    language: DetectOut
    translation: TranslationOut | None = Field(..., description="null when the text is already English.")
    text: str = Field(..., description="English text: the translation, or the input passed through.")
    warnings: list[str]


class SummarizeOut(BaseModel):
    language: DetectOut
    summary: SummaryOut
    warnings: list[str]


class ModelStateOut(BaseModel):
    key: str
    task: str
    model_id: str
    state: Literal["loaded", "present", "missing"]
    path: str | None
    languages: list[str]
    engine: str | None = Field(..., description="Engine of the loaded model (transformers, ctranslate2).")


class StorageStateOut(BaseModel):
    state: Literal["ok", "corrupt", "unreachable"]
    problems: list[str] = Field(default_factory=list, description="What the integrity or connectivity check found.")


class ReadyOut(BaseModel):
    ready: bool
    models: list[ModelStateOut]
    missing_hint: str | None
    storage: StorageStateOut | None = Field(None, description="The job database; not ready unless its state is ok.")


class LanguageEntry(BaseModel):
    code: str
    name: str
    model: str | None = Field(..., description="Translation model key; null for English (passed through).")
    detectable: bool


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
