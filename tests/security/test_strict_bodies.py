"""Strict body decoding as properties: whatever the bytes, a 4xx with a reason or a model, never another exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from service.contracts.decoding import MAX_NUMBER_CHARS, decode, load_json, parse_model
from service.contracts.schemas import ArticleIn
from service.errors import BadRequest, InvalidInput, UnsupportedMediaType, WirebriefError

json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**64) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=10)


@hypothesis_settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_are_a_model_or_a_4xx(raw: bytes) -> None:
    try:
        body = parse_model(raw, ArticleIn)
    except WirebriefError as exc:
        assert 400 <= exc.status < 500 and exc.message
    else:
        assert isinstance(body.text, str) and isinstance(body.translate, bool)


@hypothesis_settings(max_examples=100, deadline=None)
@given(value=json_values.filter(lambda v: not isinstance(v, bool)))
def test_translate_takes_json_booleans_only(value: Any) -> None:
    with pytest.raises(InvalidInput, match="translate"):
        parse_model(json.dumps({"text": "x", "translate": value}).encode(), ArticleIn)
    for flag in (True, False):
        assert parse_model(json.dumps({"text": "x", "translate": flag}).encode(), ArticleIn).translate is flag


@hypothesis_settings(max_examples=100, deadline=None)
@given(key=st.sampled_from(["text", "title", "translate", "summary", "x"]), first=json_values, second=json_values)
def test_a_repeated_key_is_refused_at_any_depth(key: str, first: Any, second: Any) -> None:
    pair = f"{json.dumps(key)}: {json.dumps(first)}, {json.dumps(key)}: {json.dumps(second)}"
    for document in (f"{{{pair}}}", f'{{"text": "x", "summary": {{{pair}}}}}', f"[{{{pair}}}]"):
        with pytest.raises(BadRequest, match=f"key {key!r} appears more than once"):
            load_json(document)


@hypothesis_settings(max_examples=100, deadline=None)
@given(digits=st.integers(MAX_NUMBER_CHARS + 1, 10_000), sign=st.sampled_from(["", "-"]),
       fraction=st.booleans())
def test_overlong_numbers_are_a_400_not_a_500(digits: int, sign: str, fraction: bool) -> None:
    number = sign + "9" * digits + (".5" if fraction else "")
    with pytest.raises(BadRequest, match="a number of"):
        load_json(f'{{"text": "x", "translate": {number}}}')
    assert load_json("[" + "9" * 20 + "]") == [int("9" * 20)]  # a 64-bit value still parses


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_constants_are_refused(constant: str) -> None:
    with pytest.raises(BadRequest, match="is not a JSON value"):
        load_json(f"[{constant}]")


@pytest.mark.parametrize(("charset", "raw", "text"), [
    ("utf-8", "Café".encode(), "Café"), ("UTF8", b"\xef\xbb\xbfCaf\xc3\xa9", "Café"),
    ("utf-16", "Café".encode("utf-16"), "Café"), ("utf-16le", "Café".encode("utf-16-le"), "Café"),
    ("utf-32", "Café".encode("utf-32"), "Café"), ("utf-32be", "Café".encode("utf-32-be"), "Café"),
    ("latin-1", b"Caf\xe9", "Café"), ("iso-8859-15", b"\xa4", "€"), ("windows-1251", b"\xc4\xe0", "Да"),
    ("us-ascii", b"Cafe", "Cafe"),
])
def test_safe_charsets_decode(charset: str, raw: bytes, text: str) -> None:
    assert decode(raw, charset) == text


@pytest.mark.parametrize("charset", ["utf-7", "idna", "punycode", "unicode_escape", "raw_unicode_escape", "rot13",
                                     "zlib", "base64", "uu", "hex", "koi8-r", "shift_jis", "klingon"])
def test_other_codecs_are_415(charset: str) -> None:
    with pytest.raises(UnsupportedMediaType):
        decode(b"The council met.", charset)


@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
def test_utf16_and_32_without_a_byte_order_mark_are_refused(charset: str) -> None:
    with pytest.raises(BadRequest, match="no byte order mark"):
        decode("The council met.".encode(f"{charset}-le"), charset)
