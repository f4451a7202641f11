"""Fidelity flags on hand-made translation pairs in every served language, and on summaries."""

from __future__ import annotations

import pytest

from service.quality import Flag, check_pair, check_summary, check_translation, needs_review

# (language, source, a correct English translation, a wrong one, the flag kind the wrong one must raise)
PAIRS = [
    ("nb", "Seks personer ble skadd i Kyiv mandag, sier ordfører Vitalij Klitschko.",
     "Six people were injured in Kyiv on Monday, says Mayor Vitaly Klitschko.",
     "Five people were injured in Kyiv on Monday, says Mayor Vitaly Klitschko.", "number_changed"),
    ("nb", "Seks personer ble skadd i Kyiv mandag, sier ordfører Vitalij Klitschko.",
     "Six people were injured in Kiev on Monday, says Mayor Vitali Klytschko.",
     "Six people were injured in Kyiv on Monday, says Mayor Vitaly Kuleba.", "name_changed"),
    ("nb", "Seks personer ble skadd i Kyiv mandag, sier ordfører Vitalij Klitschko.",
     "Six people were injured in Kyiv on Monday, says Mayor Vitaly Klitschko.",
     "Six people were injured in Kyiv on Tuesday, says Mayor Vitaly Klitschko.", "date_changed"),
    ("nn", "Fem menneske døydde i Bergen 3. mai 2022.",
     "Five people died in Bergen on 3 May 2022.",
     "Five people died in Bergen on 3 March 2022.", "date_changed"),
    ("da", "Regeringen bruger 2,5 milliarder kroner på 1.000 nye boliger i Aarhus.",
     "The government is spending 2.5 billion kroner on 1,000 new homes in Aarhus.",
     "The government is spending 2.5 million kroner on 1,000 new homes in Aarhus.", "number_changed"),
    ("sv", "Tjugo personer greps i Malmö på fredagen, enligt polisen.",
     "Twenty people were arrested in Malmö on Friday, according to the police.",
     "Twenty people were arrested in Stockholm on Friday, according to the police.", "name_changed"),
    ("is", "Þrír menn slösuðust í Reykjavík á mánudag.",
     "Three men were injured in Reykjavik on Monday.",
     "Four men were injured in Reykjavik on Monday.", "number_changed"),
    ("de", "Am Montag wurden in Berlin zweiundzwanzig Menschen verletzt, sagte Bundeskanzler Olaf Scholz.",
     "On Monday, twenty-two people were injured in Berlin, said Chancellor Olaf Scholz.",
     "On Monday, twenty-two people were injured in Berlin, said Chancellor Olaf Merz.", "name_changed"),
    ("de", "Am Montag wurden in Berlin zweiundzwanzig Menschen verletzt, sagte Bundeskanzler Olaf Scholz.",
     "On Monday, 22 people were injured in Berlin, said Chancellor Olaf Scholz.",
     "On Monday, 32 people were injured in Berlin, said Chancellor Olaf Scholz.", "number_changed"),
    ("fr", "Le 14 juillet, 1 500 personnes ont manifesté à Lyon, selon la préfecture.",
     "On 14 July, 1,500 people demonstrated in Lyon, according to the prefecture.",
     "On 14 July, 15,000 people demonstrated in Lyon, according to the prefecture.", "number_changed"),
    ("es", "El presidente Pedro Sánchez anunció el martes un plan de 3.000 millones de euros.",
     "President Pedro Sánchez announced on Tuesday a plan worth 3 billion euros.",
     "President Pedro Sánchez announced on Thursday a plan worth 3 billion euros.", "date_changed"),
    ("it", "Tre persone sono morte a Milano giovedì 12 gennaio.",
     "Three people died in Milan on Thursday 12 January.",
     "People died in Milan on Thursday 12 January.", "number_dropped"),
    ("nl", "Burgemeester Femke Halsema zei dat er vrijdag twaalf mensen gewond raakten in Amsterdam.",
     "Mayor Femke Halsema said that twelve people were injured in Amsterdam on Friday.",
     "Mayor Femke Halsema said that twelve people were injured and 3 died in Amsterdam on Friday.", "number_added"),
    ("pl", "W Warszawie zginęło pięć osób, a 20 zostało rannych w sobotę.",
     "Five people were killed in Warsaw and 20 were injured on Saturday.",
     "Five people were killed in Krakow and 20 were injured on Saturday.", "name_changed"),
    ("ru", "В понедельник в Киеве погибли два человека, сообщил мэр Виталий Кличко.",
     "Two people were killed in Kyiv on Monday, Mayor Vitaly Klitschko said.",
     "Two people were killed in Kyiv on Sunday, Mayor Vitaly Klitschko said.", "date_changed"),
    ("uk", "У Харкові 15 березня загинули три людини.",
     "Three people were killed in Kharkiv on 15 March.",
     "Three people were killed in Kharkiv on 16 March.", "number_changed"),
    ("uk", "У Харкові 15 березня загинули три людини.",
     "Three people were killed in Kharkiv on 15 March.",
     "Three people were killed on 15 March.", "name_dropped"),
]


