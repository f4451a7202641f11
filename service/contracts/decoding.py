"""Strict decoding of bodies that carry the contract's models: bytes → text → JSON → validated model.

Every failure is a 4xx with a reason (never a 500): shared by the HTTP routes, job uploads and the newsroom hook.
Strict means: only charsets that decode text unambiguously, JSON without duplicate keys, without numbers too
long to be any field's value and without NaN/Infinity, and models that never coerce (`"yes"` is no boolean).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import BadRequest, InvalidInput, UnsupportedMediaType

Model = TypeVar("Model", bound=BaseModel)

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

#: Longest JSON number accepted, in characters: no field takes more (a 64-bit integer has 20 digits), and
#: Python refuses to convert integers past 4,300 digits (a ValueError, which would surface as a 500).
MAX_NUMBER_CHARS = 32

#: Codecs (by Python's canonical name) a body may be declared in: they decode bytes to text one way only.
#: utf-7 (it hides markup), idna, punycode, the *_escape and rot/zip codecs are not text encodings for bodies.
_SAFE_CODECS = frozenset({"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "ascii"})
_SAFE_FAMILIES = re.compile(r"^(iso8859-\d{1,2}|cp125[0-8])$")
#: Declared without a byte order: the body must start with a byte order mark (else: which order is a guess).
_NEEDS_BOM = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def safe_codec(charset: str) -> str:
    """Python's codec name for a declared `charset`, if it is one we decode bodies in; 415 otherwise."""
    try:
        name = codecs.lookup(charset).name
    except LookupError as exc:
        raise UnsupportedMediaType(f"unknown charset {charset!r}") from exc
    if name in _SAFE_CODECS or name in _NEEDS_BOM or _SAFE_FAMILIES.match(name):
        return name
    raise UnsupportedMediaType(
        f"charset {charset!r} is not accepted; send utf-8 (or utf-16/32 with a byte order "
        "mark, latin-1, iso-8859-x, windows-125x, ascii)"
    )


def decode(raw: bytes, charset: str = "utf-8") -> str:
    """`raw` as text in the declared charset (a leading byte order mark is dropped)."""
    codec = safe_codec(charset)
    if codec in _NEEDS_BOM and not raw.startswith(_NEEDS_BOM[codec]):
        raise BadRequest(f"body declared {charset} has no byte order mark; declare {codec}le or {codec}be")
    try:
        text = raw.decode(codec).removeprefix("\ufeff")  # a byte order mark is no part of the text
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid {charset}: byte {exc.start} cannot be decoded") from exc
    check_unicode(text)
    return text


def check_unicode(text: str) -> None:
    """Refuse lone surrogates (from a `\\ud800` JSON escape).

    They are not Unicode text: encoding them fails later, in a tokenizer, the database or the response (a 500).
    """
    if found := _SURROGATE.search(text):
        raise BadRequest(
            f"body holds a lone surrogate U+{ord(found.group()):04X} at character {found.start()}, "
            "which is not valid Unicode text"
        )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: `{"translate": true, "translate": false}` is ambiguous."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise BadRequest(f"not acceptable JSON: key {duplicate!r} appears more than once in an object")
    return obj


def _number(kind: Callable[[str], int | float]) -> Callable[[str], int | float]:
    def parse(literal: str) -> int | float:
        if len(literal) > MAX_NUMBER_CHARS:
            raise BadRequest(f"not acceptable JSON: a number of {len(literal)} characters (at most {MAX_NUMBER_CHARS})")
        return kind(literal)

    return parse


def _no_constant(name: str) -> Any:
    raise BadRequest(f"not valid JSON: {name} is not a JSON value")


def load_json(text: str) -> Any:
    """`json.loads`, strictly: duplicate keys, overlong numbers and NaN/Infinity are refused (400)."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise BadRequest(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise BadRequest("not acceptable JSON: nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(text):  # a pair becomes one character; a lone half stays a surrogate
        check_unicode(json.dumps(data, ensure_ascii=False))
    return data


def validate(data: Any, model: type[Model]) -> Model:
    """`data` (decoded JSON) as `model`; 422 with every field's reason."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from exc


def parse_model(raw: bytes, model: type[Model]) -> Model:
    """Decode JSON strictly (UTF-8) and validate it; every failure is a 4xx with a reason."""
    return validate(load_json(decode(raw)), model)


def describe(exc: ValidationError) -> str:
    """Pydantic's errors as one readable line: `field.path: message; ...`."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
