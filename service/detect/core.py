"""Language detection that routes right: the best guess, and a warning whenever the guess could pick the wrong model.

Doubt is measured per route (the model a language is sent to, see `routing`), because only a confusion across
models costs anything. The rules, in order:

1. Text shorter than `min_chars` is always reported ambiguous (`short_text:` and `ambiguous_language:`); on
   such text, when English holds at least `english_ratio` of the chosen model's confidence, the text is kept
   English: a short English line is never sent to a translation model on a close call.
2. A guess sent to the catch-all model is ambiguous when a language with a model of its own is a candidate too,
   reported (at `MIN_REPORTED`) or not far enough behind for the text's length (`MIN_CATCH_ALL_EVIDENCE`).
3. Otherwise the guess is ambiguous when its model's confidence (summed over the languages that model
   translates) is below `min_confidence`. Since confidences sum to one, that also bounds the margin over the
   runner-up model: at 0.8, the next model has 0.2 at most.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import languages
from ..config import get_settings
from .engines import Engine, Ranking, engine
from .routing import Routing, routing_for

#: Candidates reported besides the chosen language (the rest are noise on short text).
MAX_CANDIDATES = 5
#: Sentences checked for a mix of languages, at most (evenly spread over a long article).
MAX_PIECES = 32
#: Where a sentence (or a line) ends.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
#: Confidences below this are not reported as candidates (they still count towards their model).
MIN_REPORTED = 0.01
#: Evidence per character (the log of the confidence ratio, over the text's length) a guess for the catch-all model
#: needs over the likeliest language with a model of its own. A sentence of Spanish about a Portuguese parish
#: ("Gondar es una freguesia portuguesa del concelho de Guimarães, …") comes out Portuguese at 0.97 and Spanish at
#: 0.004: a ratio of 240, but only 0.048 per character, where Portuguese sentences give a median 0.06 (UD
#: treebanks, docs/TEXT-QUALITY.md). Long clear text leaves the rival at 0.0, so this only asks of short text.
MIN_CATCH_ALL_EVIDENCE = 0.05


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

    @property
    def ambiguous(self) -> bool:
        """True when the warnings say the language (and so the model) may be wrong."""
        return any(w.startswith(("ambiguous_language", "undetectable_language")) for w in self.warnings)


def _candidate(code: str, confidence: float) -> Candidate:
    code = languages.normalize_code(code)
    return Candidate(code=code, name=languages.NAMES[code], confidence=round(confidence, 4))


def detect(
    text: str,
    *,
    override: str | None = None,
    min_chars: int = 40,
    min_confidence: float = 0.8,
    english_ratio: float | None = None,
    engine_name: str | None = None,
    routing: Routing | None = None,
) -> Detection:
    """Detect `text`'s language; `override` (a user's `source_lang`) wins but is validated.

    `english_ratio`, `engine_name` and `routing` default to the settings (`WIREBRIEF_DETECT_ENGLISH_RATIO`,
    `WIREBRIEF_DETECTOR`) and the settings' registry.
    Short or ambiguous text still gets the best guess, with a warning saying why it may be wrong.
    """
    if override:
        chosen = _candidate(override, 1.0)
        return Detection(language=chosen, candidates=(chosen,), source="override")
    routing = routing or _default_routing()
    detector = _engine(engine_name, routing)
    pieces = [(detector.rank(piece), len(piece)) for piece in sentences_to_check(text, min_chars)]
    if english_ratio is None:
        english_ratio = get_settings().detect_english_ratio
    return decide(
        text,
        detector.rank(text),
        routing,
        min_chars=min_chars,
        min_confidence=min_confidence,
        english_ratio=english_ratio,
        pieces=pieces,
    )


def sentences_to_check(text: str, min_chars: int) -> list[str]:
    """Sentences long enough to detect on their own (at most `MAX_PIECES`, evenly spread), when there are two.

    A whole-text confidence hides mixed text: three sentences in English, Norwegian and German come out as
    Norwegian at 0.9998 with lingua. Sentence by sentence, the mix shows.
    """
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text) if len(piece.strip()) >= min_chars]
    if len(pieces) < 2:
        return []
    if len(pieces) > MAX_PIECES:
        step = len(pieces) / MAX_PIECES
        pieces = [pieces[int(i * step)] for i in range(MAX_PIECES)]
    return pieces


def detect_paragraphs(
    paragraphs: Sequence[str],
    *,
    document: Detection | None = None,
    min_chars: int = 40,
    min_confidence: float = 0.8,
    english_ratio: float | None = None,
    engine_name: str | None = None,
    routing: Routing | None = None,
) -> list[Detection]:
    """One detection per paragraph, so English quotes in a Norwegian article can pass through untranslated.

    A paragraph keeps its own language only when that is unambiguous; a short or unclear one takes the
    article's language (`document`, by default detected on all paragraphs together), with a warning saying so.
    """

    def detect_one(text: str) -> Detection:
        return detect(
            text,
            min_chars=min_chars,
            min_confidence=min_confidence,
            english_ratio=english_ratio,
            engine_name=engine_name,
            routing=routing,
        )

    if document is None:
        document = detect_one("\n\n".join(paragraphs))
    results = []
    for paragraph in paragraphs:
        own = detect_one(paragraph)
        if own.ambiguous:
            guess = f"{own.language.code} ({own.language.confidence:.2f})" if own.candidates else "none"
            own = Detection(
                language=document.language,
                candidates=own.candidates,
                source=document.source,
                warnings=(
                    (
                        f"ambiguous_language: paragraph too short or unclear (best guess {guess}); "
                        f"kept the article's language {document.language.code}"
                    ),
                ),
            )
        results.append(own)
    return results


def detectable_codes(engine_name: str | None = None, routing: Routing | None = None) -> frozenset[str]:
    """Codes detection can return (the others must be given as `source_lang`)."""
    return _engine(engine_name, routing or _default_routing()).codes()


def decide(
    text: str,
    ranked: Ranking,
    routing: Routing,
    *,
    min_chars: int,
    min_confidence: float,
    english_ratio: float,
    pieces: Sequence[tuple[Ranking, int]] = (),
) -> Detection:
    """Apply the rules (see the module docstring) to an engine's ranking of `text`: pure, so testable alone.

    `pieces` are the rankings of the text's sentences with their lengths (see `sentences_to_check`).
    """
    warnings: list[str] = []
    mixed = _mixed(ranked, pieces, routing, min_confidence)
    short = len(text.strip()) < min_chars
    if short:
        warnings.append("short_text: language detection on very short text is unreliable; pass source_lang")
    if not ranked:
        return Detection(
            language=Candidate(code=languages.ENGLISH, name=languages.NAMES[languages.ENGLISH], confidence=0.0),
            candidates=(),
            source="detected",
            warnings=(*warnings, "undetectable_language: no letters to detect from; assumed English"),
        )
    per_route: dict[str | None, float] = {}
    for code, confidence in ranked:
        per_route[routing.route(code)] = per_route.get(routing.route(code), 0.0) + confidence
    best = ranked[0][0]
    chosen = best
    route_confidence = per_route[routing.route(best)]
    english = dict(ranked).get(languages.ENGLISH, 0.0)
    if short and routing.route(best) is not None and english > 0 and english >= english_ratio * route_confidence:
        chosen = languages.ENGLISH
        warnings.append(
            f"ambiguous_language: best guess {best} ({route_confidence:.2f} for its model) but English is close "
            f"({english:.2f}) on short text; kept as English, not translated; pass source_lang to translate"
        )
    elif mixed is not None:
        warnings.append(
            f"ambiguous_language: mixed languages; the model for the best guess {best} would get {mixed[1]:.0%} "
            f"of the text, sentence by sentence; pass source_lang to be sure"
        )
    elif (stand_in := _dedicated_alternative(ranked, routing, len(text.strip()))) is not None:
        warnings.append(
            f"ambiguous_language: best guess {best} goes to the catch-all model {routing.catch_all}, but "
            f"{stand_in[0]} ({stand_in[1]:.2g}) has a model of its own; pass source_lang to be sure"
        )
    elif short or route_confidence < min_confidence:
        runner_up = max(
            ((r, c) for r, c in per_route.items() if r != routing.route(best)),
            key=lambda item: (item[1], item[0] or ""),
            default=None,
        )
        then = ""
        if runner_up is not None:
            name = runner_up[0] or "none (English)"
            then = f", then model {name} ({runner_up[1]:.2f})"
        warnings.append(
            f"ambiguous_language: best guess {best} ({route_confidence:.2f} for model "
            f"{routing.route(best) or 'none (English)'}){then}; pass source_lang to be sure"
        )
    shown = mixed[0] if mixed is not None else ranked  # mixed text: what its sentences are, not the whole's blur
    reported = [_candidate(code, confidence) for code, confidence in shown[:MAX_CANDIDATES]]
    reported = [c for c in reported if c.confidence >= MIN_REPORTED or c.code == best]
    language = next((c for c in reported if c.code == chosen), None) or _candidate(chosen, dict(shown).get(chosen, 0.0))
    if language not in reported:
        reported.append(language)
    return Detection(language=language, candidates=tuple(reported), source="detected", warnings=tuple(warnings))


def _dedicated_alternative(ranked: Ranking, routing: Routing, length: int) -> tuple[str, float] | None:
    """When the best guess goes to the catch-all model: the likeliest other language that has a model of its own
    (Portuguese-looking Spanish), if it is reported or the guess beats it by too little for `length` characters;
    a wrong guess there costs a better translation."""
    best, confidence = ranked[0]
    if routing.catch_all is None or routing.route(best) != routing.catch_all:
        return None
    rival = next(
        ((code, c) for code, c in ranked[1:] if c > 0 and routing.route(code) not in (None, routing.catch_all)), None
    )
    if rival is None:
        return None
    if rival[1] >= MIN_REPORTED or math.log(confidence / rival[1]) < MIN_CATCH_ALL_EVIDENCE * length:
        return rival
    return None


def _mixed(
    ranked: Ranking, pieces: Sequence[tuple[Ranking, int]], routing: Routing, min_confidence: float
) -> tuple[Ranking, float] | None:
    """For text whose sentences mostly go to another model than the whole text's guess: the sentences' ranking
    (confidences averaged by length) and the share of text the guess's model would get; else None.

    The guess itself stands (any one model is wrong for part of mixed text); only the doubt is reported."""
    pieces = [(piece, length) for piece, length in pieces if piece]
    if len(pieces) < 2 or not ranked:
        return None
    whole = routing.route(ranked[0][0])
    total = sum(length for _, length in pieces)
    share = sum(length for piece, length in pieces if routing.route(piece[0][0]) == whole) / total
    if share >= min_confidence:
        return None
    averaged: dict[str, float] = {}
    for piece, length in pieces:
        for code, confidence in piece:
            averaged[code] = averaged.get(code, 0.0) + confidence * length / total
    return sorted(averaged.items(), key=lambda item: (-item[1], item[0])), share


def _default_routing() -> Routing:
    return routing_for(get_settings().registry_path)


def _engine(name: str | None, routing: Routing) -> Engine:
    return engine(name or get_settings().detector, routing.candidates)