def kinds(flags: list[Flag]) -> list[str]:
    return [f.kind for f in flags]


@pytest.mark.parametrize(("lang", "source", "good", "bad", "kind"), PAIRS, ids=[f"{p[0]}-{p[4]}" for p in PAIRS])
def test_a_correct_translation_raises_no_flag(lang: str, source: str, good: str, bad: str, kind: str) -> None:
    assert check_pair(source, good, lang) == []


@pytest.mark.parametrize(("lang", "source", "good", "bad", "kind"), PAIRS, ids=[f"{p[0]}-{p[4]}" for p in PAIRS])
def test_a_wrong_translation_raises_exactly_its_flag(lang: str, source: str, good: str, bad: str, kind: str) -> None:
    assert kinds(check_pair(source, bad, lang, 7)) == [kind]
    [flag] = check_pair(source, bad, lang, 7)
    assert flag.sentence == 7
    assert (flag.source is None) == kind.endswith("_added") and (flag.target is None) == kind.endswith("_dropped")


def test_flag_spans_name_both_sides() -> None:
    [flag] = check_pair("Rundt 300.000 innbyggere er igjen i byen.", "About 30,000 residents remain in the city.", "nb")
    assert flag == Flag(0, "number_changed", "300.000", "30,000", "number '300.000' became '30,000'")


def test_locale_formats_and_number_words_agree() -> None:
    pairs = [("Det kostet 1.000,5 kroner, 25 prosent mer, kl. 14.30.", "It cost 1,000.5 kroner, 25% more, at 2:30 pm."),
             ("Seks av ti sa ja, skriver NTB.", "Six out of 10 said yes, NTB writes."),
             ("Hun kom på tredje plass, den fjerde gangen.", "She came third, the 4th time."),
             ("Prisen var 1,000 euro for 300 000 innbyggere.", "The price was 1.000 euros for 300,000 inhabitants.")]
    assert check_translation(pairs, "nb") == []


def test_unit_change_is_flagged() -> None:
    [flag] = check_pair("Køen var 10 mil lang.", "The queue was 10 miles long.", "nb")
    assert flag.kind == "unit_changed" and "scandinavian_mile" in flag.source


def test_a_percent_kept_as_a_word_or_sign_is_fine() -> None:
    assert check_pair("Prisene steg med 4,5 prosent i fjor.", "Prices rose by 4.5% last year.", "nb") == []


def test_ambiguous_number_words_are_never_flagged() -> None:
    # "en" is both "a" and "one": neither its loss nor an English "one" from an article is a flag
    assert check_pair("En mann ble pågrepet i går.", "A man was arrested yesterday.", "nb") == []
    assert check_pair("Han fikk en bot.", "He got one fine.", "nb") == []


def test_untranslated_output_is_flagged() -> None:
    source = "Redningspersonell skal være på stedet, og beboere får hjelp til å forlate området."
    assert kinds(check_pair(source, source, "nb")) == ["untranslated"]


def test_length_outside_the_band_is_flagged() -> None:
    source = "Redningspersonell skal være på stedet."
    target = "Rescue workers are said to be at the scene, and they are said to be at the scene for a long while now."
    assert kinds(check_pair(source, target, "nb")) == ["length_ratio"]
    assert kinds(check_pair(source + " Og beboere får hjelp til å forlate området nå.", "Rescue workers.", "nb")) == [
        "length_ratio"]


def test_repetition_guard_is_a_flag_at_its_sentence() -> None:
    pairs = [("Det regnet.", "It rained."), ("Det snødde.", "It snowed.")]
    flags = check_translation(pairs, "nb", repeat_guarded={1}, sentences=[4, 5])
    assert [(f.sentence, f.kind) for f in flags] == [(5, "repetition")]
    assert needs_review(flags) and not needs_review(check_translation(pairs, "nb"))


def test_sentence_indices_must_match_pairs() -> None:
    with pytest.raises(ValueError, match="2 pairs but 1 sentence"):
        check_translation([("a", "a"), ("b", "b")], "nb", sentences=[0])


ARTICLE = ("Six people were killed in Kyiv on Monday, Mayor Vitali Klitschko said. "
           "Russia fired 12 missiles at the capital, according to the Ukrainian air force.")


def test_a_faithful_summary_has_no_unsupported_facts() -> None:
    assert check_summary("Russia fired twelve missiles at Kyiv, killing six people, Klitschko said.", ARTICLE) == []


def test_summary_facts_missing_from_the_article_are_flagged() -> None:
    flags = check_summary("Seven people were killed in Kyiv. President Zelensky condemned the attack on Tuesday.",
                          ARTICLE)
    assert [(f.sentence, f.kind, f.source, f.target) for f in flags] == [
        (0, "unsupported_number", None, "Seven"),
        (1, "unsupported_date", None, "Tuesday"),
        (1, "unsupported_name", None, "Zelensky"),
    ]
