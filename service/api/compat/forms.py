"""The bodies foreign clients send, read one way: a JSON object, a urlencoded form or a multipart form.

LibreTranslate's and DeepL's clients send the same fields in any of the three (and DeepL's repeats a form field
for a list), so routes ask for a field by name and never care how it came. Query parameters fill in names the
body lacks, as both originals accept them there too.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ...contracts.decoding import decode, load_json
from ...errors import BadRequest, UnsupportedMediaType
from ..body import JSON, media_type, read_limited

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_FIELDS = 200  # DeepL's 50 texts and their options, with room to spare


@dataclass(frozen=True)
class Upload:
    """A file of a multipart body, read whole (the body was size-limited before it was parsed)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Fields:
    """A body's fields by name: each with its values in order (a JSON value is one value, a list as it is)."""

    values: Mapping[str, list[Any]] = field(default_factory=dict)
    files: Mapping[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """The first value of `name` (a JSON list stays a list)."""
        found = self.values.get(name)
        return found[0] if found else default

    def getlist(self, name: str) -> list[Any]:
        """Every value of `name`: a repeated form field, or a JSON list spread out."""
        found = self.values.get(name, [])
        if len(found) == 1 and isinstance(found[0], list):
            return list(found[0])
        return list(found)

    def file(self, name: str, missing: str) -> Upload:
        """The uploaded file `name`; `missing` (in the calling API's words) is the 400 when there is none."""
        upload = self.files.get(name)
        if upload is None:
            raise BadRequest(missing)
        return upload

    def with_query(self, query: Mapping[str, str]) -> Fields:
        """These fields, and the query's for names the body does not have."""
        merged = dict(self.values)
        for name, value in query.items():
            merged.setdefault(name, [value])
        return Fields(merged, self.files)


async def _once(raw: bytes) -> AsyncGenerator[bytes, None]:
    yield raw


async def parse_fields(content_type: str, raw: bytes, *, max_part_bytes: int) -> Fields:
    """The fields of a body of `content_type` (the header's value); an empty body has none."""
    kind = content_type.split(";")[0].strip().lower()
    if not raw.strip() and kind != MULTIPART:
        return Fields()
    if kind == JSON:
        body = load_json(decode(raw))
        if not isinstance(body, dict):
            raise BadRequest("the JSON body must be an object")
        return Fields({name: [value] for name, value in body.items()})
    if kind == FORM:
        values: dict[str, list[Any]] = {}
        try:
            pairs = parse_qsl(decode(raw), keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError as exc:
            raise BadRequest(f"unreadable form body: {exc}") from exc
        for name, value in pairs:
            values.setdefault(name, []).append(value)
        return Fields(values)
    if kind == MULTIPART:
        return await _multipart(content_type, raw, max_part_bytes)
    raise UnsupportedMediaType(f"send {JSON}, {FORM} or {MULTIPART} (got {kind or 'no content type'})")


async def _multipart(content_type: str, raw: bytes, max_part_bytes: int) -> Fields:
    parser = MultiPartParser(
        Headers({"content-type": content_type}),
        _once(raw),
        max_files=1,
        max_fields=MAX_FIELDS,
        max_part_size=max_part_bytes,
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(f"unreadable multipart body: {exc.message}") from exc
    values: dict[str, list[Any]] = {}
    files: dict[str, Upload] = {}
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[name] = Upload(filename=value.filename or "", content=await value.read())
            else:
                values.setdefault(name, []).append(value)
    finally:
        await form.close()
    return Fields(values, files)


async def read_fields(request: Request, limit: int) -> Fields:
    """The request's fields, body (within `limit` bytes and the body timeout) and query together."""
    raw = await read_limited(request, limit)
    kind, _ = media_type(request)
    fields = await parse_fields(request.headers.get("content-type", kind), raw, max_part_bytes=limit)
    return fields.with_query(request.query_params)
