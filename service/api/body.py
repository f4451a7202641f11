"""Read a request body once, within the size limit and the body timeout, as text or as a validated JSON model.

Bodies that carry article text are checked (sizes) and charged to the caller's daily characters here, the one
place their text is known before any work (see `api/access.py`, which leaves the meter).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import anyio
from fastapi import Request
from pydantic import BaseModel

from ..config import ServerSettings
from ..contracts.decoding import decode, parse_model, validate
from ..contracts.schemas import Charged
from ..errors import BadRequest, BodyTimeout, PayloadTooLarge, UnsupportedMediaType
from ..pipeline import check_article

Model = TypeVar("Model", bound=BaseModel)
Article = TypeVar("Article", bound=Charged)

JSON = "application/json"
PLAIN = "text/plain"
HTML = "text/html"
GZIP = ("gzip", "x-gzip")


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body exceeds the limit of {limit} bytes (WIREBRIEF_MAX_BODY_BYTES)")


async def _gunzipped(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Decompress as it arrives, never producing more than `limit` bytes in all: a zip bomb stops at the cap."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing only
    produced = 0
    async for chunk in chunks:
        if inflater.eof:
            if chunk:
                raise BadRequest("body has data after the end of its gzip stream")
            continue
        try:
            out = inflater.decompress(chunk, limit - produced + 1)
        except zlib.error as exc:
            raise BadRequest(f"body is not valid gzip: {exc}") from exc
        produced += len(out)
        if produced > limit or inflater.unconsumed_tail:
            raise _too_large(limit)
        if inflater.unused_data:
            raise BadRequest("body has data after the end of its gzip stream")
        yield out
    if not inflater.eof:
        raise BadRequest("body is not valid gzip: the stream is truncated")


def _content_encoding(request: Request) -> str | None:
    """'gzip', or None for an unencoded body; any other encoding is 415."""
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in GZIP:
        return "gzip"
    raise UnsupportedMediaType(f"Content-Encoding {encoding!r} is not accepted; send gzip or no encoding")


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body (gzip decoded), refusing (413) as soon as it is known to exceed `limit` bytes.

    The whole body must arrive within the server's body timeout (408 otherwise): a client that trickles
    it cannot hold a connection and a worker until the request timeout.
    """
    encoding = _content_encoding(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body is {declared} bytes; the limit is {limit} (WIREBRIEF_MAX_BODY_BYTES)")
    server: ServerSettings = request.app.state.server_settings
    chunks: list[bytes] = []
    size = 0
    stream: AsyncIterator[bytes] = request.stream()
    if encoding == "gzip":
        stream = _gunzipped(stream, limit)
    with anyio.move_on_after(server.body_timeout_s) as scope:
        async for chunk in stream:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    if scope.cancelled_caught:
        raise BodyTimeout(f"request body not received within {server.body_timeout_s:g} s (WIREBRIEF_BODY_TIMEOUT_S)")
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


def query_options(request: Request) -> dict[str, Any]:
    """A text body's options from the query string, under the JSON body's names: `?source_lang=no&title=Oslo`,
    dotted for nested options (`summary.style=brief`), `true`/`false`/`null` for booleans and null."""
    options: dict[str, Any] = {}
    for name, raw in request.query_params.multi_items():
        value: Any = _QUERY_LITERALS.get(raw, raw)
        *parents, leaf = name.split(".")
        target = options
        for parent in parents:
            child = target.setdefault(parent, {})
            if not isinstance(child, dict):
                raise BadRequest(f"query parameter {name!r} sets an option inside {parent!r}, which is already set")
            target = child
        if leaf in target:
            raise BadRequest(f"query parameter {name!r} is given twice")
        target[leaf] = value
    return options


_QUERY_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


async def json_or_text_body(
    request: Request, model: type[Model], limit: int, *, plain_text: bool = True, html: bool = False
) -> Model:
    """JSON validated as `model`, or (where allowed) a text/plain body taken as `{"text": body}` and a text/html
    one as `{"text": body, "format": "html"}`, with options from the query (`query_options`); the charset parameter
    decodes both, utf-8 by default. A JSON body carries its options itself: a query beside it is refused."""
    kind, charset = media_type(request)
    if (kind == PLAIN and plain_text) or (kind == HTML and html):
        options = query_options(request)
        if "text" in options:
            raise BadRequest("the text is the body: do not also send it as a query parameter")
        if kind == HTML:
            options.setdefault("format", "html")
        raw = await read_limited(request, limit)
        return validate({**options, "text": decode(raw, charset)}, model)
    if kind == JSON:
        if request.query_params:
            raise BadRequest(
                f"options of a JSON body go in the body, not the query ({', '.join(sorted(request.query_params))})"
            )
        return parse_model(await read_limited(request, limit), model)
    kinds = [
        name
        for name, allowed in ((f"{PLAIN} (the raw article)", plain_text), (f"{HTML} (a page or a fragment)", html))
        if allowed
    ]
    raise UnsupportedMediaType(f"send {', '.join(kinds)} or {JSON} (got {kind or 'no content type'})")


async def charge(request: Request, characters: int) -> None:
    """Take article characters from the caller's daily allowance; over it, RateLimited refuses the request whole.

    The meter is left by `access.AccessMiddleware` on guarded paths; nothing counts unless the request succeeds.
    """
    meter = getattr(request.state, "meter", None)
    if meter is not None:
        await meter.charge(characters)


async def article_body(request: Request, model: type[Article], limit: int) -> Article:
    """A body with a `text` field (JSON, text/plain or text/html, options in the query for the last two), checked and
    charged before any work: every text field (the title too) counts, so none can carry unmetered work past the
    limits. HTML is charged by its characters as sent, markup and all (the one count known before the work); its
    article is checked once read out."""
    body = await json_or_text_body(request, model, limit, plain_text=True, html="format" in model.model_fields)
    if getattr(body, "format", "text") == "text":
        check_article(body.text, getattr(body, "title", None), request.app.state.server_settings)
    await charge(request, body.characters)
    return body
