"""clean()'s context reading of page furniture: in a run that is mostly menu items, the other loose lines
(long labels, teaser headlines) go too, while sentences, lines with figures and the heading before prose stay."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, clean

PAGES = {
    "de": (["Startseite", "Politik", "Wirtschaft", "Neueste Nachrichten aus der ganzen Region heute"],
           "Der Rat beschließt den Haushalt für nächstes Jahr",
           "Der Stadtrat hat am Dienstag nach einer langen Debatte den Haushalt beschlossen.",
           ["Kontakt", "Impressum", "Datenschutz", "Alle Angebote unseres Hauses im Überblick"]),
    "no": (["Nyheter", "Sport", "Kultur", "Siste nytt fra hele landet akkurat nå"],
           "Bystyret vedtar budsjettet for neste år",
           "Bystyret vedtok budsjettet tirsdag etter en lang debatt.",
           ["Kontakt oss", "Personvern", "Om oss", "Alt innhold fra redaksjonen samlet her"]),
    "ru": (["Главная", "Политика", "Экономика", "Все новости региона за последние сутки"],
           "Городской совет утвердил бюджет на год",
           "Городской совет утвердил бюджет во вторник после долгих дебатов.",
           ["Контакты", "Архив", "О нас", "Все материалы редакции в одном месте"]),
}


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_loose_lines_in_a_menu_run_go_the_heading_and_the_sentence_stay(lang: str) -> None:
    header, heading, sentence, footer = PAGES[lang]
    result = clean("\n".join([*header, heading, sentence, *footer]))
    assert result.text == f"{heading}\n\n{sentence}"
    assert [(r.rule, r.text) for r in result.removed] == [("page_furniture", line) for line in header + footer]
    assert clean(result.text) == CleanResult(result.text, ())


def test_sentences_and_figures_in_a_menu_run_stay() -> None:
    raw = "\n".join(["Home", "World", "Business", "Sport", "Feel free to join the discussion below!",
                     "Seoul: 43 Jeongdong-gil, Jung-gu", "Tickets from 40,000 won on sale now",
                     "Contact", "About us", "Careers"])
    text = clean(raw).text
    assert text == ("Feel free to join the discussion below!\n\nSeoul: 43 Jeongdong-gil, Jung-gu\n\n"
                    "Tickets from 40,000 won on sale now")


WORDS = st.sampled_from(["the", "council", "met", "on", "Tuesday", "and", "agreed", "budget", "for", "schools",
                         "roads", "der", "Rat", "hat", "og", "bystyret", "vedtok", "совет", "утвердил", "бюджет"])
SENTENCE = st.builds(lambda words, end: " ".join(words).capitalize() + end,
                     st.lists(WORDS, min_size=3, max_size=14), st.sampled_from([".", "!", "?", "…"]))
PARAGRAPH = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=4, unique=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=12, unique=True))
def test_prose_paragraphs_lose_no_sentence(paragraphs: list[str]) -> None:
    """Distinct paragraphs of distinct sentences (an exact repeat is a copy, and goes by its own rule)."""
    result = clean("\n".join(paragraphs))
    assert result.text == "\n\n".join(paragraphs)
    assert result.removed == ()
