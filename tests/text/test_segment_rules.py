"""Per-language sentence rules: titles, multi-word abbreviations, initials, quotes, lists, units."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import split_sentences

SERVED = ["en", "no", "nb", "nn", "da", "sv", "is", "de", "fr", "es", "it", "nl", "pl", "ru", "uk"]


# --- titles and abbreviations, one table per served language ---------------------------------

@pytest.mark.parametrize(("paragraph", "lang", "expected"), [
    ("Ayer llegó el Dr. García con la Srta. Ledesma. Hoy se fue.", "es",
     ["Ayer llegó el Dr. García con la Srta. Ledesma.", "Hoy se fue."]),
    ("Buenos días, soy el Lic. Naser Pastoriza. Vivo en la Avda. Mayor.", "es",
     ["Buenos días, soy el Lic. Naser Pastoriza.", "Vivo en la Avda. Mayor."]),
    ("Nel tribunale, l'Avv. Fabrizi ha parlato con dell’Ing. Rossi. Poi è uscito.", "it",
     ["Nel tribunale, l'Avv. Fabrizi ha parlato con dell’Ing. Rossi.", "Poi è uscito."]),
    ("Едем в сторону пгт. Брагиновка к проф. Семенову. Там хорошо.", "ru",
     ["Едем в сторону пгт. Брагиновка к проф. Семенову.", "Там хорошо."]),
    ("Вона живе на вул. Хрещатик у м. Київ. Там гарно.", "uk",
     ["Вона живе на вул. Хрещатик у м. Київ.", "Там гарно."]),
    ("Rozmawiałem z prof. Nowakiem na ul. Długiej, np. o pogodzie. To było miłe.", "pl",
     ["Rozmawiałem z prof. Nowakiem na ul. Długiej, np. o pogodzie.", "To było miłe."]),
    ("Hij sprak met dhr. Jansen en mevr. De Vries, o.a. over geld. Daarna ging hij.", "nl",
     ["Hij sprak met dhr. Jansen en mevr. De Vries, o.a. over geld.", "Daarna ging hij."]),
    ("Il a vu MM. Dupont et Durand av. Foch. Ils sont partis.", "fr",
     ["Il a vu MM. Dupont et Durand av. Foch.", "Ils sont partis."]),
    ("Þetta var t.d. gert skv. lögum. Það var gott.", "is", ["Þetta var t.d. gert skv. lögum.", "Það var gott."]),
    ("Han kom ung. kl. 9 enl. polisen. Sedan gick han.", "sv", ["Han kom ung. kl. 9 enl. polisen.", "Sedan gick han."]),
])
def test_titles_and_abbreviations(paragraph: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, lang) == expected


def test_titles_are_per_language() -> None:
    """"Srta." is a Spanish title; English has no entry for it, so it may end a sentence there."""
    assert split_sentences("Vino la Srta. Ledesma.", "es") == ["Vino la Srta. Ledesma."]
    assert split_sentences("Vino la Srta. Ledesma.", "en") == ["Vino la Srta.", "Ledesma."]


# --- multi-word abbreviations and initials ----------------------------------------------------

@pytest.mark.parametrize(("paragraph", "lang", "expected"), [
    ("Wir trafen Dr. med. Meyer und Dr. rer. nat. Schulz. Er war müde.", "de",
     ["Wir trafen Dr. med. Meyer und Dr. rer. nat. Schulz.", "Er war müde."]),
    ("Das gilt z. B. für Kinder, d. h. für alle. Wir gehen.", "de",
     ["Das gilt z. B. für Kinder, d. h. für alle.", "Wir gehen."]),
    ("Die Zahl stieg z. B. Anfang Mai stark. Wir gehen.", "de",
     ["Die Zahl stieg z. B. Anfang Mai stark.", "Wir gehen."]),
    ("Leyeron el art. 4 de la constitución de los EE. UU.. Luego salieron.", "es",
     ["Leyeron el art. 4 de la constitución de los EE. UU..", "Luego salieron."]),
    ("Viven en EE. UU. Los niños también.", "es", ["Viven en EE. UU.", "Los niños también."]),
    ("Boka er skrevet av P. E. Pedersen. Den kom ut i fjor.", "no",
     ["Boka er skrevet av P. E. Pedersen.", "Den kom ut i fjor."]),
    ("Det sa P. E. Pedersen i går.", "no", ["Det sa P. E. Pedersen i går."]),
    ("Der Historiker lektor dr. phil. Henrik S. Nissen kom.", "da",
     ["Der Historiker lektor dr. phil. Henrik S. Nissen kom."]),
    ("Please turn to p. 55. P. Smith agreed.", "en", ["Please turn to p. 55.", "P. Smith agreed."]),
    ("We make a good team, you and I. Did you see Albert I. Jones yesterday?", "en",
     ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"]),
    ("I live in the U.S. How about you?", "en", ["I live in the U.S.", "How about you?"]),
])
def test_multi_word_abbreviations_and_initials(paragraph: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, lang) == expected


# --- units and counts after a number ----------------------------------------------------------

@pytest.mark.parametrize(("paragraph", "lang", "expected"), [
    ("Das kostet 3 Mio. Euro. Die Firma zahlt 2 Mio. Die Bank den Rest.", "de",
     ["Das kostet 3 Mio. Euro.", "Die Firma zahlt 2 Mio.", "Die Bank den Rest."]),
    ("Он родился в 1998 г. Он вырос в г. Москва.", "ru", ["Он родился в 1998 г.", "Он вырос в г. Москва."]),
    ("В 2010-2012 гг. Виктор жил в Москве.", "ru", ["В 2010-2012 гг. Виктор жил в Москве."]),
    ("Han tjente 3 mill. kroner i fjor. Det er mye.", "no", ["Han tjente 3 mill. kroner i fjor.", "Det er mye."]),
    ("Prices rose 1.5 per cent. It was 5 km. The road ended.", "en",
     ["Prices rose 1.5 per cent.", "It was 5 km.", "The road ended."]),
    ("Кв. 234 находится на 4 этаже.", "ru", ["Кв. 234 находится на 4 этаже."]),
    ("I will be paid Rs. 16720 in total.", "en", ["I will be paid Rs. 16720 in total."]),
])
def test_units_after_numbers(paragraph: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, lang) == expected


# --- quotes, dashes, ellipses -----------------------------------------------------------------

@pytest.mark.parametrize(("paragraph", "lang", "expected"), [
    ("„Ich habe heute keine Zeit“, sagte sie leise: „Und auch keine Lust.“ Wir haben 1.000.000 Euro.", "de",
     ["„Ich habe heute keine Zeit“, sagte sie leise: „Und auch keine Lust.“", "Wir haben 1.000.000 Euro."]),
    ("Er rief: ‚Komm her.‘ Sie kam.", "de", ["Er rief: ‚Komm her.‘", "Sie kam."]),
    ("Hij zei: ,,Ik kom morgen.'' Daarna ging hij. ,,Echt?'' vroeg zij.", "nl",
     ["Hij zei: ,,Ik kom morgen.''", "Daarna ging hij.", ",,Echt?'' vroeg zij."]),
    ("Hij ging weg. ,,Ik kom terug'', zei hij.", "nl", ["Hij ging weg.", ",,Ik kom terug'', zei hij."]),
    ("«К чему ты готовишься? – спросила мама.", "ru", ["«К чему ты готовишься? – спросила мама."]),
    ("Han sa det. – Vi gir oss ikke, sier han. – Aldri!", "no",
     ["Han sa det.", "– Vi gir oss ikke, sier han.", "– Aldri!"]),
    ("81 procent van de schoten was raak. ...en toen barste de hel los.", "nl",
     ["81 procent van de schoten was raak.", "...en toen barste de hel los."]),
    ("\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55).", "en",
     ["\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55)."]),
    ("The company, Acme Inc. (“Acme”), agreed. So did Beta Inc. The deal closed.", "en",
     ["The company, Acme Inc. (“Acme”), agreed.", "So did Beta Inc.", "The deal closed."]),
])
def test_quotes_dashes_and_ellipses(paragraph: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, lang) == expected


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("the thing is . . . I didn’t mean it.", ["the thing is . . . I didn’t mean it."]),
    ("It ends with a period . . . . Next sentence.", ["It ends with a period . . . .", "Next sentence."]),
    ("Words into compounds. . . . The practice was not abandoned. . . .",
     ["Words into compounds.", ". . . The practice was not abandoned. . . ."]),
    ("A lone period . Then more.", ["A lone period .", "Then more."]),
])
def test_spaced_ellipses(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, "en") == expected


# --- lists written inline ---------------------------------------------------------------------

@pytest.mark.parametrize(("paragraph", "lang", "expected"), [
    ("1. The first item 2. The second item 3. The third", "en",
     ["1. The first item", "2. The second item", "3. The third"]),
    ("1.) The first item. 2.) The second item.", "en", ["1.) The first item.", "2.) The second item."]),
    ("1) The first item 2) The second item", "da", ["1) The first item", "2) The second item"]),
    ("a. The first item b. The second item c. The third list item", "en",
     ["a. The first item", "b. The second item", "c. The third list item"]),
    ("• 9. The first item • 10. The second item", "en", ["• 9. The first item", "• 10. The second item"]),
    ("⁃9. The first item ⁃10. The second item", "en", ["⁃9. The first item", "⁃10. The second item"]),
    # only the next number continues a list
    ("1) The first item 3) The third item", "en", ["1) The first item 3) The third item"]),
    # where "2." can be an ordinal, only a sentence opener after it starts an item
    ("1. Mai und 2. Juni waren frei.", "de", ["1. Mai und 2. Juni waren frei."]),
    ("1. Der erste Punkt 2. Der zweite Punkt", "de", ["1. Der erste Punkt", "2. Der zweite Punkt"]),
    ("It ended in 2022. 160 cars left.", "en", ["It ended in 2022.", "160 cars left."]),
])
def test_inline_lists(paragraph: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, lang) == expected


# --- language codes ---------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "same_as"), [
    ("nn", "no"), ("NB-no", "no"), ("deu", "de"), ("fra", "fr"), ("ukr", "uk"), ("pt", "xx"),
])
def test_language_codes_fold(code: str, same_as: str) -> None:
    text = "Il a vu MM. Dupont. Вул. Хрещатик. Vi møtes kl. 9. Er kam z. B. heute. Sie ging."
    assert split_sentences(text, code) == split_sentences(text, same_as)


def test_every_table_at_once_splits_least() -> None:
    text = "Ayer vino el Dr. García. Wir trafen Dr. med. Meyer. Han kom kl. 9. Vino la Srta. Ledesma."
    merged = split_sentences(text, "*")
    assert all(len(merged) <= len(split_sentences(text, lang)) for lang in SERVED)
    # German ordinals count too: "9." never ends a sentence there
    assert merged == ["Ayer vino el Dr. García.", "Wir trafen Dr. med. Meyer.", "Han kom kl. 9. Vino la Srta. Ledesma."]


# --- no text lost, whatever the language ------------------------------------------------------

TRICKY = [
    "1.", "2.", "3.", "1)", "2)", "a.", "b.", "c)", "•", "• 9.", "⁃10.", ".", ". . .", "[...]", "(…)", "...en",
    ",,Ik", "morgen.''", "„Und", "Lust.“", "‚Komm", "her.‘", "l'Avv.", "dell’Ing.", "didn't.", "z.", "B.", "d.",
    "h.", "Dr.", "med.", "EE.", "UU..", "UU.", "г.", "гг.", "1998", "2010-2012", "Виктор", "пгт.", "Mio.", "3",
    "–", "—", "спросила", "Сегодня", "P.", "E.", "Pedersen.", "The", "Der", "How", "I.", "Inc.", "(“Acme”),",
    "Srta.", "proc.", "48,8", "XIX", "в.", "etc.)", "Ms.", "Wait...", "?", "!", "«Hjelp", "Ukraina»,", "end.",
]
WORDS = st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=6))
GAPS = st.sampled_from([" ", "  ", "\t", " \n ", "\u00a0"])


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, max_size=30))
    gaps = draw(st.lists(GAPS, min_size=len(words), max_size=len(words)))
    return "".join(word + gap for word, gap in zip(words, gaps))


@settings(max_examples=400, deadline=None)
@given(paragraphs(), st.sampled_from([*SERVED, "*", "xx"]))
def test_every_language_loses_nothing(paragraph: str, lang: str) -> None:
    sentences = split_sentences(paragraph, lang)
    assert " ".join(sentences) == " ".join(paragraph.split())
    assert all(s and s == " ".join(s.split()) for s in sentences)
