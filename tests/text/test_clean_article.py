"""clean() on a whole page dumped as text: the article's main block stays whole, prose beyond a long stretch of
page furniture goes as `outside_article`, comments after the article go, and an article without page around it
(or with a list or a table inside) is left alone. tests/text/test_clean_prose_kept.py covers what the main-block
reading never drops."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, clean


def clean_page(raw: str, **kwargs: object) -> CleanResult:
    """clean() with the main-block step these tests are about (the default)."""
    return clean(raw, main_block=True)


ARTICLE = [
    ("The council approved the budget on Tuesday after a long debate that ran well into the night, and the mayor "
     "said that schools and roads would get most of the money in the coming year."),
    ("Opposition members said the plan was too expensive for a city of its size and that they would keep fighting "
     "it at every meeting until the next election in the spring."),
    ("The mayor said the city had waited for years and that the vote was a turning point for the people who had "
     "asked for better roads, safer schools and cleaner parks."),
]
TEASER = ("A new bridge will open in the spring after years of delays and a long fight over the cost of the project, "
          "the city said on Monday in a statement to the press.")
HEADER = ["Home", "World", "Business", "Sport", "Share this article", "Advertisement", "Facebook", "Twitter"]
FOOTER = ["Share this article", "Advertisement", "More stories", "Subscribe", "Search", "Menu", "Advertisement",
          "Close", TEASER, "Latest news", "Contact", "About us"]
LIST = ["Writing a blog post", "Writing a piece of email marketing", "Speaking to someone on the phone",
        "Sending the newsletter", "Speaking to someone on a video call", "Presenting a live webinar",
        "Publishing and promoting a book", "Hosting a live video on a social media platform"]


def rules_of(result: CleanResult) -> dict[str, str]:
    return {removal.text: removal.rule for removal in result.removed}


def test_prose_beyond_the_page_furniture_goes_and_the_article_stays_whole() -> None:
    result = clean_page("\n".join(HEADER + ARTICLE + FOOTER))
    assert result.text == "Sport\n\n" + "\n\n".join(ARTICLE)
    removed = rules_of(result)
    assert removed[TEASER] == "outside_article"
    assert [removed[line] for line in ("Home", "World", "Business", "Latest news", "Contact", "About us")] == [
        "outside_article"] * 6
    assert clean_page(result.text) == CleanResult(result.text, ())


def test_a_list_inside_the_article_is_crossed() -> None:
    # five bare items; a list of bullet or numbered items is never a stretch of furniture, however long
    raw = "\n".join(HEADER + ARTICLE[:2] + LIST[:5] + ARTICLE[2:] + FOOTER)
    text = clean_page(raw).text
    assert all(paragraph in text for paragraph in ARTICLE + LIST[:5])
    assert TEASER not in text
    bullets = [f"- {item}" for item in LIST * 2]
    text = clean_page("\n".join(HEADER + ARTICLE[:2] + bullets + ARTICLE[2:] + FOOTER)).text
    assert all(paragraph in text for paragraph in ARTICLE + bullets)


def test_a_table_inside_the_article_is_crossed() -> None:
    rows = [cell for n in range(1, 9) for cell in ("DL", f"Player Number{n}", f"{n * 7}", f"{n * 9}%")]
    text = clean_page("\n".join(HEADER + ARTICLE[:1] + rows + ARTICLE[1:] + FOOTER)).text
    assert all(paragraph in text for paragraph in ARTICLE)


def test_comments_end_the_article() -> None:
    comment = ("I think this is exactly what the city needed, and I hope that the council keeps its promise to "
               "fix the roads in our part of town before the winter comes.")
    raw = "\n".join(ARTICLE + ["Comments", "Jane Doe on September 12, 2018 at 4:47 pm said:", comment,
                               "John Roe on September 13, 2018 at 5:23 pm said:", comment + " Me too."])
    result = clean_page(raw)
    assert result.text == "\n\n".join(ARTICLE)
    removed = rules_of(result)
    assert removed["Jane Doe on September 12, 2018 at 4:47 pm said:"] == "comment_byline"
    assert removed[comment] == "outside_article"


def test_a_page_copied_twice_keeps_one_copy() -> None:
    raw = "\n".join(HEADER + ARTICLE + HEADER + ARTICLE + FOOTER)
    result = clean_page(raw)
    assert result.text.count(ARTICLE[0]) == 1 and all(paragraph in result.text for paragraph in ARTICLE)


def test_an_article_without_a_page_around_it_is_left_alone() -> None:
    for raw in ("\n".join(ARTICLE[:1] + LIST + ARTICLE[1:]), "\n".join(["Budget approved"] + ARTICLE + [TEASER])):
        assert clean_page(raw).text == raw.replace("\n", "\n\n")


PAGE_LINES = HEADER + FOOTER + ARTICLE + LIST + ["Jane Doe on September 12, 2018 at 4:47 pm said:", "12", "-"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PAGE_LINES), max_size=40))
def test_pages_clean_to_a_fixed_point(lines: list[str]) -> None:
    first = clean_page("\n".join(lines))
    assert clean_page(first.text) == CleanResult(first.text, ())
    kept = [paragraph for paragraph in first.text.split("\n\n") if paragraph]
    assert all(paragraph in lines for paragraph in kept)


def test_comment_lines() -> None:
    for line, rule in [("[ 167 comments ]", "comment_count"), ("8 comments", "comment_count"),
                       ("Comments (12)", "comment_count"), ("Read All Comments", "comment_count"),
                       ("Alex on September 17, 2018 at 6:34 am said:", "comment_byline")]:
        assert clean_page(line).removed[0].rule == rule
    for sentence in ("Speaking at the rally at 8:30 pm, the president said:", "He has 8 comments on the plan."):
        assert clean_page(sentence) == CleanResult(sentence, ())


def test_the_main_block_step_is_the_default_and_can_be_turned_off() -> None:
    raw = "\n".join(HEADER + ARTICLE + FOOTER)
    assert clean(raw) == clean(raw, main_block=True)
    assert "outside_article" in {removal.rule for removal in clean(raw).removed}
    assert "outside_article" not in {removal.rule for removal in clean(raw, main_block=False).removed}
