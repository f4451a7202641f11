"""evals/text/boilerplate.py end to end on a hand-written page laid out like the benchmark (no network)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from evals.text import boilerplate

PAGE = """<html><head><title>T</title><script>var x = "<p>not text</p>";</script></head><body>
<nav><ul><li>Home</li><li>World</li><li>Business</li><li>Sport</li></ul></nav>
<article><h1>Council approves the city budget</h1>
<p>The council approved the budget on Tuesday after a long debate.</p>
<p>Image caption Councillors voted late at night</p>
<p>Schools and roads get most of the money, the mayor said.</p>
<p>Reporting by Jane Doe; Editing by John Smith</p></article>
<footer><p>© 2024 Example News. All rights reserved.</p><p>Contact</p><p>About</p><p>Privacy</p></footer>
</body></html>"""
GOLD = ("The council approved the budget on Tuesday after a long debate.\n\n"
        "Schools and roads get most of the money, the mayor said.")


def lay_out(data: Path, pages: dict[str, tuple[str, str]]) -> None:
    folder = data / boilerplate.DATASET
    (folder / "html").mkdir(parents=True)
    truth = {key: {"articleBody": gold, "url": f"https://example.org/{key}"} for key, (_, gold) in pages.items()}
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    for key, (html, _) in pages.items():
        (folder / "html" / f"{key}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))


def test_naive_text_keeps_every_text_node_of_the_body() -> None:
    assert boilerplate.naive_text(PAGE).split("\n") == [
        "Home", "World", "Business", "Sport", "Council approves the city budget",
        "The council approved the budget on Tuesday after a long debate.",
        "Image caption Councillors voted late at night",
        "Schools and roads get most of the money, the mayor said.",
        "Reporting by Jane Doe; Editing by John Smith",
        "© 2024 Example News. All rights reserved.", "Contact", "About", "Privacy",
    ]


def test_page_score_counts_boilerplate_words_on_both_paths(tmp_path: Path) -> None:
    lay_out(tmp_path, {"k1": (PAGE, GOLD)})
    [page] = boilerplate.load_pages(tmp_path / boilerplate.DATASET)
    score = boilerplate.score_page(page)
    # left on both paths: the headline's words the gold text lacks ("approves", "city", and one more "council",
    # "the", "budget"); the menu, caption, sign-off and footer went
    assert score == boilerplate.PageScore(
        "k1", 33,
        boilerplate.PathScore(boilerplate_in=33, boilerplate_out=5, sentences_in=2, sentences_lost=()),
        boilerplate.PathScore(boilerplate_in=33, boilerplate_out=5, sentences_in=2, sentences_lost=()),
        boilerplate.PathScore(boilerplate_in=20, boilerplate_out=5, sentences_in=2, sentences_lost=()))


def test_a_gold_sentence_that_clean_removes_is_reported_lost(tmp_path: Path) -> None:
    gold = GOLD + "\n\nReporting by Jane Doe; Editing by John Smith."
    page = PAGE.replace("Editing by John Smith</p>", "Editing by John Smith.</p>")
    lay_out(tmp_path, {"k1": (PAGE, GOLD), "k2": (page, gold)})
    section = boilerplate.section(tmp_path)
    assert boilerplate.split_of("k1") == "dev" and boilerplate.split_of("k2") == "held-out"
    assert ("| dev | 1 | 33 | 5 (15.2%) | 5 (15.2%) | 20 (60.6%) | 5 (15.2%) | 0 + 0 / 2 | 0 + 0 / 2 | 0 + 0 / 2 "
            "| 0 |") in section
    assert ("| held-out | 1 | 25 | 5 (20.0%) | 5 (20.0%) | 12 (48.0%) | 5 (20.0%) | 1 + 0 / 3 | 1 + 0 / 3 "
            "| 1 + 0 / 3 | 1 |") in section
    assert "- `k2`: Reporting by Jane Doe; Editing by John Smith." in section
    assert "python -m evals.text.boilerplate --data DIR" in section


def test_missing_data_is_said_not_measured(tmp_path: Path) -> None:
    assert "Not measured" in boilerplate.section(tmp_path)
