import math

import pytest
from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, seed_text

from service.detect import Candidate, detect, detectable_codes
from service.errors import UnsupportedLanguage


@pytest.mark.parametrize("path", ENGLISH_SEEDS, ids=lambda p: p.name)
def test_english_seeds(path) -> None:
    result = detect(seed_text(path))
    assert (result.language.code, result.language.name, result.source) == ("en", "English", "detected")
    assert result.language.confidence > 0.99
    assert result.warnings == ()


def test_norwegian_seed() -> None:
    result = detect(seed_text(NORWEGIAN_SEED))
    assert (result.language.code, result.language.name) == ("no", "Norwegian")
    assert result.candidates[0] == result.language


def test_deterministic_on_ambiguous_text() -> None:
    text = "Nato sier nei. Det er ikke bekreftet."
    first = detect(text)
    assert all(detect(text) == first for _ in range(5))


def test_candidates_are_ranked_and_sum_to_at_most_one() -> None:
    result = detect("Hei, jeg heter Ola og bor i Oslo. Ich heiße Ola und wohne in Oslo.")
    confidences = [c.confidence for c in result.candidates]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) <= 1.0001


def test_short_text_gets_a_warning_not_silence() -> None:
    result = detect("Hei")
    assert any(w.startswith("short_text") for w in result.warnings)


def test_no_letters_is_assumed_english_with_warning() -> None:
    result = detect("12345 !!! 678")
    assert result.language.code == "en" and result.language.confidence == 0.0
    assert any(w.startswith("undetectable_language") for w in result.warnings)


def test_override_wins_and_is_normalized() -> None:
    result = detect("This is plainly English text, long enough to detect.", override="NB")
    assert (result.language.code, result.source, result.language.confidence) == ("nb", "override", 1.0)


def test_unknown_override_is_rejected() -> None:
    with pytest.raises(UnsupportedLanguage):
        detect("whatever", override="xx")


def test_detectable_codes_cover_norwegian_and_fold_chinese() -> None:
    codes = detectable_codes()
    assert {"no", "en", "da", "sv", "zh"} <= codes and "zh-cn" not in codes


# -- engines, routing and the rules (added with the lingua engine) ---------------------------------------------

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from service.config import Settings
from testkit import PROJECT_ROOT
from service.detect import Detection, Routing, detect_paragraphs
from service.detect.core import decide, sentences_to_check
from service.detect.engines import engine
from service.languages import NAMES
from service.registry import Registry

ENGINES = ["lingua", "lingua-low", "langdetect"]
SHIPPED = Routing.from_registry(Registry.load(PROJECT_ROOT / "models" / "registry.toml"))
GMQ, DE, MUL = "opus-mt-gmq-en", "opus-mt-de-en", "opus-mt-mul-en"
RULES = {"min_chars": 40, "min_confidence": 0.8, "english_ratio": 0.5}
LONG = "x" * 60  # decide() only looks at the text's length
SHORT = "x" * 10


def test_routing_follows_the_shipped_registry() -> None:
    assert SHIPPED.route("en") is None
    assert {SHIPPED.route(code) for code in ("no", "nb", "nn", "da", "sv", "is", "fo")} == {GMQ}
    assert (SHIPPED.route("de"), SHIPPED.route("pt"), SHIPPED.route("sr")) == (DE, MUL, MUL)
    assert SHIPPED.candidates == frozenset(NAMES)  # a catch-all routes every language we accept


def test_without_a_catch_all_only_served_languages_are_candidates(tmp_path) -> None:
    path = tmp_path / "registry.toml"
    path.write_text('summarizer = "s"\n[models.s]\ntask = "summarization"\nhub_id = "x/s"\n'
                    '[models.gmq]\ntask = "translation"\nhub_id = "x/gmq"\nlanguages = ["no", "da"]\n'
                    '[models.de]\ntask = "translation"\nhub_id = "x/de"\nlanguages = ["de"]\n')
    routing = Routing.from_registry(Registry.load(path))
    assert routing.routes == {"en": None, "no": "gmq", "da": "gmq", "de": "de"}
    for name in ENGINES:
        assert detectable_codes(name, routing) == {"en", "no", "da", "de"}
        assert {code for code, _ in engine(name, routing.candidates).rank("Das ist ein kleiner Test, ja.")} <= \
            routing.candidates


