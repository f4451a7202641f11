"""The pool that loads each model once per process, picks its engine, and puts a batcher in front of it."""

from __future__ import annotations

import dataclasses
import importlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..config import ModelSettings
from ..errors import ModelUnavailable
from ..modelstore import cli_command, fetch_hint, locate, locate_ct2
from ..observability.metrics import observe_model_load
from ..registry import ModelSpec, Registry
from . import memory
from .base import GenerationOptions, Seq2SeqBackend
from .batcher import Batcher, BatchLimits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelStatus:
    key: str
    task: str
    model_id: str
    state: Literal["loaded", "present", "missing"]
    path: str | None
    languages: tuple[str, ...]
    engine: str | None  # of the loaded model


def import_engines(settings: ModelSettings) -> None:
    """Import the engines' libraries and model classes now (seconds of imports, once per process).

    A queue worker does this before its first item: a time limit that struck half-way through an
    import would leave the module broken for every later item of that process. A CTranslate2-only
    process (WIREBRIEF_ENGINE=ctranslate2) imports no torch, only the tokenizer classes.
    """
    from . import ct2  # noqa: F401
    from .checkpoint import TOKENIZER_CLASSES

    for module in {module for module, _ in TOKENIZER_CLASSES.values()}:
        importlib.import_module(module)
    if settings.engine == "ctranslate2":
        return
    from transformers.models.bart import modeling_bart  # noqa: F401 - the registry's two architectures
    from transformers.models.marian import modeling_marian  # noqa: F401

    from . import transformers  # noqa: F401


def load_backend(spec: ModelSpec, path: Path, settings: ModelSettings) -> Seq2SeqBackend:
    """The engine the settings ask for: CTranslate2 when converted (or forced), else transformers."""
    quantization = settings.quantization()
    converted = locate_ct2(spec, settings.models_dir, quantization)
    if settings.engine == "ctranslate2" and converted is None:
        raise ModelUnavailable(
            f"WIREBRIEF_ENGINE=ctranslate2 but {spec.key} has no {quantization} conversion: "
            f"run `{cli_command()} models convert --model {spec.key}`"
        )
    if converted is not None and settings.engine != "transformers":
        from .ct2 import CTranslate2Seq2Seq

        return CTranslate2Seq2Seq(
            spec,
            path,
            converted,
            device=settings.device,
            compute_type=quantization,
            inter_threads=settings.replicas(),
            intra_threads=settings.ct2_threads(),
        )
    from .transformers import TransformersSeq2Seq

    if settings.torch_threads:
        import torch

        torch.set_num_threads(settings.torch_threads)
    return TransformersSeq2Seq(spec, path, device=settings.device)


