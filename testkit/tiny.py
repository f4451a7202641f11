"""The tiny test models (a MarianMT and a BART checkpoint trained for seconds to copy seed sentences).

Shared by the test session (`tests/conftest.py`) and `bench/load.py`, so both use one cached build:
`.test-models/<digest>`, where the digest covers the builder and the seeds, and a build is renamed into
place atomically (a concurrent session either sees all of it or builds its own).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from . import PROJECT_ROOT, modelgen

SEEDS_DIR = PROJECT_ROOT / "seeds"


def cache_dir() -> Path:
    """Built models are reused across runs while the builder and the seeds are unchanged."""
    digest = hashlib.sha256(Path(modelgen.__file__).read_bytes())
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        digest.update(path.read_bytes())
    root = Path(os.environ.get("WIREBRIEF_TEST_MODEL_CACHE", PROJECT_ROOT / ".test-models"))
    return root / digest.hexdigest()[:16]


def ensure_models() -> dict[str, Path]:
    """Paths of the tiny checkpoints ({"marian", "bart"}), built first when not cached (about a minute)."""
    folder = cache_dir()
    if not (folder / "bart" / "config.json").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="building-", dir=folder.parent))
        corpus = modelgen.seed_corpus(SEEDS_DIR)
        modelgen.build_marian(staging / "marian", corpus, train_steps=modelgen.MARIAN_TRAIN_STEPS)
        modelgen.build_bart(staging / "bart", corpus, train_steps=modelgen.BART_TRAIN_STEPS)
        try:
            staging.rename(folder)
        except OSError:  # another session finished first: use theirs
            shutil.rmtree(staging, ignore_errors=True)
    return {"marian": folder / "marian", "bart": folder / "bart"}


def write_registry(
    path: Path,
    marian: Path,
    bart: Path | None,
    *,
    summarizer_present: bool = True,
    german_present: bool = False,
    catch_all_present: bool = True,
) -> Path:
    """A registry like the shipped one: gmq and the catch-all are tiny Marian.

    German is not on disk unless `german_present` (while the catch-all is present, it translates German with a
    fallback warning; a fully provisioned server, as the fuzz test and the load run want, has every model).
    Without `catch_all_present`, German and every language without its own model have no model at all: 503.
    """
    bart_entry = f'path = "{bart}"' if summarizer_present and bart else 'path = "/nonexistent/distilbart"'
    german_entry = f'path = "{marian}"' if german_present else ""
    catch_all_path = marian if catch_all_present else "/nonexistent/opus-mt-mul-en"
    path.write_text(
        f"""
summarizer = "distilbart-cnn"

[models.opus-mt-gmq-en]
task = "translation"
hub_id = "Helsinki-NLP/opus-mt-gmq-en"
path = "{marian}"
languages = ["no", "nb", "nn", "da", "sv", "is", "fo"]

[models.opus-mt-de-en]
task = "translation"
hub_id = "Helsinki-NLP/opus-mt-de-en"
{german_entry}
languages = ["de"]

[models.opus-mt-mul-en]
task = "translation"
hub_id = "Helsinki-NLP/opus-mt-mul-en"
path = "{catch_all_path}"
languages = ["*"]

[models.distilbart-cnn]
task = "summarization"
hub_id = "sshleifer/distilbart-cnn-12-6"
{bart_entry}
""",
        encoding="utf-8",
    )
    return path
