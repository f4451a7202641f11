"""The model registry: which model serves which language and job (`models/registry.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import UnsupportedLanguage
from .languages import normalize_code

Task = Literal["translation", "summarization"]
WILDCARD = "*"


class RegistryError(ValueError):
    """The registry file is malformed: raised at start-up, not per request."""


@dataclass(frozen=True)
class ModelSpec:
    key: str
    task: Task
    hub_id: str
    revision: str | None = None
    path: Path | None = None
    languages: tuple[str, ...] = ()
    prompt: str | None = None

    @property
    def model_id(self) -> str:
        """Identity used in responses and cache keys: hub id plus pinned revision."""
        return f"{self.hub_id}@{self.revision}" if self.revision else self.hub_id


@dataclass(frozen=True)
class Registry:
    models: dict[str, ModelSpec]
    summarizer_key: str
    default_keys: tuple[str, ...] = ()  # what `wirebrief models pull` fetches with no arguments

    @classmethod
    def load(cls, path: Path, summarizer: str = "") -> Registry:
        """The registry at `path`; `summarizer`, when given, replaces its `summarizer` choice."""
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RegistryError(f"cannot read model registry {path}: {exc}") from exc
        models = {key: _parse_spec(key, entry, path.parent) for key, entry in raw.get("models", {}).items()}
        where = "WIREBRIEF_SUMMARIZER" if summarizer else f"{path}: 'summarizer'"
        summarizer = summarizer or raw.get("summarizer", "")
        if models.get(summarizer) is None or models[summarizer].task != "summarization":
            raise RegistryError(f"{where} must name a summarization entry, got {summarizer!r}")
        defaults = tuple(raw.get("defaults", ()))
        unknown = [key for key in defaults if key not in models]
        if unknown:
            raise RegistryError(f"{path}: 'defaults' names no such model: {', '.join(unknown)}")
        registry = cls(models=models, summarizer_key=summarizer, default_keys=defaults)
        registry._check_languages(path)
        return registry

    def _check_languages(self, path: Path) -> None:
        seen: dict[str, str] = {}
        for spec in self.translation_models():
            for lang in spec.languages:
                if lang in seen:
                    raise RegistryError(f"{path}: language {lang!r} served by both {seen[lang]} and {spec.key}")
                seen[lang] = spec.key

    def translation_models(self) -> list[ModelSpec]:
        return [m for m in self.models.values() if m.task == "translation"]

    @property
    def summarizer(self) -> ModelSpec:
        return self.models[self.summarizer_key]

    @property
    def catch_all(self) -> ModelSpec | None:
        """The `"*"` translation entry: it serves languages without their own model, and stands in for a
        dedicated model that is not on this machine."""
        return next((spec for spec in self.translation_models() if WILDCARD in spec.languages), None)

    @property
    def defaults(self) -> list[ModelSpec]:
        """The models a fresh machine fetches (`defaults`, else the catch-all and the summarizer)."""
        keys = self.default_keys or tuple(s.key for s in (self.catch_all, self.summarizer) if s is not None)
        return [self.models[key] for key in keys]

    def translator_for(self, lang: str) -> ModelSpec:
        """The model that translates `lang` to English: an exact entry, else the wildcard one."""
        code = normalize_code(lang)
        fallback: ModelSpec | None = None
        for spec in self.translation_models():
            if code in spec.languages:
                return spec
            if WILDCARD in spec.languages:
                fallback = spec
        if fallback is None:
            raise UnsupportedLanguage(f"no translation model is configured for language {lang!r}")
        return fallback


def _parse_spec(key: str, entry: dict, base: Path) -> ModelSpec:
    task = entry.get("task")
    if task not in ("translation", "summarization"):
        raise RegistryError(f"model {key!r}: task must be 'translation' or 'summarization', got {task!r}")
    hub_id = entry.get("hub_id") or ""
    path = entry.get("path") or None
    if not hub_id and not path:
        raise RegistryError(f"model {key!r}: needs a hub_id or a path")
    local = (base / path).resolve() if path else None
    languages = tuple(normalize_code(code) if code != WILDCARD else code for code in entry.get("languages", ()))
    return ModelSpec(
        key=key,
        task=task,
        hub_id=hub_id or str(local),
        revision=entry.get("revision") or None,
        path=local,
        languages=languages,
        prompt=entry.get("prompt") or None,
    )
