"""Strict decoding of bodies that carry the contract's models: bytes → text → JSON → validated model.

Every failure is a 4xx with a reason (never a 500): shared by the HTTP routes, job uploads and the newsroom hook.
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import BadRequest, InvalidInput, UnsupportedMediaType

Model = TypeVar("Model", bound=BaseModel)

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def decode(raw: bytes, charset: str = "utf-8") -> str:
    try:
        text = raw.decode(charset)
    except LookupError as exc:
        raise UnsupportedMediaType(f"unknown charset {charset!r}") from exc
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid {charset}: byte {exc.start} cannot be decoded") from exc
    except (UnicodeError, ValueError) as exc:  # odd codecs (idna, undefined ...) fail without a position
        raise BadRequest(f"body cannot be decoded as {charset}: {exc}") from exc
    check_unicode(text)
    return text


def check_unicode(text: str) -> None:
    """Refuse lone surrogates (from a `\\ud800` JSON escape or a codec like unicode_escape).

    They are not Unicode text: encoding them fails later, in a tokenizer, the database or the response (a 500).
    """
    if found := _SURROGATE.search(text):
        raise BadRequest(f"body holds a lone surrogate U+{ord(found.group()):04X} at character {found.start()}, "
                         "which is not valid Unicode text")


def parse_model(raw: bytes, model: type[Model]) -> Model:
    """Decode JSON strictly (UTF-8) and validate it; every failure is a 4xx with a reason."""
    text = decode(raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise BadRequest("body is not acceptable JSON: nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(text):  # a pair becomes one character; a lone half stays a surrogate
        check_unicode(json.dumps(data, ensure_ascii=False))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from exc


def describe(exc: ValidationError) -> str:
    """Pydantic's errors as one readable line: `field.path: message; ...`."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
