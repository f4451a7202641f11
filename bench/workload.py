"""The seed mix: 004 (Norwegian) is translated and summarized, 000-003 (English) summarized."""

from __future__ import annotations

from dataclasses import dataclass

from testkit import PROJECT_ROOT
from service.text import clean, segment


@dataclass(frozen=True)
class Article:
    name: str
    raw: str
    cleaned: str
    lang: str
    sentences: tuple[str, ...]  # what gets translated (empty for English)


def seed_mix(max_paragraphs: int | None = None) -> list[Article]:
    """The five seeds; `max_paragraphs` keeps only each one's first paragraphs (the quick run)."""
    articles = []
    for path in sorted((PROJECT_ROOT / "seeds").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        if max_paragraphs is not None:
            raw = "\n".join([line for line in raw.splitlines() if line.strip()][:max_paragraphs])
        cleaned = clean(raw).text
        lang = "no" if path.name.startswith("004") else "en"
        sentences = tuple(s.text for s in segment(cleaned, lang)) if lang != "en" else ()
        articles.append(Article(path.stem, raw, cleaned, lang, sentences))
    return articles
