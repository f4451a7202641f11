"""The public test sets, read from local files (nothing is downloaded): FLORES-200 devtest and CNN/DailyMail."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

#: FLORES-200 code -> (file stem, our language code); the served languages with an opus-mt model
FLORES: dict[str, tuple[str, str]] = {
    "nob": ("nob_Latn", "nb"), "nno": ("nno_Latn", "nn"), "dan": ("dan_Latn", "da"), "swe": ("swe_Latn", "sv"),
    "isl": ("isl_Latn", "is"), "deu": ("deu_Latn", "de"), "fra": ("fra_Latn", "fr"), "spa": ("spa_Latn", "es"),
    "ita": ("ita_Latn", "it"), "nld": ("nld_Latn", "nl"), "pol": ("pol_Latn", "pl"), "rus": ("rus_Cyrl", "ru"),
    "ukr": ("ukr_Cyrl", "uk"),
}
ENGLISH = "eng_Latn"


@dataclass(frozen=True)
class Article:
    article: str
    highlights: str  # the reference summary, one highlight per line


def flores_file(root: Path, stem: str, split: str = "devtest") -> Path:
    """`DIR/devtest/nob_Latn.devtest` (the FLORES-200 tarball's layout) or `DIR/nob_Latn.devtest`."""
    for candidate in (root / split / f"{stem}.{split}", root / f"{stem}.{split}"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {stem}.{split} under {root} (expected {root / split / f'{stem}.{split}'})")


def flores_sentences(root: Path, stem: str, limit: int | None = None) -> list[str]:
    lines = flores_file(root, stem).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines[:limit]]


def cnndm_articles(path: Path, limit: int | None = None) -> list[Article]:
    """CNN/DailyMail test rows from a CSV or JSON Lines file with `article` and `highlights` fields."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing = [k for k in ("article", "highlights") if rows and k not in rows[0]]
    if missing:
        raise ValueError(f"{path}: rows need fields article and highlights; missing {missing}")
    return [Article(row["article"], row["highlights"]) for row in rows[:limit]]
