import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.errors import UnsupportedLanguage
from service.languages import ALIASES, NAMES, normalize_code


@pytest.mark.parametrize(("tag", "code"), [
    ("nb-NO", "nb"), ("nb_NO", "nb"), ("NB_no", "nb"), ("nb_NO.UTF-8", "nb"), ("NO", "no"), ("no", "no"),
    ("nn-NO", "nn"), ("nob", "nb"), ("en-GB", "en"), ("EN_us", "en"), ("pt-BR", "pt"), ("sr-Latn", "sr"),
    ("sr_RS@latin", "sr"), ("zh-Hant-TW", "zh"), ("zh-CN", "zh"), ("zh-tw", "zh"), (" de ", "de"),
])
def test_bcp47_and_posix_tags(tag: str, code: str) -> None:
    assert normalize_code(tag) == code


@pytest.mark.parametrize("tag", ["xx", "xx-NO", "", "-", "nb--NO", "nb-", "norwegian", "n", "nb-NO-toolongsubtag",
                                 "nb NO", "en-GB.", "sr@"])
def test_unknown_or_malformed_is_rejected(tag: str) -> None:
    with pytest.raises(UnsupportedLanguage, match="unknown language code"):
        normalize_code(tag)


primary = st.sampled_from(sorted(NAMES) + sorted(k for k in ALIASES if "-" not in k))
subtag = st.one_of(
    st.sampled_from(["Latn", "Cyrl", "Hant", "Hans"]),                                       # script
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),                              # region
    st.text("0123456789", min_size=3, max_size=3),                                              # UN M.49 region
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=5, max_size=8),                    # variant
)


def _cased(text: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips + [False] * len(text)))


@given(primary, st.lists(subtag, max_size=3), st.sampled_from(["-", "_"]),
       st.sampled_from(["", ".UTF-8", ".iso88591", "@latin", ".UTF-8@euro"]), st.lists(st.booleans(), max_size=40))
def test_any_tag_folds_onto_its_language(language: str, subtags: list[str], separator: str, posix: str,
                                         flips: list[bool]) -> None:
    tag = _cased(separator.join([language, *subtags]) + posix, flips)
    expected = ALIASES.get(language, language)
    assert normalize_code(tag) == expected
    assert normalize_code(expected) == expected  # idempotent: the result is itself a valid code


@given(st.text(min_size=1, max_size=12))
def test_anything_else_is_a_known_code_or_rejected(tag: str) -> None:
    try:
        code = normalize_code(tag)
    except UnsupportedLanguage:
        return
    folded = tag.strip().lower().replace("_", "-")
    first = re.split(r"[-.@]", folded)[0]
    assert code in NAMES
    assert code == ALIASES.get(folded, ALIASES.get(first, first))  # never a language the tag did not name
