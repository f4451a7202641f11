"""Settings, read once from `WIREBRIEF_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Every knob of the service. Limits, timeouts and model choices live here, nowhere else."""

    model_config = SettingsConfigDict(env_prefix="WIREBRIEF_", env_file=".env", extra="ignore")

    # Where things are.
    registry_path: Path = Field(PROJECT_ROOT / "models" / "registry.toml", description="Model registry (TOML).")
    models_dir: Path = Field(PROJECT_ROOT / "models" / "cache", description="Downloaded model snapshots.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Summary styles and prompt templates.")
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Runtime state (caches, job database).")

    # Serving.
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1, description="Largest accepted request body.")
    max_article_chars: int = Field(200_000, ge=1, description="Largest accepted article, in characters.")

    # Models.
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0 ...")
    torch_threads: int = Field(0, ge=0, description="torch intra-op threads; 0 keeps torch's default.")
    hub_timeout_s: float = Field(5.0, gt=0, description="Per-request timeout when pulling from the hub.")

    # Translation.
    translate_beams: int = Field(4, ge=1, le=16)
    translate_batch_size: int = Field(16, ge=1, description="Sentences per generate() call.")
    translate_max_input_tokens: int = Field(256, ge=8, description="Longer sentences are split, never truncated.")
    translate_sentences_per_chunk: int = Field(1, ge=1, description="MarianMT is trained on single sentences.")
    translate_length_ratio: float = Field(1.6, gt=0, description="max new tokens = ratio * input tokens + 10.")
    translate_max_new_tokens: int = Field(512, ge=8)
    repeat_guard: int = Field(2, ge=1, description="An n-gram repeated back-to-back more often is cut to this.")

    # Summaries.
    summary_style: str = "standard"
    summary_method: Literal["abstractive", "extractive"] = "abstractive"
    summary_batch_size: int = Field(4, ge=1, description="Chunks per generate() call in the map step.")
    summary_max_input_tokens: int = Field(0, ge=0, description="0: the model's own limit.")
    summary_max_rounds: int = Field(3, ge=1, description="Map-reduce rounds before giving up with an error.")

    # Detection.
    detect_min_chars: int = Field(40, ge=1, description="Shorter text gets a short_text warning.")
    detect_min_confidence: float = Field(0.80, ge=0, le=1, description="Below this, an ambiguous_language warning.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
