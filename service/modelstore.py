"""Where model weights live on disk, how big they are, and fetching them from the hub."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .registry import ModelSpec

#: Files a seq2seq checkpoint needs; everything else on the hub (tf/flax/onnx weights) is skipped.
SNAPSHOT_PATTERNS = [
    "*.json", "*.txt", "*.spm", "*.model", "*.safetensors", "pytorch_model.bin", "*.py",
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
    except Exception:  # noqa: BLE001 - any miss in the cache means "not here"
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


def fetch_hint(spec: ModelSpec, models_dir: Path) -> str:
    """One sentence a person can act on to make `spec` present."""
    if spec.path is not None:
        return f"put the model files (config.json, weights, tokenizer) in {spec.path}"
    return (
        f"run `wirebrief models pull --model {spec.key}`, or copy a downloaded snapshot of "
        f"{spec.hub_id} into {snapshot_dir(spec, models_dir)}"
    )


def pull(spec: ModelSpec, models_dir: Path, *, timeout_s: float) -> Path:
    """Download `spec` from the hub into our snapshot folder; fails within about `timeout_s`."""
    if spec.path is not None:
        raise PullError(f"{spec.key} is configured with a local path ({spec.path}); nothing to pull")
    from huggingface_hub import HfApi, snapshot_download

    target = snapshot_dir(spec, models_dir)
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        raise PullError(f"HF_HUB_OFFLINE is set, so {spec.hub_id} cannot be fetched; {fetch_hint(spec, models_dir)}")
    try:  # a cheap, bounded probe first: an unreachable hub fails here in seconds, not in retries
        info = HfApi().model_info(spec.hub_id, revision=spec.revision, timeout=timeout_s)
        names = [sibling.rfilename for sibling in info.siblings or ()]
        patterns = SNAPSHOT_PATTERNS
        if any(name.endswith(".safetensors") for name in names):  # skip the duplicate .bin weights
            patterns = [p for p in SNAPSHOT_PATTERNS if p != "pytorch_model.bin"]
        path = snapshot_download(
            spec.hub_id,
            revision=spec.revision,
            local_dir=target,
            allow_patterns=patterns,
            etag_timeout=timeout_s,
        )
    except Exception as exc:  # noqa: BLE001 - network, auth and hub errors all end the same way
        raise PullError(
            f"could not fetch {spec.hub_id} from the Hugging Face hub ({type(exc).__name__}: {exc}). "
            f"On a machine that can reach the hub, download it and copy the snapshot into {target}, "
            f"or point `path` for [{spec.key}] in the registry at a local folder."
        ) from exc
    return Path(path)