@pytest.mark.parametrize("name", ENGINES)
def test_engine_is_built_once_even_when_threads_race(name: str) -> None:
    candidates = frozenset({"en", "de", "fr"})
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(engine(name, candidates))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(found is seen[0] for found in seen)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown detector"):
        engine("cld3", frozenset({"en", "de"}))


def test_detector_setting(monkeypatch) -> None:
    monkeypatch.delenv("WIREBRIEF_DETECTOR", raising=False)
    assert Settings().detector == "lingua"
    monkeypatch.setenv("WIREBRIEF_DETECTOR", "langdetect")
    assert Settings().detector == "langdetect"


@pytest.mark.parametrize("name", ENGINES)
def test_hei_alone_is_flagged_under_both_engines(name: str) -> None:
    result = detect("Hei", engine_name=name, routing=SHIPPED)
    assert [w.split(":")[0] for w in result.warnings] == ["short_text", "ambiguous_language"]
    assert result.ambiguous


@pytest.mark.parametrize("name", ENGINES)
def test_long_clear_text_has_no_warning_under_both_engines(name: str) -> None:
    result = detect(seed_text(NORWEGIAN_SEED), engine_name=name, routing=SHIPPED)
    assert result.language.code == "no" and result.warnings == () and not result.ambiguous


@pytest.mark.parametrize("name", ENGINES)
def test_mixed_languages_are_flagged_under_both_engines(name: str) -> None:
    text = ("The council met on Tuesday to discuss the budget. Bystyret møttes tirsdag for å diskutere budsjettet. "
            "Der Rat traf sich am Dienstag, um den Haushalt zu besprechen.")
    result = detect(text, engine_name=name, routing=SHIPPED)
    assert any(w.startswith("ambiguous_language: mixed languages") for w in result.warnings)
    assert result.language.confidence < 0.8 and len(result.candidates) >= 2


def test_a_catch_all_guess_with_a_dedicated_rival_is_flagged() -> None:
    """Portuguese-looking Spanish: the catch-all would translate it, but Spanish has a model of its own."""
    assert SHIPPED.catch_all == MUL and SHIPPED.route("es") not in (None, MUL)
    result = decide(LONG, [("pt", 0.97), ("es", 0.03)], SHIPPED, **RULES)
    assert result.language.code == "pt"
    assert result.warnings == (("ambiguous_language: best guess pt goes to the catch-all model opus-mt-mul-en, but "
                                "es (0.03) has a model of its own; pass source_lang to be sure"),)
    # no rival with a model of its own (or one below what is reported): no doubt worth a warning
    assert decide(LONG, [("pt", 0.995), ("es", 0.005)], SHIPPED, **RULES).warnings == ()
    assert decide(LONG, [("pt", 0.97), ("sr", 0.03)], SHIPPED, **RULES).warnings == ()


def test_a_catch_all_guess_needs_evidence_for_its_length() -> None:
    """A rival with a model of its own, too small to report, still flags a guess that beats it by less than
    MIN_CATCH_ALL_EVIDENCE nats a character: the same ratio over more text is weaker evidence."""
    ranked = [("pt", 0.995), ("es", 0.005)]  # ln(199) = 5.29
    assert decide("x" * 100, ranked, SHIPPED, **RULES).warnings == ()  # 0.053 a character
    result = decide("x" * 110, ranked, SHIPPED, **RULES)  # 0.048 a character
    assert (result.language.code, result.warnings) == ("pt", (
        "ambiguous_language: best guess pt goes to the catch-all model opus-mt-mul-en, but es (0.005) has a model "
        "of its own; pass source_lang to be sure",))
    # a rival without a model of its own (Serbian), or English (no model at all), is no reason
    assert decide("x" * 110, [("pt", 0.995), ("sr", 0.005)], SHIPPED, **RULES).warnings == ()
    assert decide("x" * 110, [("pt", 0.995), ("en", 0.005)], SHIPPED, **RULES).warnings == ()


