"""Language detection with langdetect, made deterministic and honest about doubt."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from langdetect import DetectorFactory, detector_factory
from langdetect.lang_detect_exception import LangDetectException

from . import languages

_SEED = 0
_lock = threading.Lock()


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    confidence: float


@dataclass(frozen=True)
class Detection:
    language: Candidate
    candidates: tuple[Candidate, ...]
    source: str  # "detected" or "override"
    warnings: tuple[str, ...] = field(default=())


def _candidate(code: str, confidence: float) -> Candidate:
    code = languages.normalize_code(code)
    return Candidate(code=code, name=languages.NAMES[code], confidence=round(confidence, 4))


def detect(text: str, *, override: str | None = None, min_chars: int = 40, min_confidence: float = 0.8) -> Detection:
    """Detect `text`'s language; `override` (a user's `source_lang`) wins but is validated.

    Short or ambiguous text still gets the best guess, with a warning saying why it may be wrong.
    """
    if override:
        chosen = _candidate(override, 1.0)
        return Detection(language=chosen, candidates=(chosen,), source="override")
    candidates = _rank(text)
    warnings: list[str] = []
    if len(text.strip()) < min_chars:
        warnings.append("short_text: language detection on very short text is unreliable; pass source_lang")
    if not candidates:
        return Detection(
            language=Candidate(code=languages.ENGLISH, name="English", confidence=0.0),
            candidates=(),
            source="detected",
            warnings=(*warnings, "undetectable_language: no letters to detect from; assumed English"),
        )
    best = candidates[0]
    if best.confidence < min_confidence:
        runner_up = f", then {candidates[1].code} ({candidates[1].confidence:.2f})" if len(candidates) > 1 else ""
        warnings.append(
            f"ambiguous_language: best guess {best.code} ({best.confidence:.2f}){runner_up}; pass source_lang to be sure"
        )
    return Detection(language=best, candidates=tuple(candidates), source="detected", warnings=tuple(warnings))


def _rank(text: str) -> list[Candidate]:
    # langdetect samples n-grams at random: a fixed seed per call makes it deterministic.
    # Its factory is global, so creating detectors is serialized.
    with _lock:
        detector_factory.init_factory()
        DetectorFactory.seed = _SEED
        try:
            detector = detector_factory._factory.create()
            detector.append(text)
            probabilities = detector.get_probabilities()
        except LangDetectException:
            return []
    merged: dict[str, float] = {}
    for item in probabilities:
        code = languages.normalize_code(item.lang)
        merged[code] = merged.get(code, 0.0) + item.prob
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    return [_candidate(code, prob) for code, prob in ranked]



def detectable_codes() -> frozenset[str]:
    """Codes langdetect can return (others must be given as `source_lang`)."""
    with _lock:
        detector_factory.init_factory()
        return frozenset(languages.normalize_code(code) for code in detector_factory._factory.get_lang_list())