class ModelPool:
    """Loads models lazily, once per process, and shares them across requests and threads.

    Every model is served through a `Batcher`, so concurrent requests share generate calls. Loads run one at a
    time, pool-wide: two models built at once in one process have failed in transformers ("meta tensor" errors),
    and a second load only slows the first down anyway.
    """

    def __init__(self, registry: Registry, settings: ModelSettings) -> None:
        self.registry = registry
        self.settings = settings
        memory.limit_arenas(settings.malloc_arena_max)  # before the batchers' threads make arenas of their own
        self.models_dir = settings.models_dir
        shared = BatchLimits(
            max_batch_tokens=settings.batch_max_tokens,
            max_batch_items=settings.batch_max_items,
            max_wait_s=settings.batch_wait_ms / 1000,
            max_queue=settings.batch_max_queue,
            timeout_s=settings.generation_timeout_s,
        )
        #: batch limits by task: translation batches are smaller (many short inputs; memory, not speed, grows)
        self.limits: dict[str, BatchLimits] = {
            "summarization": shared,
            "translation": dataclasses.replace(
                shared,
                max_batch_tokens=settings.translate_batch_max_tokens,
                max_batch_items=settings.translate_batch_max_items,
            ),
        }
        self._loaded: dict[str, Batcher] = {}
        self._load_lock = threading.Lock()  # one load at a time, whichever model (see the class doc)
        self._closed = threading.Event()
        self.load_seconds: dict[str, float] = {}
        #: keys `preload` has still to load (in order), and the models it could not load, with why
        self.preloading: tuple[str, ...] = ()
        self.preload_failures: dict[str, str] = {}

    def get(self, spec: ModelSpec) -> Batcher:
        backend = self._loaded.get(spec.key)
        if backend is not None:
            return backend
        with self._load_lock:  # a second request for the same model waits for the first load, not a second one
            backend = self._loaded.get(spec.key)
            if backend is None:
                on_idle = memory.release if self.settings.malloc_trim else None
                backend = Batcher(self._load(spec), self.limits[spec.task], on_idle=on_idle)
                self._loaded[spec.key] = backend
        return backend

    def start_preload(self, specs: list[ModelSpec]) -> threading.Thread:
        """Load `specs` on a background thread, so a first request pays for no load; `preloading` names the ones
        still to come from now on (/ready is 503 until it is empty)."""
        self.preloading = tuple(spec.key for spec in specs)
        thread = threading.Thread(target=self.preload, args=(specs,), name="model-preload", daemon=True)
        thread.start()
        return thread

    def preload(self, specs: list[ModelSpec]) -> None:
        """Load each of `specs` and run one short generation on it: the first real request then finds the weights
        in memory and the engine's first-call set-up done. A model that fails is logged and recorded in
        `preload_failures`; its requests fail as they would have (503 model_unavailable)."""
        self.preloading = tuple(spec.key for spec in specs)
        for spec in specs:
            if self._closed.is_set():
                break
            try:
                backend = self.get(spec)
                # the model's own length bounds: a shorter cap than its minimum length would only raise warnings
                backend.generate(backend.encode(["Hei."]), GenerationOptions(num_beams=1))
            except Exception as exc:
                message = exc.message if isinstance(exc, ModelUnavailable) else f"{type(exc).__name__}: {exc}"
                self.preload_failures[spec.key] = message
                log.error("preloading %s failed: %s", spec.key, message)
            self.preloading = self.preloading[1:]
        self.preloading = ()

    def _load(self, spec: ModelSpec) -> Seq2SeqBackend:
        where = locate(spec, self.models_dir)
        if where.path is None:
            raise ModelUnavailable(
                f"model {spec.key} ({spec.model_id}) is not on this machine: {fetch_hint(spec, self.models_dir)}"
            )
        started = time.perf_counter()
        try:
            backend = load_backend(spec, where.path, self.settings)
        except ModelUnavailable:
            raise
        except Exception as exc:
            log.exception("loading %s from %s failed", spec.key, where.path)
            raise ModelUnavailable(
                f"model {spec.key} at {where.path} failed to load "
                f"({type(exc).__name__}: {exc}); {fetch_hint(spec, self.models_dir)}"
            ) from exc
        self.load_seconds[spec.key] = time.perf_counter() - started
        observe_model_load(spec.key, backend.engine, self.load_seconds[spec.key])
        log.info("loaded %s (%s) from %s in %.1fs", spec.key, backend.engine, where.path, self.load_seconds[spec.key])
        return backend

    def status(self) -> list[ModelStatus]:
        out = []
        for spec in self.registry.models.values():
            where = locate(spec, self.models_dir)
            backend = self._loaded.get(spec.key)
            state: Literal["loaded", "present", "missing"] = (
                "loaded" if backend else ("present" if where.present else "missing")
            )
            out.append(
                ModelStatus(
                    spec.key,
                    spec.task,
                    spec.model_id,
                    state,
                    str(where.path) if where.path else None,
                    spec.languages,
                    backend.engine if backend else None,
                )
            )
        return out

    def close(self) -> None:
        self._closed.set()  # a preload still under way stops after the model it is loading
        with self._load_lock:
            for backend in self._loaded.values():
                backend.close()
