"""Where model weights live on disk, which present model serves each language, and fetching them from the hub."""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import ModelUnavailable
from .languages import normalize_code
from .registry import WILDCARD, ModelSpec, Registry

#: Files a seq2seq checkpoint needs; everything else on the hub (tf/flax/onnx weights) is skipped.
SNAPSHOT_PATTERNS = [
    "*.json",
    "*.txt",
    "*.spm",
    "*.model",
    "*.safetensors",
    "pytorch_model.bin",
    "*.py",
]


class PullError(RuntimeError):
    """The hub could not be reached or refused the download; the message says what to do instead."""


@dataclass(frozen=True)
class ModelLocation:
    spec: ModelSpec
    path: Path | None  # None: not on this machine

    @property
    def present(self) -> bool:
        return self.path is not None

    @property
    def size_bytes(self) -> int:
        if self.path is None:
            return 0
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


def snapshot_dir(spec: ModelSpec, models_dir: Path) -> Path:
    """The folder `pull` writes a hub snapshot to, and where a hand-copied snapshot is found."""
    slug = spec.hub_id.replace("/", "--")
    return models_dir / (f"{slug}@{spec.revision}" if spec.revision else slug)


def locate(spec: ModelSpec, models_dir: Path) -> ModelLocation:
    """A registry `path`, else our snapshot folder, else an existing Hugging Face cache entry."""
    if spec.path is not None:
        return ModelLocation(spec, spec.path if _is_checkpoint(spec.path) else None)
    ours = snapshot_dir(spec, models_dir)
    if _is_checkpoint(ours):
        return ModelLocation(spec, ours)
    return ModelLocation(spec, _hf_cache_path(spec))


def _is_checkpoint(folder: Path) -> bool:
    return (folder / "config.json").is_file()


def _hf_cache_path(spec: ModelSpec) -> Path | None:
    from huggingface_hub import snapshot_download

    try:  # local_files_only never touches the network
        found = Path(snapshot_download(spec.hub_id, revision=spec.revision, local_files_only=True))
    except Exception:
        return None
    return found if _is_checkpoint(found) else None


def ct2_dir(spec: ModelSpec, models_dir: Path, quantization: str) -> Path:
    """Where `wirebrief models convert` writes the CTranslate2 version of `spec`."""
    return snapshot_dir(spec, models_dir).with_name(f"{snapshot_dir(spec, models_dir).name}-ct2-{quantization}")


def locate_ct2(spec: ModelSpec, models_dir: Path, quantization: str) -> Path | None:
    folder = ct2_dir(spec, models_dir, quantization)
    return folder if (folder / "model.bin").is_file() else None


def convert(spec: ModelSpec, source: Path, models_dir: Path, quantization: str) -> Path:
    """Convert a transformers checkpoint to CTranslate2 with the given quantization."""
    import ctranslate2

    target = ct2_dir(spec, models_dir, quantization)
    target.parent.mkdir(parents=True, exist_ok=True)
    converter = ctranslate2.converters.TransformersConverter(str(source))
    converter.convert(str(target), quantization=quantization, force=True)
    return target


def cli_command() -> str:
    """How to run `wirebrief` as printed: the bare name when that is ours on PATH, else this environment's script
    (`.venv/bin/wirebrief` after `make run`, which does not put the venv on PATH)."""
    script = Path(sys.executable).parent / "wirebrief"
    on_path = shutil.which("wirebrief")
    if not script.is_file() or (on_path is not None and Path(on_path).resolve() == script.resolve()):
        return "wirebrief"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def fetch_hint(spec: ModelSpec, models_dir: Path) -> str:
    """One sentence a person can act on to make `spec` present."""
    if spec.path is not None:
        return f"put the model files (config.json, weights, tokenizer) in {spec.path}"
    return (
        f"run `{cli_command()} models pull --model {spec.key}`, or copy a downloaded snapshot of "
        f"{spec.hub_id} into {snapshot_dir(spec, models_dir)}"
    )


# -- which present model serves a language ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Which model translates `language` on this machine: its own model, else the catch-all standing in."""

    language: str
    preferred: ModelSpec  # what the registry names for the language
    model: ModelSpec | None  # None: neither the preferred model nor the catch-all is on this machine

    @property
    def fallback(self) -> bool:
        return self.model is not None and self.model.key != self.preferred.key

    def warning(self) -> str | None:
        """The response warning for a fallback: which model would do better and how to get it."""
        if not self.fallback:
            return None
        assert self.model is not None
        return (
            f"fallback_model: {self.language} is translated by {self.model.key} because {self.preferred.key} "
            f"is not on this machine; pull it with `{cli_command()} models pull --lang {self.language}`"
        )

    def require(self, registry: Registry, models_dir: Path) -> ModelSpec:
        """The serving model, or the 503 that says what to fetch."""
        if self.model is not None:
            return self.model
        wanted = [self.preferred, *(s for s in (registry.catch_all,) if s is not None and s != self.preferred)]
        raise ModelUnavailable(
            f"no model on this machine translates {self.language}: "
            + "; or ".join(f"{s.key} is missing: {fetch_hint(s, models_dir)}" for s in wanted)
        )


def route(registry: Registry, lang: str, present: Callable[[ModelSpec], bool]) -> Route:
    """Route `lang` to its own model when `present`, else to the present catch-all (an unknown or unconfigured
    language is a 422 from the registry)."""
    preferred = registry.translator_for(lang)
    code = normalize_code(lang)
    if present(preferred):
        return Route(code, preferred, preferred)
    catch_all = registry.catch_all
    if catch_all is not None and catch_all != preferred and present(catch_all):
        return Route(code, preferred, catch_all)
    return Route(code, preferred, None)


