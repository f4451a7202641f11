"""What the main-block reading of a scraped page never drops: runs of article prose, wherever they lie, and the
list or table right next to kept text, so that a page that is mostly a list keeps it; and the rules that mark a
comment thread and teasers' time stamps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, clean

MENU = ["Home", "News", "Sport", "Weather", "Culture", "Opinion", "Newsletters", "Podcasts", "Video", "Games"]
SHARE = ["Share this article", "Facebook", "Twitter", "Email", "Advertisement"]
INTRO = [
    ("If you have tried our spring plan, you have seen how regular meals keep your energy up through the day. "
     "This menu follows the same rules, so you can keep the portions you already know."),
    ("It works for both the three-week and the six-week programme, so there is no need to start again when you "
     "finish one of them. Now get cooking!"),
]
MEAL_LIST = [
    "Menu for Plan A", "Breakfast", "Eat within an hour of waking up",
    "Oatmeal with berries [1 cup oats, ½ cup blueberries, 1 tsp. honey]", "Portions: 1 Yellow, 1 Purple, 1 tsp.",
    "Pro tip: Soak the oats the night before!", "Morning snack: 1 apple, 2 Tbsp. peanut butter", "Lunch",
    "Eat every 3 hours", "Chicken salad (4 oz. chicken, 2 cups greens, 1 Tbsp. dressing)",
    "Portions: 2 Green, 1 Red, 1 tsp.", "Dinner", "Salmon with rice (4 oz. salmon, ½ cup rice)",
    "Portions: 1 Red, 1 Yellow.",
]
RELATED = ["Related articles", "Why breakfast matters", "Five quick salads", "A week of soups"]
DISCLAIMER = [
    ("The information on this website is for education only and is not a substitute for advice from your doctor. "
     "Results vary with your starting point, your goals and your effort."),
    ("Consult your physician before you begin any diet or exercise programme. These statements have not been "
     "evaluated by any authority."),
]
FOOTER = ["About us", "Contact", "Privacy Policy", "Terms of Use", "Careers",
          "© 2024 Example Media. All rights reserved."]
TEASERS = ["Council backs new bridge",
           "The city will build a new bridge over the river after years of delays, the mayor said on Monday.",
           "Schools to open later", "Storm closes the coast road"]


def texts(result: CleanResult) -> list[str]:
    return [paragraph for paragraph in result.text.split("\n\n") if paragraph]


def test_a_page_that_is_mostly_a_list_keeps_its_article_whole() -> None:
    title = "Meal prep for the six-week plan"  # the heading right before the article stays with it
    page = [*MENU, *SHARE, title, *INTRO, *MEAL_LIST, *RELATED, *SHARE, *DISCLAIMER, *FOOTER]
    result = clean("\n".join(page))
    assert texts(result) == [title, *INTRO, *MEAL_LIST, *DISCLAIMER]
    removed = {removal.text: removal.rule for removal in result.removed}
    assert [removed[item] for item in ("Home", "Games", "Careers")] == ["outside_article"] * 3
    assert removed["Related articles"] == "read_more"
    assert clean(result.text) == CleanResult(result.text, ())


def test_a_run_of_prose_far_from_the_main_block_stays_and_a_lone_teaser_goes() -> None:
    article = [paragraph for paragraph in INTRO for _ in range(2)]
    article = [f"{paragraph} Part {n}." for n, paragraph in enumerate(article)]
    page = MENU + article + SHARE + TEASERS + SHARE + MENU + DISCLAIMER + FOOTER
    result = clean("\n".join(page))
    assert texts(result) == article + DISCLAIMER
    assert {removal.text: removal.rule for removal in result.removed}[TEASERS[1]] == "outside_article"


def test_a_comment_thread_header_ends_the_article() -> None:
    comments = ["12 thoughts on “Meal prep for the six-week plan”", "joetoronto says:",
                "This is exactly what I needed, and I will try the salmon this week. Thank you so much for it!",
                "v2787 says:", "I would like to see a version without fish. My kids do not eat it at all, sadly."]
    page = MENU + INTRO + DISCLAIMER + SHARE + comments + FOOTER
    result = clean("\n".join(page))
    assert texts(result) == INTRO + DISCLAIMER
    removed = {removal.text: removal.rule for removal in result.removed}
    # the header and the first handle read as one wrapped paragraph: the lower-case handle continues the line
    assert removed[f"{comments[0]} {comments[1]}"] == "comment_header"
    assert removed["v2787 says:"] == "comment_handle"
    assert removed[comments[2]] == removed[comments[4]] == "outside_article"


@pytest.mark.parametrize("line", [
    "8H ago", "2 days ago at 07:52 am", "an hour ago", "yesterday at 10:15", "for 3 timer siden", "3 dager siden",
    "för 2 timmar sedan", "vor 2 Stunden", "il y a 5 minutes", "hace 3 horas", "2 ore fa", "3 uur geleden",
    "5 godzin temu", "5 минут назад", "2 години тому",
])
def test_relative_times_of_their_own_go(line: str) -> None:
    assert clean(line, main_block=False) == CleanResult("", (clean(line).removed[0],))
    assert clean(line).removed[0].rule == "relative_time"


@pytest.mark.parametrize("line", [
    "He left 3 days ago.", "For 3 years", "vor 3 Toren", "Today at the meeting", "Smith says:", "she says:",
    "Speaking on Monday, the minister says:",
])
def test_lines_like_a_time_stamp_or_a_comment_header_stay(line: str) -> None:
    assert clean(line) == CleanResult(line, ())


PROSE = [  # real article sentences in served languages, two to a paragraph
    "The council approved the budget on Tuesday after a long debate. Schools and roads get most of the money.",
    "Der Stadtrat hat den Haushalt am Dienstag nach einer langen Debatte beschlossen. Die Schulen bekommen mehr Geld.",
    "Le conseil a adopté le budget mardi après un long débat. Les écoles et les routes reçoivent la plus grande part.",
    "Bystyret vedtok budsjettet på tirsdag etter en lang debatt. Skolene og veiene får mest av pengene.",
    "El consejo aprobó el presupuesto el martes tras un largo debate. Las escuelas y las carreteras reciben más.",
    "Rada miasta przyjęła budżet we wtorek po długiej debacie. Szkoły i drogi dostaną najwięcej pieniędzy.",
    "Городской совет утвердил бюджет во вторник после долгих споров. Школы и дороги получат больше всего денег.",
]
ITEMS = ["Breakfast", "Oatmeal with berries [1 cup oats, ½ cup blueberries]", "Portions: 1 Yellow, 1 Purple, 1 tsp.",
         "Lunch", "Eat every 3 hours", "DL", "Larry Ogunjobi", "63", "85%", "1 tackle (1 combined)."]
FURNITURE = MENU + SHARE + FOOTER + TEASERS + RELATED + ["Most read", "8H ago", "Sign in", "Subscribe"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(FURNITURE), max_size=25),
    st.lists(st.sampled_from(PROSE), min_size=2, max_size=6, unique=True),
    st.lists(st.lists(st.sampled_from(ITEMS), max_size=6), min_size=6, max_size=6),
    st.lists(st.sampled_from(FURNITURE), max_size=25),
)
def test_no_article_sentence_is_dropped_and_order_is_kept(
    header: list[str], article: list[str], lists: list[list[str]], footer: list[str]
) -> None:
    # the article opens with two paragraphs of prose; lists may follow any of its paragraphs
    body = [*article[:2], *(line for paragraph, items in zip(article[2:], lists) for line in (*items, paragraph))]
    result = clean("\n".join(header + body + lists[-1] + footer))
    kept = texts(result)
    assert all(paragraph in kept for paragraph in article)
    lines = header + body + lists[-1] + footer
    position = 0
    for paragraph in kept:  # every kept paragraph is an input line, in input order
        position = lines.index(paragraph, position) + 1
