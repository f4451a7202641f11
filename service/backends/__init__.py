"""Seq2seq engines behind one interface, and the pool that loads each model once per process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal

from ..errors import ModelUnavailable
from ..modelstore import fetch_hint, locate
from ..registry import ModelSpec, Registry
from .base import GenerationOptions, Seq2SeqBackend

__all__ = ["GenerationOptions", "ModelPool", "ModelStatus", "Seq2SeqBackend"]

log = logging.getLogger(__name__)

BackendFactory = Callable[[ModelSpec, Path, str], Seq2SeqBackend]


def _transformers_factory(spec: ModelSpec, path: Path, device: str) -> Seq2SeqBackend:
    from .transformers import TransformersSeq2Seq

    return TransformersSeq2Seq(spec, path, device=device)


@dataclass(frozen=True)
class ModelStatus:
    key: str
    task: str
    model_id: str
    state: Literal["loaded", "present", "missing"]
    path: str | None
    languages: tuple[str, ...]


class ModelPool:
    """Loads models lazily, once per process, and shares them across requests and threads."""

    def __init__(self, registry: Registry, models_dir: Path, *, device: str = "cpu",
                 factory: BackendFactory = _transformers_factory) -> None:
        self.registry = registry
        self.models_dir = models_dir
        self.device = device
        self._factory = factory
        self._loaded: dict[str, Seq2SeqBackend] = {}
        self._locks: dict[str, threading.Lock] = {key: threading.Lock() for key in registry.models}
        self.load_seconds: dict[str, float] = {}

    def get(self, spec: ModelSpec) -> Seq2SeqBackend:
        backend = self._loaded.get(spec.key)
        if backend is not None:
            return backend
        with self._locks[spec.key]:  # a second request for the same model waits for the first load
            backend = self._loaded.get(spec.key)
            if backend is None:
                backend = self._load(spec)
                self._loaded[spec.key] = backend
        return backend

    def _load(self, spec: ModelSpec) -> Seq2SeqBackend:
        where = locate(spec, self.models_dir)
        if where.path is None:
            raise ModelUnavailable(f"model {spec.key} ({spec.model_id}) is not on this machine: "
                                   f"{fetch_hint(spec, self.models_dir)}")
        started = time.perf_counter()
        try:
            backend = self._factory(spec, where.path, self.device)
        except Exception as exc:  # noqa: BLE001 - a broken checkpoint must not look like a bug of ours
            log.exception("loading %s from %s failed", spec.key, where.path)
            raise ModelUnavailable(f"model {spec.key} at {where.path} failed to load "
                                   f"({type(exc).__name__}: {exc}); {fetch_hint(spec, self.models_dir)}") from exc
        self.load_seconds[spec.key] = time.perf_counter() - started
        log.info("loaded %s from %s in %.1fs", spec.key, where.path, self.load_seconds[spec.key])
        return backend

    def status(self) -> list[ModelStatus]:
        out = []
        for spec in self.registry.models.values():
            where = locate(spec, self.models_dir)
            state = "loaded" if spec.key in self._loaded else ("present" if where.present else "missing")
            out.append(ModelStatus(spec.key, spec.task, spec.model_id, state,
                                   str(where.path) if where.path else None, spec.languages))
        return out
