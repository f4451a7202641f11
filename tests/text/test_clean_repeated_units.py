"""Repeated units of a scraped page: a teaser column (headline, byline, a summary of a sentence or two) and a
comment thread (handle, date, a short comment) set apart from the article by page furniture go, even though each
summary and comment reads as prose; an article whose sections are a heading and a short paragraph stays whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, clean

MENU = ["Home", "News", "Sport", "Weather", "Culture", "Opinion", "Newsletters", "Podcasts"]
SHARE = ["Share this article", "Facebook", "Twitter", "Email"]
MORE = ["More from the newsroom", "Local", "World", "Business"]
FOOTER = ["About us", "Contact", "Privacy Policy", "Terms of Use", "Careers"]
TITLE = "The town that kept its railway"
INTRO = [
    (
        "When the regional line was to close ten years ago, the people of the valley did not give up on it. They "
        "collected money, wrote to every member of parliament and, in the end, ran the trains themselves."
    ),
    (
        "Today the line carries more passengers than it ever did under the state company, and the timetable has "
        "two more trains a day than it had when it was saved."
    ),
]
SECTIONS = [  # an article's own sections: a heading and one short paragraph each
    (
        "How the money was found",
        "The first year was paid for by a bake sale, a concert and a loan from the local savings bank. Nobody was paid "
        "for their work.",
    ),
    (
        "Who drives the trains",
        "Six of the drivers are retired staff of the old company. They train two young volunteers every spring.",
    ),
    (
        "What comes next",
        "The association wants to reopen the branch to the lake by the summer of next year. The county has promised "
        "to help with the bridge.",
    ),
]
TEASERS = [  # headline, byline, summary: repeated, after the article and its furniture
    (
        "Council backs plan for a new bridge over the river",
        "By Anna Berg",
        "The city will build a new bridge after years of delays, the mayor said on Monday. Work starts in the spring.",
    ),
    (
        "Schools to open an hour later in the winter months",
        "By Tom Hale",
        "Pupils will start at nine from November, the education board decided after a long and heated meeting.",
    ),
    (
        "Storm closes the coast road for the second time this week",
        "By Lena Moe",
        "The road along the coast was closed again on Tuesday night as waves washed stones onto it. It may open "
        "on Friday.",
    ),
    (
        "Local bakery wins the national bread prize",
        "By Per Dahl",
        "A small bakery in the old town has won the prize for the best rye bread in the country, its first award.",
    ),
]
COMMENTS = [  # handle, date, comment: repeated, after the teasers
    (
        "railfan_62",
        "March 3, 2024 at 9:14 am",
        "I rode this line last summer and it was wonderful. The volunteers were friendly and the views are great.",
    ),
    (
        "margit.o",
        "March 3, 2024 at 11:02 am",
        "My grandfather was one of the drivers who helped save it. We are all very proud of what they did.",
    ),
    (
        "tstorm",
        "March 4, 2024 at 8:47 pm",
        "Would be good to know whether the trains run on Sundays as well. The website does not say so anywhere.",
    ),
]


def texts(result: CleanResult) -> list[str]:
    return [paragraph for paragraph in result.text.split("\n\n") if paragraph]


def flat(units: list[tuple[str, ...]]) -> list[str]:
    return [line for unit in units for line in unit]


def page(article: list[str]) -> list[str]:
    return [*MENU, *article, *SHARE, *MORE, *flat(TEASERS), *MENU[:4], *flat(COMMENTS), *FOOTER]


def test_teasers_and_comments_set_apart_by_furniture_go_and_the_article_with_its_sections_stays_whole() -> None:
    article = [TITLE, *INTRO, *flat(SECTIONS)]
    result = clean("\n".join(page(article)))
    assert texts(result) == [*article, MORE[0]]  # the block reading keeps a heading-like line right after it
    removed = {removal.text: removal.rule for removal in result.removed}
    assert {removed[summary] for _, _, summary in TEASERS} == {"outside_article"}
    assert {removed[comment] for _, _, comment in COMMENTS} == {"outside_article"}
    assert clean(result.text) == CleanResult(result.text, ())


def test_without_them_the_page_keeps_the_teasers_and_comments() -> None:
    # the same page read by the rules alone: every summary and comment is prose, so it stays
    kept = texts(clean("\n".join(page([TITLE, *INTRO, *flat(SECTIONS)])), main_block=False))
    assert all(summary in kept for _, _, summary in TEASERS)
    assert all(comment in kept for _, _, comment in COMMENTS)


def test_an_article_that_is_a_list_of_short_sections_keeps_them_all() -> None:
    # the sections hold more of the article than its intro: the repeated units are the article, not teasers
    sections = [
        (f"{heading} ({n})", f"{paragraph} This was step {n}.") for n, (heading, paragraph) in enumerate(SECTIONS * 3)
    ]
    article = [TITLE, INTRO[1], *flat(sections)]
    result = clean("\n".join(page(article)))
    assert texts(result)[: len(article)] == article


def test_two_teasers_are_no_column() -> None:
    # fewer than three units in a row are no repeated pattern: a summary of two sentences is a prose run and stays
    teasers = [TEASERS[0], TEASERS[2]]
    lines = [*MENU, TITLE, *INTRO, *SHARE, *MORE, *flat(teasers), *FOOTER]
    kept = texts(clean("\n".join(lines)))
    assert kept[:3] == [TITLE, *INTRO]
    assert all(summary in kept for _, _, summary in teasers)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(SECTIONS), max_size=3, unique=True),
    st.lists(st.sampled_from(TEASERS), min_size=3, max_size=4, unique=True),
    st.lists(st.sampled_from(COMMENTS), min_size=3, max_size=3, unique=True),
)
def test_the_article_always_stays_whole_and_in_order(
    sections: list[tuple[str, str]], teasers: list[tuple[str, str, str]], comments: list[tuple[str, str, str]]
) -> None:
    article = [TITLE, *INTRO, *flat(sections)]
    lines = [*MENU, *article, *SHARE, *MORE, *flat(teasers), *MENU[:4], *flat(comments), *FOOTER]
    kept = texts(clean("\n".join(lines)))
    assert kept[: len(article)] == article
    assert not any(summary in kept for _, _, summary in teasers)
    assert not any(comment in kept for _, _, comment in comments)