@pytest.mark.parametrize(("text", "flagged"), [
    # Spanish about a Portuguese town: lingua says Portuguese (0.994), Spanish only 0.0053, 0.037 nats a character
    ("Oliveira de Azeméis es una cidade portuguesa del distrito de Aveiro, região Norte e sub-região de Entre Douro "
     "e Vouga, con 11.689 habitantes.", True),
    # Portuguese throughout: Spanish trails by 0.079 and 0.064 nats a character
    ("A câmara municipal aprovou ontem o novo orçamento para as escolas do concelho.", False),
    ("O governo português anunciou hoje que vai aumentar o salário mínimo no próximo ano.", False),
])
def test_portuguese_looking_spanish_is_flagged_and_portuguese_is_not(text: str, flagged: bool) -> None:
    result = detect(text, engine_name="lingua", routing=SHIPPED)
    assert result.language.code == "pt"
    assert result.ambiguous is flagged
    assert [w.split(",")[0] for w in result.warnings] == (
        ["ambiguous_language: best guess pt goes to the catch-all model opus-mt-mul-en"] if flagged else [])


def test_models_not_languages_decide_doubt() -> None:
    # Norwegian vs Danish is the same model: no doubt worth a warning.
    result = decide(LONG, [("no", 0.45), ("da", 0.40), ("de", 0.15)], SHIPPED, **RULES)
    assert (result.language.code, result.warnings) == ("no", ())
    # German vs Norwegian is not.
    result = decide(LONG, [("de", 0.45), ("no", 0.40), ("da", 0.15)], SHIPPED, **RULES)
    assert result.language.code == "de"
    assert result.warnings == (("ambiguous_language: best guess de (0.45 for model opus-mt-de-en), "
                                "then model opus-mt-gmq-en (0.55); pass source_lang to be sure"),)


def test_short_text_with_english_close_stays_english() -> None:
    ranked = [("nl", 0.5), ("en", 0.3), ("de", 0.2)]
    result = decide(SHORT, ranked, SHIPPED, **RULES)
    assert result.language == Candidate("en", "English", 0.3)
    assert result.warnings == (
        "short_text: language detection on very short text is unreliable; pass source_lang",
        ("ambiguous_language: best guess nl (0.50 for its model) but English is close (0.30) on short text; "
         "kept as English, not translated; pass source_lang to translate"),
    )
    # The same ranking on long text is not a short-text call: the guess stands, flagged.
    long = decide(LONG, ranked, SHIPPED, **RULES)
    assert long.language.code == "nl" and long.ambiguous


def test_short_text_with_english_far_behind_keeps_the_guess_flagged() -> None:
    result = decide(SHORT, [("de", 0.9), ("en", 0.1)], SHIPPED, **RULES)
    assert result.language.code == "de" and result.ambiguous


def test_mixed_sentences_are_reported_as_candidates() -> None:
    pieces = [([("en", 1.0)], 50), ([("no", 0.9), ("da", 0.1)], 50), ([("de", 1.0)], 60)]
    result = decide(LONG, [("no", 0.9998), ("da", 0.0002)], SHIPPED, **RULES, pieces=pieces)
    assert [(c.code, c.confidence) for c in result.candidates] == [("de", 0.375), ("en", 0.3125),
                                                                   ("no", 0.2812), ("da", 0.0312)]
    assert result.language == Candidate("no", "Norwegian", 0.2812)  # the guess stands; only the doubt shows
    assert result.warnings == (("ambiguous_language: mixed languages; the model for the best guess no would get "
                                "31% of the text, sentence by sentence; pass source_lang to be sure"),)
    # Sentences that agree on the model leave the whole-text answer alone.
    agreeing = [([("no", 1.0)], 50), ([("da", 1.0)], 50)]
    assert decide(LONG, [("no", 0.99), ("da", 0.01)], SHIPPED, **RULES, pieces=agreeing).warnings == ()


def test_sentences_to_check() -> None:
    sentence = "This sentence is long enough to be detected alone."
    assert sentences_to_check(sentence, 40) == []
    assert sentences_to_check(f"{sentence} Short one. {sentence}\n{sentence}", 40) == [sentence] * 3
    many = " ".join(f"{sentence[:-1]} {i}." for i in range(100))
    picked = sentences_to_check(many, 40)
    assert len(picked) == 32 and picked[0].endswith(" 0.") and len(set(picked)) == 32


