"""Numeric claims with their subject and source, grouped, with the disagreements the seeds hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.desk.facts import claims, facts

from .support import OUTLETS, seed_texts


def stated(text: str) -> list[tuple[str, str, int | None, int | None, str | None]]:
    return [(c.subject, c.statement, c.low, c.high, c.source) for c in claims(text, "outlet", "a")]


def test_counts_with_number_words_qualifiers_and_subjects() -> None:
    assert stated("At least one person was killed and several others were injured.") == [
        ("killed", "at least one", 1, None, None),
        ("injured", "several", None, None, None),
    ]
    assert stated("One of them struck a 25-storey building, wounding at least 10 people.") == [
        ("injured", "at least 10", 10, None, None)
    ]
    assert stated("Russia fired five cruise missiles and more than 1,200 people were evacuated.") == [
        ("evacuated", "more than 1,200", 1201, None, None),
        ("missiles", "five", 5, 5, None),
    ]
    assert stated("The 25-storey tower and 2022 plans were discussed by 100 experts.") == []


def test_sources_are_who_the_sentence_says_said_it() -> None:
    assert stated("The city's mayor said Russia fired two missiles.")[0][4] == "the city's mayor"
    assert stated("Two buildings were hit, according to Interfax Ukraine.")[0][4] == "Interfax Ukraine"
    quote = "President Zelensky said the attack needed a response.\n\n“Five missiles. It says a lot,” he said."
    assert stated(quote) == [("missiles", "Five".lower(), 5, 5, "President Zelensky")]


def test_the_seeds_disagree_on_the_injured_and_the_missiles() -> None:
    texts = seed_texts()
    found = [c for key in ("000", "001", "002") for c in claims(texts[key], OUTLETS[key], key)]
    by_subject = {f.subject: f for f in facts(found)}
    assert by_subject["killed"].line == "at least one killed (The Independent, rescue officials)"
    assert not by_subject["killed"].disagreement
    assert by_subject["injured"].disagreement
    assert by_subject["injured"].line == (
        "several injured (The Independent, rescue officials); at least 10 injured (The Telegraph)"
    )
    assert by_subject["missiles"].disagreement
    assert by_subject["missiles"].line == (
        "five missiles (The Telegraph, President Zelensky); two missiles (Reuters, the city's mayor)"
    )


def test_counts_that_can_both_be_right_are_no_disagreement() -> None:
    def disagree(first: str, second: str) -> bool:
        return facts(claims(first, "A", "a") + claims(second, "B", "b"))[0].disagreement

    assert not disagree("Five missiles hit the city.", "5 missiles hit the city.")
    assert not disagree("At least two buildings were hit.", "Two buildings were hit.")
    assert disagree("Five missiles hit the city.", "Two missiles hit the city.")
    assert disagree("At least 10 people were injured.", "Several people were injured.")
    assert not disagree("Several people were injured.", "Many people were injured.")


@given(st.integers(min_value=11, max_value=10**6))
def test_any_stated_count_is_read_back(count: int) -> None:
    text = f"At least {count:,} people were injured."
    assert stated(text) == [("injured", f"at least {count:,}", count, None, None)]
