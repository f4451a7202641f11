"""Numbers, dates, times and names as mentions: locale formats, number words per language, transliteration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.quality import check_pair, numeric_mentions, same_name, skeleton
from service.quality.extract import readings


@pytest.mark.parametrize(("raw", "values"), [
    ("1.000,5", {"1000.5"}), ("1,000.5", {"1000.5"}), ("300.000", {"300000", "300"}), ("1,500", {"1500", "1.5"}),
    ("2,5", {"2.5"}), ("1.000.000", {"1000000"}), ("300 000", {"300000"}), ("12\u00a0500,25", {"12500.25"}),
    ("2022", {"2022"}),
])
def test_digit_readings_cover_both_locales(raw: str, values: set[str]) -> None:
    assert readings(raw) == {Decimal(v) for v in values}


@pytest.mark.parametrize(("text", "lang", "keys"), [
    ("seks", "nb", {"num:6"}), ("fem", "da", {"num:5"}), ("zwei", "de", {"num:2"}), ("один", "ru", {"num:1"}),
    ("zweiundzwanzig", "de", {"num:22"}), ("tjuefem", "nb", {"num:25"}), ("enogtyve", "da", {"num:21"}),
    ("twenty-five", "en", {"num:25"}), ("two hundred and five", "en", {"num:205"}),
    ("2,5 millioner", "nb", {"num:2500000"}), ("3 mld", "pl", {"num:3000000000"}), ("п'ять", "uk", {"num:5"}),
    ("vingt et un", "fr", {"num:21"}), ("treinta y uno", "es", {"num:31"}), ("tredje", "sv", {"num:3"}),
    ("fourth", "en", {"num:4"}), ("ventitré", "it", set()), ("dreihundertfünf", "de", {"num:305"}),
])
def test_number_words(text: str, lang: str, keys: set[str]) -> None:
    found = [m for m in numeric_mentions(text, lang) if m.kind == "number"]
    assert (found[0].keys if found else set()) == keys


def test_ambiguous_words_are_weak() -> None:
    [one] = numeric_mentions("en", "nb")
    assert one.weak and one.keys == {"num:1"}
    [six] = numeric_mentions("seks", "nb")
    assert not six.weak


@pytest.mark.parametrize(("text", "lang", "keys"), [
    ("3. mai", "nb", ["num:3", "month:5"]), ("May 3", "en", ["month:5", "num:3"]), ("mandag", "nb", ["weekday:1"]),
    ("14. März", "de", ["num:14", "month:3"]), ("15 березня", "uk", ["num:15", "month:3"]),
    ("в среду", "ru", ["weekday:3"]), ("He may go", "en", []), ("in March", "en", []),
])
def test_dates(text: str, lang: str, keys: list[str]) -> None:
    assert [k for m in numeric_mentions(text, lang) for k in sorted(m.keys)] == keys


def test_times_match_across_clock_formats() -> None:
    assert check_pair("Det skjedde kl. 14.30 i dag.", "It happened at 2:30 p.m. today.", "nb") == []
    assert check_pair("Es geschah um 14:30 Uhr.", "It happened at 14:30.", "de") == []
    [flag] = check_pair("Det skjedde kl. 14.30 i dag.", "It happened at 3:30 p.m. today.", "nb")
    assert flag.kind == "time_changed"


def test_numeric_dates() -> None:
    assert check_pair("Avtalen ble signert 14.03.2022.", "The deal was signed on 14 March 2022.", "nb") == []
    [flag] = check_pair("Avtalen ble signert 14.03.2022.", "The deal was signed on 14 May 2022.", "nb")
    assert flag.kind == "date_changed"


@pytest.mark.parametrize(("a", "b"), [
    ("Klitschko", "Klytschko"), ("Kyiv", "Kiev"), ("Кличко", "Klitschko"), ("Vitalij", "Vitaly"),
    ("Zelenskyj", "Zelensky"), ("Veresjtsjuk", "Vereshchuk"), ("Зеленський", "Zelensky"), ("Brüssel", "Brussels"),
    ("Ukrainas", "Ukraine's"), ("Russland", "Russia"),
])
def test_transliterations_are_one_name(a: str, b: str) -> None:
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize(("a", "b"), [("Kyiv", "Kharkiv"), ("Mariupol", "Marinka"), ("Klitschko", "Kuleba"),
                                      ("Malmö", "Stockholm"), ("Scholz", "Merz")])
def test_different_names_differ(a: str, b: str) -> None:
    assert not same_name(a, b)


_NAME = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzæøåäöüабвгдежзиклмнопрстуфхцчшщ"), min_size=2, max_size=12)


@given(_NAME)
def test_a_name_is_itself(name: str) -> None:
    capitalised = name.capitalize()
    assert same_name(capitalised, capitalised) == bool(skeleton(capitalised))


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**6))
def test_any_integer_survives_locale_formatting_and_a_change_is_caught(n: int, delta: int) -> None:
    german, english = f"{n:,}".replace(",", "."), f"{n:,}"
    assert check_pair(f"Es waren {german} Menschen.", f"There were {english} people.", "de") == []
    changed = f"{n + delta:,}"
    if not readings(changed) & readings(german):
        assert [f.kind for f in check_pair(f"Es waren {german} Menschen.", f"There were {changed} people.", "de")] \
            == ["number_changed"]


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=1, max_value=99))
def test_any_decimal_survives_the_comma_to_point_switch(whole: int, hundredths: int) -> None:
    assert check_pair(f"Prisen steg {whole},{hundredths:02d} prosent.",
                      f"The price rose {whole}.{hundredths:02d} percent.", "nb") == []
