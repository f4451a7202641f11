"""clean(): exactly the boilerplate goes, every real sentence stays, and cleaning twice changes nothing."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, Removal, clean, split_paragraphs, split_sentences

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))

EXPECTED_REMOVALS: dict[str, list[tuple[str, str, int]]] = {
    "000": [
        ("promo_link", "‘Credible information’ Russia executed Ukrainians trying to surrender – latest updates", 5),
        ("read_more", "Read more:", 27),
        ("related_link", "How the Azovstal steelworks turned into the final outpost in the brutal battle for Mariupol", 28),
        ("related_link", "What happened in Bucha and did Russian soldiers commit war crimes?", 29),
        ("video_notice", "Please use Chrome browser for a more accessible video player", 31),
    ],
    "001": [
        ("follow_updates", "Follow the latest updates below.", 10),
        ("timestamp", "02:42 AM", 11),
        ("timestamp", "02:25 AM", 13),
        ("embedded_content", "[embedded content]", 15),
        ("timestamp", "01:49 AM", 16),
        ("timestamp", "01:42 AM", 22),
        ("timestamp", "01:19 AM", 27),
        *[("lone_bullet", "-", line) for line in range(29, 44, 2)],
    ],
    "002": [
        ("story_label", "STORY:", 3),
        ("comment_notice", "Our goal is to create a safe and engaging place for users to connect over interests and "
                           "passions. In order to improve our community experience, we are temporarily suspending "
                           "article commenting", 29),
    ],
    "003": [],
    "004": [
        ("javascript_notice", "Du trenger javascript for å se video.", 9),
        ("duplicate_sentence", "En eksplosjon i Kyiv førte til skader på bygninger og kjøretøy.", 9),
        ("photo_credit", "Foto: Kyiv kommune", 19),
        ("photo_credit", "Foto: AFP", 33),
        ("photo_credit", "Foto: AFP", 41),
        ("photo_credit", "Foto: AP", 47),
        ("photo_credit", "Foto: AZOV REGIMENT PRESS SERVICE / Reuters", 67),
        ("source", "Kilde: Institute for the Study of War / Rochan Consulting / NRK", 77),
    ],
}
PARAGRAPHS = {"000": 30, "001": 29, "002": 14, "003": 16, "004": 42}


def seed(key: str) -> tuple[str, str]:
    [path] = [p for p in SEEDS if p.name.startswith(key)]
    return path.read_text(encoding="utf-8"), "no" if key == "004" else "en"


def surviving_sentences(raw: str, removed: tuple[Removal, ...], lang: str) -> list[str]:
    """The sentences of every input line, less what the report says was cut from that line."""
    cut = defaultdict(list)
    for removal in removed:
        cut[removal.line].append(removal.text)
    sentences = []
    for number, line in enumerate(raw.split("\n"), start=1):
        for fragment in cut[number]:
            assert fragment in line, f"line {number} does not hold {fragment!r}"
            line = line.replace(fragment, "", 1)
        sentences.extend(split_sentences(line, lang))
    return sentences


@pytest.mark.parametrize("key", sorted(EXPECTED_REMOVALS))
def test_seed_removals_are_exact(key: str) -> None:
    raw, _ = seed(key)
    result = clean(raw)
    assert [(r.rule, r.text, r.line) for r in result.removed] == EXPECTED_REMOVALS[key]


@pytest.mark.parametrize("key", sorted(EXPECTED_REMOVALS))
def test_seed_sentences_all_survive_in_order(key: str) -> None:
    raw, lang = seed(key)
    result = clean(raw)
    expected = surviving_sentences(raw, result.removed, lang)
    position = 0
    for sentence in expected:
        found = result.text.find(sentence, position)
        assert found >= 0, f"lost or reordered: {sentence!r}"
        position = found + len(sentence)
    assert " ".join(expected) == " ".join(result.text.split()), "nothing else was removed or added"


@pytest.mark.parametrize("key", sorted(EXPECTED_REMOVALS))
def test_seed_paragraphs(key: str) -> None:
    raw, _ = seed(key)
    text = clean(raw).text
    assert len(text.split("\n\n")) == PARAGRAPHS[key]
    assert split_paragraphs(text) == text.split("\n\n")
    assert "\n\n\n" not in text and text == text.strip()
    assert clean(text) == CleanResult(text, ())


def test_caption_keeps_its_sentence() -> None:
    raw, _ = seed("004")
    text = clean(raw).text
    assert "\n\nFlere steder i Kyiv har blitt rammet av angrep og eksplosjoner mandag.\n\n" in text
    assert "\n\nBoligblokker skutt i stykker i Mariupol.\n\n" in text
    assert "\n\nEn eksplosjon i Kyiv førte til skader på bygninger og kjøretøy.\n\n" in text  # once
    assert "Foto:" not in text and "javascript" not in text


# --- one rule at a time, in several languages -------------------------------------------------

def removed(raw: str) -> list[tuple[str, str]]:
    return [(r.rule, r.text) for r in clean(raw).removed]


@pytest.mark.parametrize(("raw", "text", "removals"), [
    # photo credits: a line of their own, or after a finished caption
    ("Foto: AFP", "", [("photo_credit", "Foto: AFP")]),
    ("Brannmenn hjelper en kvinne. Foto: AFP", "Brannmenn hjelper en kvinne.", [("photo_credit", "Foto: AFP")]),
    ("Smoke rises over Kyiv. Photo: Getty Images", "Smoke rises over Kyiv.", [("photo_credit", "Photo: Getty Images")]),
    ("Smoke rises. Photograph: Sergei Supinsky/AFP/Getty Images", "Smoke rises.",
     [("photo_credit", "Photograph: Sergei Supinsky/AFP/Getty Images")]),
    ("Statsministeren i Stortinget. Foto: J. Smith / NTB", "Statsministeren i Stortinget.",
     [("photo_credit", "Foto: J. Smith / NTB")]),
    ("Bilde: Heiko Junge / NTB scanpix", "", [("photo_credit", "Bilde: Heiko Junge / NTB scanpix")]),
    ("Statsministeren taler. Billede: Ritzau Scanpix", "Statsministeren taler.", [("photo_credit", "Billede: Ritzau Scanpix")]),
    ("Regeringen samlas. Foto: TT", "Regeringen samlas.", [("photo_credit", "Foto: TT")]),
    ("Der Kanzler spricht. Bild: dpa", "Der Kanzler spricht.", [("photo_credit", "Bild: dpa")]),
    ("Le président parle. Crédit photo : AFP", "Le président parle.", [("photo_credit", "Crédit photo : AFP")]),
    ("El presidente habla. Fotografía: EFE", "El presidente habla.", [("photo_credit", "Fotografía: EFE")]),
    ("The president speaks. (Photo: AP)", "The president speaks.", [("photo_credit", "(Photo: AP)")]),
    ("Photo: U.S. Navy", "", [("photo_credit", "Photo: U.S. Navy")]),
    # sources
    ("Kilde: SSB", "", [("source", "Kilde: SSB")]),
    ("Source: Institute for the Study of War", "", [("source", "Source: Institute for the Study of War")]),
    ("Källa: SCB", "", [("source", "Källa: SCB")]),
    ("Quelle: Statistisches Bundesamt", "", [("source", "Quelle: Statistisches Bundesamt")]),
    ("Source : Insee", "", [("source", "Source : Insee")]),
    ("Fuente: INE", "", [("source", "Fuente: INE")]),
    ("Arbeidsledigheten steg i mars. Kilde: NAV", "Arbeidsledigheten steg i mars.", [("source", "Kilde: NAV")]),
    # live-blog timestamps
    ("02:42 AM", "", [("timestamp", "02:42 AM")]),
    ("14:05", "", [("timestamp", "14:05")]),
    ("kl. 14.30", "", [("timestamp", "kl. 14.30")]),
    ("9.15 GMT", "", [("timestamp", "9.15 GMT")]),
    ("11:03 a.m.", "", [("timestamp", "11:03 a.m.")]),
    # notices
    ("Please use Chrome browser for a more accessible video player", "",
     [("video_notice", "Please use Chrome browser for a more accessible video player")]),
    ("Your browser does not support the video tag.", "", [("video_notice", "Your browser does not support the video tag.")]),
    ("Smoke rises. [embedded content] Firefighters arrive.", "Smoke rises. Firefighters arrive.",
     [("embedded_content", "[embedded content]")]),
    ("Du trenger javascript for å se video.", "", [("javascript_notice", "Du trenger javascript for å se video.")]),
    ("Du treng javascript for å sjå video.", "", [("javascript_notice", "Du treng javascript for å sjå video.")]),
    ("Du skal have JavaScript slået til for at se videoen.", "",
     [("javascript_notice", "Du skal have JavaScript slået til for at se videoen.")]),
    ("Du behöver javascript för att se videon.", "", [("javascript_notice", "Du behöver javascript för att se videon.")]),
    ("You need to enable JavaScript to watch this video.", "",
     [("javascript_notice", "You need to enable JavaScript to watch this video.")]),
    ("Bitte aktivieren Sie JavaScript, um das Video anzusehen.", "",
     [("javascript_notice", "Bitte aktivieren Sie JavaScript, um das Video anzusehen.")]),
    ("Comments are closed.", "", [("comment_notice", "Comments are closed.")]),
    ("Kommentarfeltet er stengt.", "", [("comment_notice", "Kommentarfeltet er stengt.")]),
    ("Follow the latest updates below.", "", [("follow_updates", "Follow the latest updates below.")]),
    ("Følg utviklingen her.", "", [("follow_updates", "Følg utviklingen her.")]),
    ("Följ utvecklingen här.", "", [("follow_updates", "Följ utvecklingen här.")]),
    ("Ukraine war – live", "", [("promo_link", "Ukraine war – live")]),
    ("STORY: Blasts hit Kyiv.", "Blasts hit Kyiv.", [("story_label", "STORY:")]),
    # bullets and separators
    ("-", "", [("lone_bullet", "-")]),
    ("–", "", [("lone_bullet", "–")]),
    ("•", "", [("lone_bullet", "•")]),
    ("* * *", "", [("lone_bullet", "* * *")]),
])
def test_single_rule(raw: str, text: str, removals: list[tuple[str, str]]) -> None:
    result = clean(raw)
    assert (result.text, [(r.rule, r.text) for r in result.removed]) == (text, removals)


@pytest.mark.parametrize("sentence", [
    "Sources said the talks had failed.",
    "He read more than 20 reports before the photo was published.",
    "The photo: a symbol of the war, he said.",
    "The JavaScript library lets browsers play video without plugins.",
    "Officials met at 14:05 on Monday.",
    "Kl. 14.30 startet møtet.",
    "Comments from the minister were closed to the press.",
    "The story – and its ending – surprised everyone.",
    "Ber om bistand",
    "Russia pushes second phase of invasion",
    "– Jeg så en bane med røyk lande her, sier han.",
    "No. No. No.",
    "Go home. Go home.",
    "“Never again,” she said. “Never again.”",
    "In pictures: Explosions rock Kyiv after Russian missile strike",
])
def test_real_sentences_stay(sentence: str) -> None:
    assert clean(sentence) == CleanResult(sentence, ())


@pytest.mark.parametrize(("label", "lang"), [
    ("Read more:", "en"), ("READ MORE", "en"), ("Les også:", "no"), ("Læs også:", "da"), ("Läs också:", "sv"),
    ("Lesen Sie auch:", "de"), ("Lire aussi :", "fr"), ("À lire aussi :", "fr"), ("Lea también:", "es"),
])
def test_read_more_drops_the_link_titles_after_it(label: str, lang: str) -> None:
    raw = f"Body one.\n{label}\nFirst headline\nSecond headline?\nThe body goes on.\nA heading"
    assert clean(raw).text == "Body one.\n\nThe body goes on.\n\nA heading"
    assert removed(raw) == [("read_more", label), ("related_link", "First headline"), ("related_link", "Second headline?")]


def test_read_more_follows_at_most_five_titles() -> None:
    titles = [f"Headline number {n}" for n in range(1, 8)]
    raw = "\n\n".join(["Read more:", *titles, "Body."])
    assert clean(raw).text == "Headline number 6\n\nHeadline number 7\n\nBody."
    assert removed(raw) == [("read_more", "Read more:"), *[("related_link", t) for t in titles[:5]]]


def test_read_more_with_title_on_the_same_line_drops_that_line_only() -> None:
    raw = "READ MORE: Ukraine war latest\nA heading\nBody."
    assert clean(raw).text == "A heading\n\nBody."
    assert removed(raw) == [("read_more", "READ MORE: Ukraine war latest")]


def test_duplicate_sentence_only_when_immediate_and_long_enough() -> None:
    raw = "The caption says this. The caption says this. The caption says this. Then more. The caption says this."
    assert clean(raw).text == "The caption says this. Then more. The caption says this."
    assert removed(raw) == [("duplicate_sentence", "The caption says this.")] * 2


def test_normalisation() -> None:
    raw = "\ufeffFirst\u00a0line,\tspaced\u200b   out.  \r\nSecond line.\rThird\u2028line."
    assert clean(raw) == CleanResult("First line, spaced out.\n\nSecond line.\n\nThird line.", ())  # hard wrap
    assert clean("Cafe\u0301 crème.").text == "Café crème."


def test_line_numbers_count_crlf_and_wrapped_lines() -> None:
    raw = "One.\r\n\r\nPlease use Chrome browser for a\r\nmore accessible video player\r\nTwo. Foto: AP"
    result = clean(raw)
    assert result.text == "One.\n\nTwo."
    assert [(r.rule, r.line) for r in result.removed] == [("video_notice", 3), ("photo_credit", 5)]
    assert result.removed[0].text == "Please use Chrome browser for a more accessible video player"


def test_removals_are_in_input_order_across_rules() -> None:
    raw = "Kyiv brenner.\nFoto: AP Du trenger javascript for å se video.\nFolk flykter. Foto: NTB"
    # the javascript notice is cut before the credit in front of it (rule order); the report is by position
    assert removed(raw) == [("photo_credit", "Foto: AP"), ("javascript_notice", "Du trenger javascript for å se video."),
                            ("photo_credit", "Foto: NTB")]
    assert clean(raw).text == "Kyiv brenner.\n\nFolk flykter."


def test_a_credit_glued_to_a_sentence_is_left_alone() -> None:
    raw = "Kyiv brenner. Foto: AP Folk flykter fra byen."
    assert clean(raw) == CleanResult(raw, ())


# --- properties -------------------------------------------------------------------------------

SEED_LINES = sorted({line for path in SEEDS for line in path.read_text(encoding="utf-8").split("\n")})
BOILERPLATE = [
    "Read more:", "Les også:", "Foto: AFP", " Foto: NTB", "Kilde: SSB", "[embedded content]", "02:42 AM", "-", "•",
    "Du trenger javascript for å se video.", "Please use Chrome browser for a more accessible video player",
    "Follow the latest updates below.", "STORY:", "Photo:", "Source", "The same sentence here.", "é", "\u0301",
    "\u200b", "\ufeff", "\u00a0", "\r", "\t",
]
LINE = st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(BOILERPLATE), st.text(max_size=30))


@st.composite
def articles(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.lists(LINE, min_size=1, max_size=3).map(" ".join), max_size=12))
    breaks = draw(st.lists(st.sampled_from(["\n", "\n\n", "\r\n", " "]), min_size=len(parts), max_size=len(parts)))
    return "".join(part + brk for part, brk in zip(parts, breaks))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), articles()))
def test_clean_is_idempotent_and_total(raw: str) -> None:
    first = clean(raw)
    assert clean(first.text).text == first.text
    assert clean(first.text).removed == ()
    assert all(r.text and r.text == r.text.strip() and 1 <= r.line <= max(1, len(raw.splitlines()))
               for r in first.removed)
    assert "\n\n\n" not in first.text and first.text == first.text.strip()


# -- articles pasted as HTML ---------------------------------------------------------------------

HTML_ARTICLE = """<html><head><title>Site</title>
<script>
var x = "<p>not text</p>";
</script></head>
<body><h1>Council approves budget</h1><p>The council approved it on <b>Tuesday</b>.</p>
<p>Foto: AFP</p>
<!-- an
advert --><p>Schools &amp; roads get money.</p></body></html>"""


def test_html_becomes_text_and_removals_name_input_lines() -> None:
    result = clean(HTML_ARTICLE)
    assert result.text == ("Council approves budget\n\nThe council approved it on Tuesday.\n\n"
                           "Schools & roads get money.")
    assert result.removed == (Removal("photo_credit", "Foto: AFP", 6),)  # markup itself is not reported


@pytest.mark.parametrize("raw, text", [
    ("x<y and z>w, 3 < 5", "x<y and z>w, 3 < 5"),  # prose with angle brackets is no markup
    ("&lt;p&gt;Shown as a tag&lt;/p&gt; <p>x</p>", "Shown as a tag\n\nx"),  # decoded markup goes too: idempotent
    ("<<b>p>Nested<<b>/p>", "Nested"),
    ("<svg><svg>drawing</svg></svg>Text.", "Text."),
])
def test_markup_edge_cases_are_idempotent(raw: str, text: str) -> None:
    assert clean(raw).text == text
    assert clean(text).text == text
