"""Detection engines behind one small interface: lingua (the default) and langdetect.

An engine is built for a fixed set of candidate languages (the ones we route, plus English), once per process:
lingua's n-gram models take seconds and most of a gigabyte to load, so every caller shares one instance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from importlib import resources
from typing import ClassVar, Literal, Protocol

from .. import languages
from ..errors import UnsupportedLanguage

EngineName = Literal["lingua", "lingua-low", "langdetect"]

#: (code, confidence), best first; confidences are >= 0 and sum to at most 1.
Ranking = list[tuple[str, float]]


class Engine(Protocol):
    """What `detect` needs from an engine; both are deterministic and safe to share between threads."""

    name: str

    def codes(self) -> frozenset[str]:
        """The codes this engine can return (our spelling, a subset of the candidates it was built for)."""
        ...

    def rank(self, text: str) -> Ranking:
        """Every code with a non-zero confidence, best first, ties by code; empty when there is nothing to go on."""
        ...


class LinguaEngine:
    """lingua-language-detector in high-accuracy mode, loading its models lazily.

    Lazy rather than `with_preloaded_language_models()`: lingua's rule engine only loads the models of languages
    that share the text's script, so a process that sees Latin-script news holds about 0.9 GB instead of 1.15 GB,
    and the one-time cost (about 3.5 s) moves from start-up to the first Latin-script text.
    """

    name = "lingua"
    #: lingua calls Norwegian Bokmål `nb`; langdetect, the API and the registry have always called it `no`.
    _OURS: ClassVar[dict[str, str]] = {"nb": "no"}

    def __init__(self, candidates: frozenset[str], *, low_accuracy: bool = False, preload: bool = False) -> None:
        from lingua import Language, LanguageDetectorBuilder

        self._code = {
            lang: self._OURS.get(lang.iso_code_639_1.name.lower(), lang.iso_code_639_1.name.lower())
            for lang in Language.all()
        }
        chosen = sorted((lang for lang, code in self._code.items() if code in candidates), key=lambda lang: lang.name)
        if len(chosen) < 2:
            raise ValueError(f"lingua needs two candidate languages at least, got {sorted(candidates)}")
        builder = LanguageDetectorBuilder.from_languages(*chosen)
        if low_accuracy:  # trigram models only: a fraction of the memory, less sure on short text
            builder = builder.with_low_accuracy_mode()
        if preload:
            builder = builder.with_preloaded_language_models()
        self._detector = builder.build()
        self._codes = frozenset(self._code[lang] for lang in chosen)

    def codes(self) -> frozenset[str]:
        return self._codes

    def rank(self, text: str) -> Ranking:
        values = self._detector.compute_language_confidence_values(text)
        ranked = [(self._code[value.language], value.value) for value in values if value.value > 0.0]
        return sorted(ranked, key=lambda item: (-item[1], item[0]))


class LangdetectEngine:
    """langdetect with its own profile set (only the candidates) and a fixed seed: deterministic, no global state.

    langdetect samples n-grams at random; each detector draws from its own `random.Random` seeded from the
    factory, so a private factory with a seed gives the same answer every call, on any thread.
    """

    name = "langdetect"
    _SEED = 0

    def __init__(self, candidates: frozenset[str]) -> None:
        from langdetect.detector_factory import DetectorFactory

        profiles = resources.files("langdetect") / "profiles"
        chosen = sorted(
            entry.name
            for entry in profiles.iterdir()
            if _known(entry.name) and languages.normalize_code(entry.name) in candidates
        )
        self._factory = DetectorFactory()
        self._factory.load_json_profile([(profiles / name).read_text(encoding="utf-8") for name in chosen])
        self._factory.set_seed(self._SEED)
        self._codes = frozenset(languages.normalize_code(name) for name in chosen)

    def codes(self) -> frozenset[str]:
        return self._codes

    def rank(self, text: str) -> Ranking:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            probabilities = detector.get_probabilities()
        except LangDetectException:  # no letters at all
            return []
        merged: dict[str, float] = {}
        for item in probabilities:  # zh-cn and zh-tw both fold onto zh
            code = languages.normalize_code(item.lang)
            merged[code] = merged.get(code, 0.0) + item.prob
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))


def _known(code: str) -> bool:
    try:
        languages.normalize_code(code)
    except UnsupportedLanguage:
        return False
    return True


_ENGINES: dict[str, Callable[[frozenset[str]], Engine]] = {
    "lingua": LinguaEngine,
    "lingua-low": partial(LinguaEngine, low_accuracy=True),
    "langdetect": LangdetectEngine,
}
_built: dict[tuple[str, frozenset[str]], Engine] = {}
_lock = threading.Lock()


def engine(name: str, candidates: frozenset[str]) -> Engine:
    """The process-wide engine `name` for `candidates`, built on first use (under a lock, so exactly once)."""
    key = (name, candidates)
    found = _built.get(key)
    if found is not None:
        return found
    if name not in _ENGINES:
        raise ValueError(f"unknown detector {name!r}; choose one of {sorted(_ENGINES)}")
    with _lock:
        if key not in _built:
            _built[key] = _ENGINES[name](candidates)
        return _built[key]
