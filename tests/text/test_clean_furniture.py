"""clean() on page furniture: the rules for captions, notices, sign-offs, prompts and footers in the served
languages, the shape reading of menu runs, and real sentences that look a little like boilerplate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import CleanResult, clean


@pytest.mark.parametrize(("raw", "text", "rule", "cut"), [
    # captions and credits
    ("Image copyright EPA Image caption Protesters gathered outside parliament", "", "caption",
     "Image copyright EPA Image caption Protesters gathered outside parliament"),
    ("FILE PHOTO: A Reuters logo is seen in Paris, France, March 1, 2021. REUTERS/Jane Doe/File Photo", "", "caption",
     "FILE PHOTO: A Reuters logo is seen in Paris, France, March 1, 2021. REUTERS/Jane Doe/File Photo"),
    ("Police officers stand guard in Oslo. REUTERS/Lise Aserud", "", "caption",
     "Police officers stand guard in Oslo. REUTERS/Lise Aserud"),
    ("Bildunterschrift: Der Kanzler in Kiew", "", "caption", "Bildunterschrift: Der Kanzler in Kiew"),
    ("AFP/Getty Images", "", "credit_line", "AFP/Getty Images"),
    ("The oxygen bar opened. (Photo Credit : PTI File Photo )", "The oxygen bar opened.", "credit",
     "(Photo Credit : PTI File Photo )"),
    ("Smoke over the city. Photo by Jane Doe/Getty Images", "Smoke over the city.", "credit",
     "Photo by Jane Doe/Getty Images"),
    ("Фото: Reuters", "", "photo_credit_more", "Фото: Reuters"),
    ("Mynd: Vilhelm Gunnarsson", "", "photo_credit_more", "Mynd: Vilhelm Gunnarsson"),
    ("Beeld: ANP", "", "photo_credit_more", "Beeld: ANP"),
    ("Fot. PAP/Leszek Szymański", "", "photo_credit_more", "Fot. PAP/Leszek Szymański"),
    ("The index fell 2%. (Graphic: https://tmsnrt.rs/2OQTxkZ) Traders were nervous.",
     "The index fell 2%. Traders were nervous.", "graphic_note", "(Graphic: https://tmsnrt.rs/2OQTxkZ)"),
    # media notices
    ("Media playback is unsupported on your device", "", "media_notice",
     "Media playback is unsupported on your device"),
    ("Das Video kann nicht abgespielt werden.", "", "media_notice", "Das Video kann nicht abgespielt werden."),
    # wire sign-offs
    ("Reporting by Jane Doe in Oslo; Editing by John Smith", "", "wire_signoff",
     "Reporting by Jane Doe in Oslo; Editing by John Smith"),
    ("(Additional reporting by Anna Berg in Stockholm)", "", "wire_signoff",
     "(Additional reporting by Anna Berg in Stockholm)"),
    ("(Reuters)", "", "wire_signoff", "(Reuters)"),
    # copyright footers
    ("© 2019 News Nation. All rights reserved.", "", "copyright", "© 2019 News Nation. All rights reserved."),
    ("Copyright © 2024 NRK. Alle rettigheter forbeholdt.", "", "copyright",
     "Copyright © 2024 NRK. Alle rettigheter forbeholdt."),
    ("Alle Rechte vorbehalten.", "", "copyright", "Alle Rechte vorbehalten."),
    ("Tous droits réservés", "", "copyright", "Tous droits réservés"),
    ("Wszelkie prawa zastrzeżone.", "", "copyright", "Wszelkie prawa zastrzeżone."),
    ("Все права защищены.", "", "copyright", "Все права защищены."),
    # menus, share lines, chrome
    ("Home | World | Business | Sport", "", "menu", "Home | World | Business | Sport"),
    ("Nyheter · Sport · Kultur · Debatt", "", "menu", "Nyheter · Sport · Kultur · Debatt"),
    ("Share this article", "", "share", "Share this article"),
    ("Facebook Twitter WhatsApp Email", "", "share", "Facebook Twitter WhatsApp Email"),
    ("Del på Facebook", "", "share", "Del på Facebook"),
    ("Поділитися", "", "share", "Поділитися"),
    ("Follow us on Twitter", "", "share", "Follow us on Twitter"),
    ("Skip to content", "", "site_chrome", "Skip to content"),
    ("Logg inn", "", "site_chrome", "Logg inn"),
    ("Your email address will not be published. Required fields are marked *", "", "site_chrome",
     "Your email address will not be published. Required fields are marked *"),
    ("Advertisement", "", "advertisement", "Advertisement"),
    ("Annonse", "", "advertisement", "Annonse"),
    # cookie, newsletter and paywall prompts
    ("This website uses cookies to improve your experience. By using our site, you agree to our Privacy Policy.",
     "", "prompt",
     "This website uses cookies to improve your experience. By using our site, you agree to our Privacy Policy."),
    ("Vi bruker informasjonskapsler for å gi deg en bedre opplevelse.", "", "prompt",
     "Vi bruker informasjonskapsler for å gi deg en bedre opplevelse."),
    ("Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.", "", "prompt",
     "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten."),
    ("Nous utilisons des cookies pour améliorer votre expérience.", "", "prompt",
     "Nous utilisons des cookies pour améliorer votre expérience."),
    ("Sign up for our daily newsletter", "", "prompt", "Sign up for our daily newsletter"),
    ("Abonner på nyhetsbrevet vårt", "", "prompt", "Abonner på nyhetsbrevet vårt"),
    ("Подпишитесь на рассылку", "", "prompt", "Подпишитесь на рассылку"),
    ("Subscribe to continue reading.", "", "prompt", "Subscribe to continue reading."),
    ("Cet article est réservé aux abonnés.", "", "prompt", "Cet article est réservé aux abonnés."),
    # datelines and bylines
    ("Updated: 18 Nov 2019 9:38 pm", "", "dateline", "Updated: 18 Nov 2019 9:38 pm"),
    ("Published 3 hours ago", "", "dateline", "Published 3 hours ago"),
    ("Oppdatert 12.03.2024 kl. 14.30", "", "dateline", "Oppdatert 12.03.2024 kl. 14.30"),
    ("Aktualisiert am 19.11.2019", "", "dateline", "Aktualisiert am 19.11.2019"),
    ("Mis à jour le 19 novembre 2019", "", "dateline", "Mis à jour le 19 novembre 2019"),
    ("19 November 2019, 09:01 AM", "", "date_only", "19 November 2019, 09:01 AM"),
    ("By Jim Geraghty", "", "byline", "By Jim Geraghty"),
    ("Av Kari Nordmann, NTB", "", "byline", "Av Kari Nordmann, NTB"),
])
def test_rule(raw: str, text: str, rule: str, cut: str) -> None:
    result = clean(raw)
    assert (result.text, [(r.rule, r.text, r.line) for r in result.removed]) == (text, [(rule, cut, 1)])


@pytest.mark.parametrize("label", ["More:", "Leggi anche", "Lees ook:", "Czytaj także:", "Читайте також:",
                                   "Lestu einnig:", "Mehr dazu:"])
def test_read_also_labels_drop_their_headlines(label: str) -> None:
    raw = f"Body one.\n{label}\nFirst headline\nSecond headline\nThe body goes on."
    result = clean(raw)
    assert result.text == "Body one.\n\nThe body goes on."
    assert [r.rule for r in result.removed] == ["read_more", "related_link", "related_link"]


@pytest.mark.parametrize("sentence", [
    "“We will not back down,” a Reuters spokesperson said on Monday.",
    "Reuters could not independently verify the report.",
    "More than 200 people were killed in the attack, officials said.",
    "More than 200 people",
    "The photo was taken by a tourist on Monday.",
    "Photo evidence showed the car was parked illegally.",
    "He shared the photo on Facebook, where it was liked 10,000 times.",
    "Share prices fell 3% on Monday.",
    "Published in 1998, the book became a bestseller.",
    "Reporting by the BBC revealed the fraud.",
    "Updated figures showed a 2% rise.",
    "Copyright law changed in 2019.",
    "All rights reserved, he joked, were now his.",
    "Advertising revenue fell by a third.",
    "By Monday, the water had receded.",
    "Teilen ist wichtig, sagte sie.",
    "Follow the money, the detective said.",
    "Mehr als 200 Menschen wurden verletzt.",
    "Les også statsministeren var til stede.",
    "Smoke rises. Photograph: Sergei Supinsky/AFP/Getty Images is the credit line he wrote.",
])
def test_look_alike_sentences_stay(sentence: str) -> None:
    assert clean(sentence) == CleanResult(sentence, ())


def test_short_dialogue_stays() -> None:
    raw = "“Yes.”\n“Are you sure?”\n“No.”\n“Then wait.”\nShe left."
    assert clean(raw) == CleanResult("“Yes.”\n\n“Are you sure?”\n\n“No.”\n\n“Then wait.”\n\nShe left.", ())


# --- the shape reading ------------------------------------------------------------------------

PAGE = """News
Sport
Culture
Weather
Council approves the city budget
The council approved the budget on Tuesday after a long debate.
Schools and roads get most of the money
The mayor said the vote was a relief for the city.
Popular
Storm Hits Coast As Thousands Lose Power
Local Team Wins Cup Final
Contact us
About"""


def test_menu_runs_go_headings_between_paragraphs_stay() -> None:
    result = clean(PAGE)
    assert result.text == ("Council approves the city budget\n\nThe council approved the budget on Tuesday after a long "
                           "debate.\n\nSchools and roads get most of the money\n\nThe mayor said the vote was a "
                           "relief for the city.")
    assert [(r.rule, r.text, r.line) for r in result.removed] == [
        ("page_furniture", "News", 1), ("page_furniture", "Sport", 2), ("page_furniture", "Culture", 3),
        ("page_furniture", "Weather", 4),
        ("page_furniture", "Popular", 9), ("page_furniture", "Storm Hits Coast As Thousands Lose Power", 10),
        ("page_furniture", "Local Team Wins Cup Final", 11), ("page_furniture", "Contact us", 12),
        ("page_furniture", "About", 13),
    ]
    assert clean(result.text) == CleanResult(result.text, ())


def test_two_short_lines_are_not_a_menu() -> None:
    raw = "Kyiv\nMonday\nRussian missiles hit the capital overnight, officials said."
    assert clean(raw) == CleanResult(raw.replace("\n", "\n\n"), ())


def test_lists_with_figures_and_unpunctuated_long_items_stay() -> None:
    raw = ("Tour dates\nJune 17 -- Bridgestone Arena, Nashville\nJune 27 -- BB&T Pavilion, Camden\n"
           "July 22 -- Blossom Music Center, Cuyahoga Falls\nTickets\n"
           "Two powerful blasts were heard in the Russian city of Belgorod near the border with Ukraine")
    assert clean(raw).removed == ()


def test_words_without_spaces_are_counted_by_characters() -> None:
    raw = "これが非常に困ったもの。\n再起動して完了\n開かれたフォルダの中にあるショートカットアイコンを右クリックして設定を変更します"
    assert clean(raw).removed == ()


MENU_ITEM = st.sampled_from(["Home", "World", "Business", "Sport", "Contact", "About us", "Log", "Video"])
SENTENCE = st.sampled_from(["The council met on Tuesday.", "“No,” she said.", "Prices rose again in March.",
                            "Schools and roads get most of the money", "Storm Hits Coast As Thousands Lose Power"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(MENU_ITEM, SENTENCE), max_size=20))
def test_shape_reading_keeps_every_sentence_and_is_idempotent(lines: list[str]) -> None:
    result = clean("\n".join(lines))
    kept = result.text.split("\n\n")
    for line in lines:
        if line.endswith((".", "”")) or line[0].islower():
            assert line in kept  # prose never goes by shape
    assert clean(result.text) == CleanResult(result.text, ())
