"""Request bodies → pipeline requests, and results → response models; shared by routers and jobs."""

from __future__ import annotations

from collections.abc import Sequence

from ..detect import Candidate, Detection
from ..pipeline import ArticleRequest, ArticleResult, SummaryRequest, TranslateRequest, TranslateResult
from ..quality import Flag
from ..summarize import Summary
from ..text import CleanResult
from ..translate import Translation
from . import schemas


def language(candidate: Candidate) -> schemas.LanguageOut:
    return schemas.LanguageOut(code=candidate.code, name=candidate.name, confidence=candidate.confidence)


def detected(result: Detection) -> schemas.DetectedLanguage:
    top = result.language
    return schemas.DetectedLanguage(
        code=top.code,
        name=top.name,
        confidence=top.confidence,
        candidates=[language(c) for c in result.candidates],
        source=result.source,
    )


def detection(result: Detection) -> schemas.DetectOut:
    return schemas.DetectOut(language=detected(result), warnings=list(result.warnings))


def cleaning(result: CleanResult, raw: str) -> schemas.CleaningOut:
    removed = [schemas.RemovalOut(rule=r.rule, text=r.text, line=r.line) for r in result.removed]
    return schemas.CleaningOut(text=result.text, removed=removed, chars_in=len(raw), chars_out=len(result.text))


def flags(found: Sequence[Flag]) -> list[schemas.FlagOut]:
    return [
        schemas.FlagOut(sentence=f.sentence, kind=f.kind, source=f.source, target=f.target, detail=f.detail)
        for f in found
    ]


def translation(result: Translation | None, html: str | None = None) -> schemas.TranslationOut | None:
    if result is None:
        return None
    return schemas.TranslationOut(
        text=result.text,
        model=result.model,
        engine=result.engine,
        source_lang=result.source_lang,
        sentences=result.sentences,
        chunks=result.chunks,
        flags=flags(result.flags),
        needs_review=result.needs_review,
        html=html,
    )


def metadata(found: dict[str, str | None] | None) -> schemas.MetadataOut | None:
    return None if found is None else schemas.MetadataOut(**found)


def summary(result: Summary | None, found: Sequence[Flag] = ()) -> schemas.SummaryOut | None:
    if result is None:
        return None
    return schemas.SummaryOut(
        headline=result.headline,
        summary=result.summary,
        key_points=list(result.key_points),
        word_count=result.word_count,
        style=result.style,
        method=result.method,
        model=result.model,
        chunks=result.chunks,
        rounds=result.rounds,
        flags=flags(found),
    )


def article(result: ArticleResult, raw: str, translated: bool = True) -> schemas.ArticleOut:
    """The response body; `translated` False leaves out a translation made only for the story desk."""
    return schemas.ArticleOut(
        language=detected(result.language),
        cleaning=cleaning(result.cleaning, raw),
        translation=translation(result.translation, result.html) if translated else None,
        title=result.title,
        summary=summary(result.summary, result.summary_flags),
        warnings=result.warnings,
        timings_ms=result.timings_ms,
        cached=result.cached,
        title_flags=flags(result.title_flags),
        needs_review=result.needs_review,
        metadata=metadata(result.metadata),
    )


def translated(result: TranslateResult) -> schemas.TranslateOut:
    return schemas.TranslateOut(
        language=detected(result.language),
        translation=translation(result.translation, result.html),
        text=result.text,
        warnings=result.warnings,
        metadata=metadata(result.metadata),
        needs_review=bool(result.translation and result.translation.needs_review),
    )


def translate_request(body: schemas.TranslateIn) -> TranslateRequest:
    return TranslateRequest(text=body.text, source_lang=body.source_lang, clean=body.clean, format=body.format)


def article_request(body: schemas.ArticleIn, *, desk: bool = True) -> ArticleRequest:
    """The pipeline request for an `ArticleIn` body (`POST /v1/articles`, or a job item). An article for the story
    desk (`desk` on, and a desk to file to) is always translated: the desk reads its English text."""
    summary = (
        None
        if body.summary is False or body.summary is None
        else SummaryRequest(style=body.summary.style, method=body.summary.method)
    )
    return ArticleRequest(
        text=body.text,
        title=body.title,
        source_lang=body.source_lang,
        translate=body.translate or (body.desk and desk),
        clean=body.clean,
        summary=summary,
        format=body.format,
    )