confidences = st.lists(st.tuples(st.sampled_from(sorted(NAMES)), st.floats(0.001, 1.0)), min_size=1, max_size=8,
                       unique_by=lambda item: item[0])


@given(confidences, st.integers(0, 200))
def test_every_route_changing_doubt_is_flagged(raw: list[tuple[str, float]], length: int) -> None:
    """Whatever the engine says: a guess whose model holds < 0.8, or short text, or a catch-all guess close to a
    dedicated rival for its length, carries ambiguous_language,
    and English is never sent to a model when, on short text, it is within the ratio of the guess."""
    total = sum(c for _, c in raw)
    ranked = sorted(((code, c / total) for code, c in raw), key=lambda item: (-item[1], item[0]))
    result = decide("x" * length, ranked, SHIPPED, **RULES)
    model_share = sum(c for code, c in ranked if SHIPPED.route(code) == SHIPPED.route(result.language.code))
    if length < 40 or model_share < 0.8:
        assert result.ambiguous
    rival = next((c for code, c in ranked[1:] if SHIPPED.route(code) not in (None, MUL)), None)
    if SHIPPED.route(ranked[0][0]) == MUL and rival is not None and math.log(ranked[0][1] / rival) < 0.05 * length:
        assert result.ambiguous  # a catch-all guess without enough evidence per character over a dedicated rival
    english = dict(ranked).get("en", 0.0)
    best_share = sum(c for code, c in ranked if SHIPPED.route(code) == SHIPPED.route(ranked[0][0]))
    if length < 40 and english > 0 and english >= 0.5 * best_share:
        assert result.language.code == "en"
    assert [c.confidence for c in result.candidates] == sorted((c.confidence for c in result.candidates),
                                                               reverse=True) or result.language.code == "en"
    assert result.language in result.candidates


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gets_a_detection_that_is_stable(text: str) -> None:
    first = detect(text, routing=SHIPPED)
    assert first == detect(text, routing=SHIPPED)
    assert first.language.code in NAMES and first.source == "detected"
    assert sum(c.confidence for c in first.candidates) <= 1 + 5e-5 * len(first.candidates) + 1e-9  # each rounded to 4 places
    if len(text.strip()) < 40:
        assert first.ambiguous


# -- per paragraph -----------------------------------------------------------------------------------------------

ARTICLE = [
    "Statsministeren sa tirsdag at regjeringen vil øke støtten til Ukraina betydelig i løpet av neste år.",
    ("\u00abWe will stand with Ukraine for as long as it takes, and we will not back down\u00bb, said the secretary "
     "general at the press conference in Brussels."),
    "Ja.",
    "Opposisjonen mener forslaget kommer for sent og krever at Stortinget behandler saken før jul.",
]


@pytest.mark.parametrize("name", ["lingua", "langdetect"])  # lingua-low has no guess at all for "Ja." in context
def test_english_quote_in_a_norwegian_article_is_marked_english(name: str) -> None:
    results = detect_paragraphs(ARTICLE, engine_name=name, routing=SHIPPED)
    assert [r.language.code for r in results] == ["no", "en", "no", "no"]
    assert results[1].warnings == () and results[0].warnings == ()
    alone = detect("Ja.", engine_name=name, routing=SHIPPED).language
    assert results[2].warnings == (("ambiguous_language: paragraph too short or unclear (best guess "
                                    f"{alone.code} ({alone.confidence:.2f})); kept the article's language no"),)


def test_paragraphs_follow_a_given_document_language() -> None:
    document = Detection(language=Candidate("de", "German", 1.0), candidates=(), source="override")
    results = detect_paragraphs(["Ja.", "", ARTICLE[1]], document=document, routing=SHIPPED)
    assert [(r.language.code, r.source) for r in results] == [("de", "override"), ("de", "override"),
                                                              ("en", "detected")]
    assert results[1].warnings[0].endswith("(best guess none); kept the article's language de")
