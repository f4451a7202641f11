"""No false flag on correct translations of the Norwegian seed's sentences (translated by hand)."""

from __future__ import annotations

import pytest

from conftest import NORWEGIAN_SEED, seed_text
from service.quality import check_translation

# (sentence of seeds/004, a correct English translation)
SEED_PAIRS = [
    ("Fragmenter fra en russisk missil, som ble skutt ned av ukrainske styrker, skal ha truffet et område med "
     "boligblokker i Kyiv.",
     "Fragments of a Russian missile, which was shot down by Ukrainian forces, reportedly hit an area of apartment "
     "blocks in Kyiv."),
    ("Ordfører i byen, Vitalij Klitschko, sier at hendelsen skal ha skjedd i Kurenivka-distriktet.",
     "The city's mayor, Vitali Klitschko, says the incident happened in the Kurenivka district."),
    ("Klitschko hevder at én person mistet livet og seks ble skadd da fragmentene traff området, ifølge "
     "nyhetsbyrået Interfax Ukraine.",
     "Klitschko says one person was killed and six were injured when the fragments hit the area, according to "
     "the news agency Interfax Ukraine."),
    ("Yuvgeny Guzenko skal ha sett det som skjedde fra en balkong i nabobygningen, ifølge Reuters.",
     "Yuvgeny Guzenko reportedly saw what happened from a balcony in the building next door, according to Reuters."),
    ("Flere steder i Kyiv har blitt rammet av angrep og eksplosjoner mandag.",
     "Several places in Kyiv were hit by attacks and explosions on Monday."),
    ("Nord i Kyiv skal to personer ha mistet livet etter at en fabrikk ble truffet av russiske artillerigranater.",
     "In northern Kyiv, two people were reportedly killed after a factory was hit by Russian artillery shells."),
    ("– Bistå med alle nødvendige våpen, skriver landets utenriksminister Dmytro Kuleba på Twitter mandag.",
     "– Help with all the necessary weapons, the country's foreign minister Dmytro Kuleba wrote on Twitter on "
     "Monday."),
    ("Natt til mandag ba Ukrainas president Volodymyr Zelenskyj Nato om å innføre en flyforbudssone over Ukraina.",
     "Overnight into Monday, Ukraine's President Volodymyr Zelensky asked NATO to impose a no-fly zone over "
     "Ukraine."),
    ("Det ble meldt om langvarige flyalarmer som skal ha gått i 19 av landets 24 regioner.",
     "Prolonged air raid alerts were reported in 19 of the country's 24 regions."),
    ("Flyalarmene skal ha gått i blant annet Kyiv, Kharkiv, Dnipro, Mykolajiv og Odesa.",
     "The air raid sirens reportedly sounded in Kyiv, Kharkiv, Dnipro, Mykolaiv and Odessa, among others."),
    ("Ukrainske myndigheter hevder at de har skutt ned fire russiske fly, blant dem tre helikoptre, det siste "
     "døgnet.",
     "Ukrainian authorities claim to have shot down four Russian aircraft, including three helicopters, in the "
     "past 24 hours."),
    ("Ukrainas visestatsminister, Irina Veresjtsjuk, meldte mandag at Ukraina og Russland var blitt enige om å "
     "opprette 10 humanitære korridorer mandag.",
     "Ukraine's Deputy Prime Minister, Iryna Vereshchuk, said on Monday that Ukraine and Russia had agreed to open "
     "10 humanitarian corridors on Monday."),
    ("160 biler fylt med ukrainske sivile, skal ha forlatt den beleirede byen Mariupol i retning den "
     "russisk-kontrollerte havnebyen Berdjansk som ligger sørvest for byen, mandag formiddag.",
     "160 cars filled with Ukrainian civilians reportedly left the besieged city of Mariupol on Monday morning, "
     "heading for the Russian-controlled port city of Berdyansk, southwest of the city."),
    ("Ifølge den ukrainske visestatsministeren har rundt 600–700 mennesker blitt evakuert fra Mariupol.",
     "According to the Ukrainian deputy prime minister, around 600-700 people have been evacuated from Mariupol."),
    ("Rundt 300.000 innbyggere skal fremdeles være igjen i byen.",
     "Around 300,000 residents are reportedly still in the city."),
    ("Minst 2500 mennesker skal ha mistet livet i den russiske beleiringen av Mariupol, ifølge Oleksij "
     "Arestovitsj.",
     "At least 2,500 people have reportedly died in the Russian siege of Mariupol, according to Oleksiy "
     "Arestovych."),
    ("Forsvarsministrene i Nato skal ha et ekstraordinært møte i Brüssel onsdag, for å diskutere den russiske "
     "invasjonen av Ukraina.",
     "NATO defence ministers will hold an extraordinary meeting in Brussels on Wednesday to discuss the Russian "
     "invasion of Ukraine."),
]


def test_the_pairs_are_the_seeds_own_sentences() -> None:
    text = " ".join(seed_text(NORWEGIAN_SEED).split())
    assert all(source in text for source, _ in SEED_PAIRS)


@pytest.mark.parametrize(("source", "target"), SEED_PAIRS, ids=range(len(SEED_PAIRS)))
def test_no_flag_on_a_correct_seed_translation(source: str, target: str) -> None:
    assert check_translation([(source, target)], "no") == []


def test_each_seed_pair_flags_a_changed_number_or_name() -> None:
    """The same pairs with one fact changed: every one is caught (the check is not blind on these sentences)."""
    swaps = {"six": "seven", "two": "three", "19": "17", "10": "12", "160": "16", "300,000": "30,000",
             "2,500": "25,000", "Klitschko": "Kuleba", "Reuters": "AFP", "Mariupol": "Kherson", "four": "five"}
    changed = 0
    for source, target in SEED_PAIRS:
        for old, new in swaps.items():
            if f" {old} " in f" {target} ":
                wrong = f" {target} ".replace(f" {old} ", f" {new} ", 1).strip()
                assert check_translation([(source, wrong)], "no"), (old, new, target)
                changed += 1
                break
    assert changed >= 8
