"""Read a request body once, within the size limit, as text or as a validated JSON model.

Bodies that carry article text are charged to the caller's daily characters here, the one place
their text is known before any work (see `api/access.py`, which leaves the meter).
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel

from ..contracts.decoding import decode, parse_model
from ..errors import PayloadTooLarge, UnsupportedMediaType

Model = TypeVar("Model", bound=BaseModel)

JSON = "application/json"
PLAIN = "text/plain"
HTML = "text/html"


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, refusing (413) as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body is {declared} bytes; the limit is {limit} (WIREBRIEF_MAX_BODY_BYTES)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds the limit of {limit} bytes (WIREBRIEF_MAX_BODY_BYTES)")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> tuple[str, str]:
    """(media type, charset) of the request; charset defaults to utf-8."""
    header = request.headers.get("content-type", "")
    kind, *params = [part.strip() for part in header.split(";")]
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return kind.lower(), charset


async def json_body(request: Request, model: type[Model], limit: int) -> Model:
    kind, _ = media_type(request)
    if kind != JSON:
        raise UnsupportedMediaType(f"send {JSON} (got {kind or 'no content type'})")
    return parse_model(await read_limited(request, limit), model)


async def json_or_text_body(request: Request, model: type[Model], limit: int, *, plain_text: bool = True,
                            html: bool = False) -> Model:
    """JSON validated as `model`, or (where allowed) a text/plain body taken as `{"text": body}` and a text/html
    one as `{"text": body, "format": "html"}`; the charset parameter decodes both, utf-8 by default."""
    kind, charset = media_type(request)
    if kind == PLAIN and plain_text:
        return model(text=decode(await read_limited(request, limit), charset))
    if kind == HTML and html:
        return model(text=decode(await read_limited(request, limit), charset), format="html")
    if kind == JSON:
        return parse_model(await read_limited(request, limit), model)
    kinds = [name for name, allowed in ((f"{PLAIN} (the raw article)", plain_text), (f"{HTML} (a page or a fragment)",
                                                                                      html)) if allowed]
    raise UnsupportedMediaType(f"send {', '.join(kinds)} or {JSON} (got {kind or 'no content type'})")


async def charge(request: Request, characters: int) -> None:
    """Take article characters from the caller's daily allowance; over it, RateLimited refuses the request whole.

    The meter is left by `access.AccessMiddleware` on guarded paths; nothing counts unless the request succeeds.
    """
    meter = getattr(request.state, "meter", None)
    if meter is not None:
        await meter.charge(characters)


async def article_body(request: Request, model: type[Model], limit: int, *, plain_text: bool = False,
                       html: bool = False) -> Model:
    """A body with a `text` field (JSON, with `plain_text` also text/plain, with `html` also text/html), charged
    before any work (HTML by its characters as sent, markup and all: the one count known before the work)."""
    if plain_text or html:
        body = await json_or_text_body(request, model, limit, plain_text=plain_text, html=html)
    else:
        body = await json_body(request, model, limit)
    await charge(request, len(getattr(body, "text")))
    return body
