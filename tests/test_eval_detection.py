"""The detection measurement end to end on a hand-written fixture laid out like the UD treebanks (no network)."""

from pathlib import Path

import pytest

from evals.text import detection
from evals.text.detection import (
    TREEBANKS,
    Sample,
    score,
    section,
    sentences,
    shipped_routing,
)

#: Two plain sentences per served language (5–30 words), plus lines the loader must skip.
FIXTURE = {
    "en": ["The city council approved the new budget after a long debate on Tuesday.",
           "Schools will get more teachers and the roads will finally be repaired."],
    "no": ["Bystyret vedtok det nye budsjettet etter en lang debatt på tirsdag.",
           "Skolene får flere lærere, og veiene skal endelig bli reparert."],
    "da": ["Byrådet vedtog det nye budget efter en lang debat i tirsdags.",
           "Skolerne får flere lærere, og vejene bliver endelig repareret."],
    "sv": ["Kommunfullmäktige antog den nya budgeten efter en lång debatt i tisdags.",
           "Skolorna får fler lärare och vägarna ska äntligen lagas."],
    "is": ["Borgarstjórn samþykkti nýju fjárhagsáætlunina eftir langar umræður á þriðjudag.",
           "Skólarnir fá fleiri kennara og vegirnir verða loksins lagaðir."],
    "de": ["Der Stadtrat hat den neuen Haushalt nach einer langen Debatte am Dienstag beschlossen.",
           "Die Schulen bekommen mehr Lehrer und die Straßen werden endlich repariert."],
    "fr": ["Le conseil municipal a adopté le nouveau budget mardi après un long débat.",
           "Les écoles auront plus d'enseignants et les routes seront enfin réparées."],
    "es": ["El ayuntamiento aprobó el nuevo presupuesto el martes después de un largo debate.",
           "Las escuelas tendrán más profesores y las carreteras por fin serán reparadas."],
    "it": ["Il consiglio comunale ha approvato il nuovo bilancio martedì dopo un lungo dibattito.",
           "Le scuole avranno più insegnanti e le strade saranno finalmente riparate."],
    "nl": ["De gemeenteraad heeft dinsdag na een lang debat de nieuwe begroting goedgekeurd.",
           "De scholen krijgen meer leraren en de wegen worden eindelijk gerepareerd."],
    "pl": ["Rada miejska przyjęła we wtorek nowy budżet po długiej debacie.",
           "Szkoły dostaną więcej nauczycieli, a drogi zostaną wreszcie naprawione."],
    "ru": ["Городской совет во вторник принял новый бюджет после долгих дебатов.",
           "Школы получат больше учителей, а дороги наконец отремонтируют."],
    "uk": ["Міська рада у вівторок ухвалила новий бюджет після тривалих дебатів.",
           "Школи отримають більше вчителів, а дороги нарешті відремонтують."],
}


#: Portuguese throughout: the catch-all model's language, close to Spanish, which has a model of its own.
PORTUGUESE = ["A câmara municipal aprovou ontem o novo orçamento para as escolas do concelho.",
              "O governo português anunciou hoje que vai aumentar o salário mínimo no próximo ano."]


def conllu(texts: list[str]) -> str:
    blocks = ["# sent_id = short\n# text = Too short here.\n1\tToo\n"]  # 3 words: skipped
    blocks += [f"# sent_id = s{i}\n# text = {text}\n1\tx\n" for i, text in enumerate(texts)]
    blocks.append(f"# sent_id = dup\n# text = {texts[0]}\n1\tx\n")  # a repeated sentence counts once
    return "\n".join(blocks)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evaldata")
    for code, treebank in TREEBANKS.items():
        folder = root / "ud" / treebank
        folder.mkdir(parents=True)
        (folder / f"{code}_fixture-ud-dev.conllu").write_text(conllu(FIXTURE[code]), encoding="utf-8")
    folder = root / "ud" / "UD_Portuguese-Bosque"
    folder.mkdir(parents=True)
    (folder / "pt_fixture-ud-dev.conllu").write_text(conllu(PORTUGUESE), encoding="utf-8")
    return root


def test_sentences_are_filtered_distinct_and_hash_ordered(data: Path) -> None:
    found = sentences(data / "ud" / "UD_German-GSD" / "de_fixture-ud-dev.conllu")
    assert sorted(found) == sorted(FIXTURE["de"]) and len(found) == 2
    assert found == sorted(found, key=lambda t: detection.hashlib.sha256(t.encode()).hexdigest())


def test_score_counts_wrong_models_not_wrong_languages() -> None:
    samples = [Sample("no", "a"), Sample("no", "b"), Sample("de", "c"), Sample("en", "d")]
    answers = {"a": ("da", False), "b": ("de", True), "c": ("en", False), "d": ("en", False)}
    result = score("fake", samples, answers.__getitem__, shipped_routing(), flags=True)
    assert result.accuracy == 0.25  # only "d" names the right language...
    assert [d.sample.text for d in result.wrong] == ["b", "c"]  # ...but da goes to the same model as no
    assert (result.flagged(right=False), result.flagged(right=True)) == (1, 0)
    assert [d.model for d in result.wrong] == ["opus-mt-de-en", None]


def test_section_end_to_end(data: Path) -> None:
    text = section(data, per_language=100)
    assert "26 sentences of 5–30 words, at most 100 per language (en, no, da, sv, is, de, fr, es, it, nl, pl, ru, uk)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "%" in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| lingua 2.1 (all 75 languages, bare)", "| langdetect 1.0.9 (all 55 profiles, bare)",
        "| **ours: `detect`, lingua engine (default)**", "| ours: `detect`, langdetect engine"]
    ours = rows[2].split(" | ")
    assert ours[1:] == ["100.0%", "0", "0 / 0", "0 / 26 |"]  # clear sentences of 40+ characters: no doubt
    # langdetect has no Icelandic profile: both Icelandic sentences get another Nordic code (same model).
    assert rows[3].split(" | ")[1:] == ["92.3%", "0", "0 / 0", "1 / 26 |"]
    assert "Wrong-model decisions of ours: `detect`, lingua engine (default):\n\nnone." in text
    # the languages without a model of their own: what flagging catch-all guesses costs there
    assert "### Languages without a model of their own (opus-mt-mul-en)" in text
    assert "| pt | UD_Portuguese-Bosque | 2 | 2 | 0 | 0 | 0 |" in text
    assert "Not measured for lack of data: ud/UD_Afrikaans-AfriBooms/*-ud-dev.conllu, " in text
    assert "python -m evals.text.detection --data DATA --split dev --per-language 100" in text


def test_section_says_what_is_missing(tmp_path: Path) -> None:
    text = section(tmp_path)
    assert text.startswith("## Language detection\n\nNot measured: missing ud/UD_English-EWT/*-ud-dev.conllu")
