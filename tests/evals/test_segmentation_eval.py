"""The segmentation measurement end to end, on tiny hand-written stand-ins for pySBD's tests and UD treebanks."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.text import segmentation
from evals.text.segmentation import (
    Case,
    Counts,
    golden_cases,
    marker_boundaries,
    ours,
    score_boundaries,
    score_cases,
    section,
    treebank_paragraphs,
)

DATA = Path(__file__).parent / "fixtures" / "segmentation"
UD = DATA / "ud"


def test_golden_cases_are_parsed_from_the_test_files() -> None:
    cases = golden_cases(DATA / "pySBD" / "tests" / "lang")
    assert [(case.lang, case.golden) for case in cases] == [
        ("da", True), ("en", True), ("en", True), ("en", True), ("en", False),
    ]  # Japanese is not served; TESTS_WITH_CLEAN needs pySBD's cleaner
    assert cases[3] == Case(
        "en",
        "At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. Mr. Smith then went to the store.",
        ("At 5 a.m. Mr. Smith went to the bank.", "He left the bank at 6 P.M.", "Mr. Smith then went to the store."),
        True,
    )  # unwrapped from pytest.param(..., marks=...)


def test_cases_score_exact_matches_per_language() -> None:
    cases = golden_cases(DATA / "pySBD" / "tests" / "lang")
    assert score_cases(ours, [case for case in cases if case.golden]) == {"da": (1, 1), "en": (2, 3)}
    # whitespace inside a sentence does not count against anyone
    spaced = Case("en", "One  two. Three.", ("One two.", "Three."), True)
    assert score_cases(ours, [spaced]) == {"en": (1, 1)}


def test_paragraphs_follow_markers_or_runs_of_ten() -> None:
    english = treebank_paragraphs(UD / "UD_English-EWT", limit=100)
    assert english == [["Mr. Smith arrived.", "He sat down", "Then he left."], ["A new paragraph.", "It ends here."]]
    german = treebank_paragraphs(UD / "UD_German-GSD", limit=100)
    assert [len(paragraph) for paragraph in german] == [10, 2]
    assert german[0][3] == "Er kam am 3. Mai."
    # the limit takes whole paragraphs
    assert [len(paragraph) for paragraph in treebank_paragraphs(UD / "UD_German-GSD", limit=5)] == [10]


def test_boundaries_are_counted_inside_paragraphs() -> None:
    english = treebank_paragraphs(UD / "UD_English-EWT", limit=100)
    # "He sat down" has no final stop: its boundary is missed, nothing else is wrong
    assert score_boundaries(ours, english, "en") == Counts(true_pos=2, false_pos=0, false_neg=1)
    german = treebank_paragraphs(UD / "UD_German-GSD", limit=100)
    assert score_boundaries(ours, german, "de") == Counts(true_pos=10, false_pos=0, false_neg=0)
    # a segmenter that never splits finds nothing; one that splits every word finds every boundary and more
    assert score_boundaries(lambda text, lang: [text], german, "de") == Counts(0, 0, 10)
    every_word = score_boundaries(lambda text, lang: text.split(), english, "en")
    assert (every_word.true_pos, every_word.false_neg) == (3, 0)
    assert Counts(2, 0, 1).cell() == "100.0 / 66.7 / **80.0**"


def test_a_list_marker_is_scored_for_no_one() -> None:
    """Whether "1." is a sentence of its own is a treebank's convention: the position after it counts for no one."""
    assert marker_boundaries(["1.", "Затвердити порядок.", "Контроль залишаю за собою."]) == {2}
    assert marker_boundaries(["Vedtak.", "1. Ustanawia się strefę.", "b) Druga sprawa."]) == {9, 30}
    # a date or a lowercase item opening a sentence is no marker; neither is a number inside one
    assert marker_boundaries(["28. mai flytter han hjem.", "Er kam am 3. Mai.", "12 Leute."]) == set()
    paragraph = ["1.", "Затвердити порядок.", "Контроль залишаю за собою."]
    apart = score_boundaries(lambda text, lang: ["1.", "Затвердити порядок.", "Контроль залишаю за собою."],
                             [paragraph], "uk")
    together = score_boundaries(lambda text, lang: ["1. Затвердити порядок.", "Контроль залишаю за собою."],
                                [paragraph], "uk")
    assert apart == together == Counts(true_pos=1, false_pos=0, false_neg=0)


def test_section_reports_ours_against_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segmentation, "load_original", lambda commit=segmentation.ORIGINAL_COMMIT: None)
    monkeypatch.setattr(segmentation, "peers", lambda: {"pysbd": None, "blingfire": None})
    report = section(DATA, limit=100)
    assert report.startswith("## Sentence segmentation\n")
    assert "Not run here (not installed or not in a git checkout): original, pysbd, blingfire." in report
    assert "| da | 1 | 1 (100.0%) | – | – | – |" in report
    assert "| en | 3 | 2 (66.7%) | – | – | – |" in report
    assert "| **all** | 4 | 3 (75.0%) | – | – | – |" in report
    assert "Ours fails 1:\n\n- en: `At 5 a.m. Mr. Smith went to the bank." in report
    assert "| en | 1 | 1 (100.0%) | – | – | – |" in report  # the further (no-clean) cases
    assert "| en | UD_English-EWT | 5 | 2 | 3 | 0 | 100.0 / 66.7 / **80.0** | – | – | – |" in report
    assert "| de | UD_German-GSD | 12 | 2 | 10 | 0 | 100.0 / 100.0 / **100.0** | – | – | – |" in report
    assert "| **all** | | 17 | 4 | 13 | 0 | 100.0 / 92.3 / **96.0** | – | – | – |" in report
    assert "`python -m evals.text.segmentation --data DATA --limit 100`" in report


def test_section_says_when_data_are_missing(tmp_path: Path) -> None:
    report = section(tmp_path)
    assert f"pySBD's golden rules: no data at `{tmp_path / 'pySBD' / 'tests' / 'lang'}`." in report
    assert f"Treebanks: no data under `{tmp_path / 'ud'}`." in report


def test_command_line_prints_the_section(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segmentation, "load_original", lambda commit=segmentation.ORIGINAL_COMMIT: None)
    monkeypatch.setattr(segmentation, "peers", lambda: {"pysbd": None, "blingfire": None})
    segmentation.main(["--data", str(DATA), "--limit", "100"])
    assert capsys.readouterr().out == section(DATA, limit=100)
