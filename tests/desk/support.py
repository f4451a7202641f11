"""The seeds in English (000–003 are English; 004 is a hand translation of the Norwegian one) and a desk store."""

from __future__ import annotations

from pathlib import Path

from service.config import DeskSettings
from service.db import Database
from service.desk.store import DeskArticle, DeskStore
from service.summarize import Summary
from testkit import PROJECT_ROOT

T0 = 1_651_104_000.0  # 2022-04-28

OUTLETS = {"000": "The Independent", "001": "The Telegraph", "002": "Reuters", "003": "Sky News", "004": "NRK"}


def seed_texts() -> dict[str, str]:
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "seeds").glob("00[0-3]_*.txt"))}
    texts["004"] = (Path(__file__).parent / "seed_004_en.txt").read_text(encoding="utf-8")
    return texts


def seed_article(key: str, text: str | None = None) -> DeskArticle:
    return DeskArticle(key, text or seed_texts()[key], "en", headline=f"headline {key}", outlet=OUTLETS[key],
                       published_at=T0)


def new_store(url: str) -> DeskStore:
    db = Database(url)
    db.upgrade()
    return DeskStore(db, DeskSettings())


def first_sentences(text: str, title: str | None) -> Summary:
    """A stand-in summarizer: the selected sentences as they come (the brief's shape is what is tested)."""
    return Summary(headline=title or "", summary=text, key_points=(), word_count=len(text.split()), style="standard",
                   method="extractive")
