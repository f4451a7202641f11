"""`python -m evals.quality` end to end on the tiny models, with small fixtures in the public sets' formats."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import ENGLISH_SEEDS, seed_text
from evals.quality.__main__ import main
from evals.quality.data import cnndm_articles, flores_file
from evals.quality.translation import score_language
from service.pipeline import Pipeline
from service.translate import Translation

NORWEGIAN = [
    "Ordfører i byen, Vitalij Klitschko, sier at hendelsen skal ha skjedd i Kurenivka-distriktet.",
    "Redningspersonell skal være på stedet, og beboere får hjelp til å forlate området.",
    "Også andre steder i den ukrainske hovedstaden har boligblokker blitt skadet.",
    "Den ukrainske utenriksministeren ber Vesten om å støtte landet ytterligere.",
    "Flyalarmene skal ha gått i blant annet Kyiv, Kharkiv, Dnipro, Mykolajiv og Odesa.",
    "Rundt 300.000 innbyggere skal fremdeles være igjen i byen.",
]
ENGLISH = [
    "The city's mayor, Vitali Klitschko, says the incident happened in the Kurenivka district.",
    "Rescue workers are said to be at the scene, and residents are being helped to leave the area.",
    "Apartment blocks have also been damaged elsewhere in the Ukrainian capital.",
    "The Ukrainian foreign minister is asking the West to support the country further.",
    "The air raid sirens reportedly sounded in Kyiv, Kharkiv, Dnipro, Mykolaiv and Odessa, among others.",
    "Around 300,000 residents are reportedly still in the city.",
]


@pytest.fixture
def flores(tmp_path: Path) -> Path:
    """FLORES-200's layout: one sentence a line, `devtest/<lang>_<script>.devtest`, lines aligned."""
    folder = tmp_path / "flores200_dataset" / "devtest"
    folder.mkdir(parents=True)
    (folder / "nob_Latn.devtest").write_text("\n".join(NORWEGIAN) + "\n", encoding="utf-8")
    (folder / "eng_Latn.devtest").write_text("\n".join(ENGLISH) + "\n", encoding="utf-8")
    return folder.parent


@pytest.fixture
def cnndm(tmp_path: Path) -> Path:
    """CNN/DailyMail's fields (article, highlights with one highlight a line) as JSON Lines."""
    rows = [{"article": seed_text(ENGLISH_SEEDS[1]), "id": "a",
             "highlights": "At least 10 people were injured in Kyiv.\nMissiles hit during a UN visit."},
            {"article": seed_text(ENGLISH_SEEDS[3]), "id": "b",
             "highlights": "Russia struck Ukraine with missiles and drones.\nStudents were killed near Kyiv."}]
    path = tmp_path / "test.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_the_harness_runs_end_to_end(pipeline: Pipeline, flores: Path, cnndm: Path, tmp_path: Path) -> None:
    out, raw = tmp_path / "report.md", tmp_path / "scores.json"
    argv = ["--flores", str(flores), "--cnndm", str(cnndm), "--langs", "nob", "--doc-size", "2", "--batch", "4",
            "--workers", "2", "--style", "brief", "--out", str(out), "--json", str(raw)]
    report = main(argv, pipeline=pipeline)
    assert out.read_text(encoding="utf-8") == report
    assert f"Reproduce: `python -m evals.quality --flores {flores}" in report
    scores = json.loads(raw.read_text(encoding="utf-8"))
    [translation] = scores["translation"]
    assert (translation["flores"], translation["lang"], translation["sentences"]) == ("nob", "nb", 6)
    assert translation["model"] == "Helsinki-NLP/opus-mt-gmq-en"
    for key in ("pipeline_bleu", "pipeline_chrf", "alone_bleu", "alone_chrf", "sentence_bleu", "sentence_chrf"):
        assert 0 <= translation[key] <= 100
    assert translation["flags_reference"] == 0, "the hand-checked reference raises no flag"
    assert "| nob→eng | Helsinki-NLP/opus-mt-gmq-en | 6 |" in report and "| 35.9 |" in report
    summaries = scores["summaries"]
    assert (summaries["articles"], summaries["style"], summaries["model"]) == (2, "brief", "sshleifer/distilbart-cnn-12-6")
    for side in ("pipeline", "alone"):
        assert set(summaries[side]) == {"rouge1", "rouge2", "rougeLsum"}
        assert all(0 <= v <= 100 for v in summaries[side].values())
    assert "| 21.26 |" in report


class _Lossy:
    """The real pipeline, except that translation drops every document's second half: a chunking bug."""

    def __init__(self, inner: Pipeline) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def translate(self, text: str, lang: str) -> Translation:
        result = self._inner.translate(text, lang)
        words = result.text.split()
        return dataclasses.replace(result, text=" ".join(words[: len(words) // 2]))


def test_a_loss_in_the_pipeline_shows_against_the_model_alone(pipeline: Pipeline, flores: Path) -> None:
    kwargs = {"limit": None, "doc_size": 3, "batch": 8, "workers": 2}
    honest = score_language(pipeline, flores, "nob", **kwargs)
    lossy = score_language(_Lossy(pipeline), flores, "nob", **kwargs)  # type: ignore[arg-type]
    assert (lossy.alone_bleu, lossy.alone_chrf) == (honest.alone_bleu, honest.alone_chrf)
    assert lossy.pipeline_chrf < honest.pipeline_chrf and lossy.pipeline_chrf < lossy.alone_chrf


def test_data_readers_say_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nob_Latn.devtest"):
        flores_file(tmp_path, "nob_Latn")
    bad = tmp_path / "test.csv"
    bad.write_text("story,summary\nA.,B.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing \\['article', 'highlights'\\]"):
        cnndm_articles(bad)
    good = tmp_path / "good.csv"
    good.write_text('id,article,highlights\n1,"Body, with a comma.","One.\nTwo."\n', encoding="utf-8")
    [article] = cnndm_articles(good)
    assert (article.article, article.highlights) == ("Body, with a comma.", "One.\nTwo.")


def test_arguments_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    assert "give --flores DIR, --cnndm FILE or both" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--flores", "x", "--langs", "nob,xxx"])
    assert "unknown FLORES codes ['xxx']" in capsys.readouterr().err