def present_keys(registry: Registry, models_dir: Path) -> frozenset[str]:
    """The registry entries on this machine, looked up once."""
    return frozenset(key for key, spec in registry.models.items() if locate(spec, models_dir).present)


@dataclass(frozen=True)
class Coverage:
    """Whether the present models serve everything the registry promises, and what is missing."""

    missing: tuple[ModelSpec, ...]
    blocking: tuple[ModelSpec, ...]  # missing, and nothing present stands in for them
    unserved: tuple[str, ...]  # languages no present model translates ("*": every language without its own model)

    @property
    def ready(self) -> bool:
        return not self.blocking

    @property
    def optional(self) -> tuple[ModelSpec, ...]:
        """Missing models whose work is done anyway: by the catch-all, or extractive summaries."""
        return tuple(spec for spec in self.missing if spec not in self.blocking)


def coverage(registry: Registry, present: Collection[str], *, needs_summarizer: bool) -> Coverage:
    """Every translation language needs its own model or the catch-all; the summarizer is needed only when
    summaries are abstractive by default (extractive ones need no model)."""
    missing = tuple(spec for key, spec in registry.models.items() if key not in present)
    catch_all = registry.catch_all
    stand_in = catch_all is not None and catch_all.key in present
    blocking = tuple(
        spec
        for spec in missing
        if (spec.task == "translation" and (WILDCARD in spec.languages or not stand_in))
        or (spec.task == "summarization" and spec.key == registry.summarizer_key and needs_summarizer)
    )
    unserved = tuple(lang for spec in blocking if spec.task == "translation" for lang in spec.languages)
    return Coverage(missing, blocking, unserved)


# -- fetching from the hub ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HubFile:
    name: str
    size: int | None  # bytes; None when the hub did not say


@dataclass(frozen=True)
class Download:
    """What `pull` will fetch for one model: the checkpoint files and their sizes, asked of the hub first."""

    spec: ModelSpec
    files: tuple[HubFile, ...]

    @property
    def size_bytes(self) -> int:
        return sum(f.size or 0 for f in self.files)

    @property
    def patterns(self) -> list[str]:
        return [f.name for f in self.files]


class Hub(Protocol):
    """The Hugging Face hub, the one thing tests cannot reach: `HfHub` is the real one."""

    def list_files(self, spec: ModelSpec, *, timeout_s: float) -> list[HubFile]: ...

    def download(self, spec: ModelSpec, target: Path, files: list[str], *, timeout_s: float) -> Path: ...


class HfHub:
    """`huggingface_hub`: file sizes from the repo's metadata; downloads show its tqdm progress bars."""

    def list_files(self, spec: ModelSpec, *, timeout_s: float) -> list[HubFile]:
        from huggingface_hub import HfApi

        info = HfApi().model_info(spec.hub_id, revision=spec.revision, timeout=timeout_s, files_metadata=True)
        return [HubFile(s.rfilename, s.size) for s in info.siblings or ()]

    def download(self, spec: ModelSpec, target: Path, files: list[str], *, timeout_s: float) -> Path:
        from huggingface_hub import snapshot_download

        return Path(
            snapshot_download(
                spec.hub_id, revision=spec.revision, local_dir=target, allow_patterns=files, etag_timeout=timeout_s
            )
        )


def checkpoint_files(names: list[HubFile]) -> tuple[HubFile, ...]:
    """The files a checkpoint needs (`SNAPSHOT_PATTERNS`), without the .bin weights when safetensors exist."""
    patterns = SNAPSHOT_PATTERNS
    if any(f.name.endswith(".safetensors") for f in names):  # skip the duplicate .bin weights
        patterns = [p for p in SNAPSHOT_PATTERNS if p != "pytorch_model.bin"]
    return tuple(f for f in names if "/" not in f.name and any(fnmatch.fnmatch(f.name, p) for p in patterns))


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _unreachable(spec: ModelSpec, target: Path, exc: Exception) -> PullError:
    return PullError(
        f"could not fetch {spec.hub_id} from the Hugging Face hub ({type(exc).__name__}: {exc}). "
        f"On a machine that can reach the hub, download it and copy the snapshot into {target}, "
        f"or point `path` for [{spec.key}] in the registry at a local folder."
    )


def plan_download(spec: ModelSpec, models_dir: Path, *, timeout_s: float, hub: Hub | None = None) -> Download:
    """Ask the hub which files `spec` needs and how big they are: a cheap, bounded probe, so an unreachable hub
    fails here in seconds, not in download retries."""
    if spec.path is not None:
        raise PullError(f"{spec.key} is configured with a local path ({spec.path}); nothing to pull")
    if _offline():
        raise PullError(f"HF_HUB_OFFLINE is set, so {spec.hub_id} cannot be fetched; {fetch_hint(spec, models_dir)}")
    try:
        listed = (hub or HfHub()).list_files(spec, timeout_s=timeout_s)
    except Exception as exc:
        raise _unreachable(spec, snapshot_dir(spec, models_dir), exc) from exc
    return Download(spec, checkpoint_files(listed))


def pull(download: Download, models_dir: Path, *, timeout_s: float, hub: Hub | None = None) -> Path:
    """Fetch `download` into our snapshot folder, where `locate` finds it."""
    target = snapshot_dir(download.spec, models_dir)
    try:
        return (hub or HfHub()).download(download.spec, target, download.patterns, timeout_s=timeout_s)
    except Exception as exc:
        raise _unreachable(download.spec, target, exc) from exc
