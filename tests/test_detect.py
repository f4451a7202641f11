import pytest

from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, seed_text
from service.detect import detect, detectable_codes
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
