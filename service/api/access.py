"""Who is calling and may they: API keys, rate limits and usage, as one pure ASGI middleware.

It runs before routing, so it covers every route, mounted apps included. Open paths (health, docs,
the CMS hook that has its own signature, and /ready, /metrics unless the settings protect them) pass
untouched. On every other path: with auth on, a valid `Authorization: Bearer <key>` is required (failed
checks are counted per client address, and past `auth_failures_per_minute` the address gets 429);
the caller's requests per minute are counted; a `Meter` is left in the request state, to which
bodies carrying article text are charged before any work (`body.charge`); once the response is out,
a success's characters are recorded as usage and a failure's reservation is given back.

The foreign APIs we speak (`compat.dialects`) find keys their clients' way: DeepL's `Authorization: DeepL-Auth-Key`,
LibreTranslate's `api_key` field, which is read from the query or, only when no header or query carries a key,
from the body, buffered (within the body limit and timeout) and handed on to the route unchanged. Their errors
leave in their own shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl

import anyio
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..auth.keys import KeyStore, Principal
from ..auth.ratelimit import RateLimits, utc_day
from ..auth.usage import UsageStore
from ..config import AccessSettings, ServerSettings
from ..db import Database, storage_fault
from ..errors import BodyTimeout, PayloadTooLarge, Unauthorized, WirebriefError
from .compat.dialects import LIBRETRANSLATE, Dialect, dialect_for
from .compat.forms import parse_fields
from .errors import render

#: Never behind a key: liveness, the API description, the CMS hook (it authenticates by signature), the editor page,
#: and what LibreTranslate serves to anyone (its language list and its front end's settings).
OPEN_PATHS = (
    frozenset({"/health", "/docs", "/redoc", "/openapi.json", "/v1/hooks/newsroom", "/"}) | LIBRETRANSLATE.open_paths
)
#: Nor anything under these: the docs' and the editor's assets and settings (the editor's API calls carry the key).
OPEN_PREFIXES = ("/docs/", "/editor/")
NATIVE_KEY_HINT = "an API key is required: send `Authorization: Bearer <key>`"


def guarded(path: str, settings: AccessSettings) -> bool:
    """Whether `path` needs a key (when auth is on) and counts against rate limits."""
    if path == "/ready":
        return settings.auth_protect_ready
    if path == "/metrics":
        return settings.auth_protect_metrics
    return path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES)


def header_key(scope: Scope, schemes: tuple[str, ...] = ("bearer",)) -> str | None:
    """The key of `Authorization: <scheme> <key>` for one of `schemes` (lower case), or None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() in schemes and token.strip():
                return token.strip()
            break
    return None


def query_key(scope: Scope, name: str) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    return next((value for field, value in parse_qsl(query) if field == name and value), None)


async def buffer_body(receive: Receive, server: ServerSettings) -> tuple[bytes, Receive]:
    """The whole body (within the body limit and timeout), and a `receive` that hands it on as if unread."""
    chunks: list[bytes] = []
    size = 0
    more = True
    with anyio.move_on_after(server.body_timeout_s) as scope:
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nothing to read, nothing to answer
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > server.max_body_bytes:
                raise PayloadTooLarge(f"request body exceeds the limit of {server.max_body_bytes} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
    if scope.cancelled_caught:
        raise BodyTimeout(f"request body not received within {server.body_timeout_s:g} s (WIREBRIEF_BODY_TIMEOUT_S)")
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


async def presented_key(scope: Scope, receive: Receive, dialect: Dialect | None) -> tuple[str | None, Receive]:
    """The key the caller sent the way its API sends one (None: none sent), and the `receive` to go on with."""
    if dialect is None:
        return header_key(scope), receive
    key = header_key(scope, dialect.schemes)
    if key is not None or dialect.key_field is None:
        return key, receive
    key = query_key(scope, dialect.key_field)
    if key is not None or scope["method"] in ("GET", "HEAD"):
        return key, receive
    server: ServerSettings = scope["app"].state.server_settings
    raw, receive = await buffer_body(receive, server)
    headers = dict(scope["headers"])
    if headers.get(b"content-encoding", b"identity").strip().lower() != b"identity":
        return None, receive  # a compressed body's key is not looked for: send it in a header or the query
    try:
        fields = await parse_fields(headers.get(b"content-type", b"").decode("latin-1"), raw, max_part_bytes=len(raw))
    except WirebriefError:  # an unreadable body carries no key; the route says what is wrong with it, if allowed
        return None, receive
    value = fields.get(dialect.key_field)
    return (value if isinstance(value, str) and value else None), receive


@dataclass
class Meter:
    """One request's account: whose it is, the day it counts on, and the characters it has reserved."""

    principal: Principal
    day: date
    limits: RateLimits
    characters: int = 0
    charged: bool = False  # the request carried article text: a success counts as a request in usage

    async def charge(self, characters: int) -> None:
        await run_in_threadpool(self.limits.reserve_characters, self.principal.limit_id, characters, self.day)
        self.characters += characters
        self.charged = True

    def settle(self, db: Database, succeeded: bool) -> None:
        """After the response: a success is recorded as usage, a failure's reservation given back."""
        if succeeded:
            UsageStore(db).record(self.principal.key_id, self.day, self.characters)
        else:
            self.limits.refund_characters(self.principal.limit_id, self.characters, self.day)


class AccessMiddleware:
    def __init__(self, app: ASGIApp, settings: AccessSettings) -> None:
        self.app = app
        self.settings = settings
        self.limits = RateLimits(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not guarded(scope["path"], self.settings):
            await self.app(scope, receive, send)
            return
        db: Database = scope["app"].state.db
        dialect = dialect_for(scope["path"])
        try:
            key = None
            if self.settings.auth_required:
                key, receive = await presented_key(scope, receive, dialect)
            if self.settings.auth_required or self.limits.per_minute:
                principal = await run_in_threadpool(self._admit, db, scope, key, dialect)
            else:
                principal = self._admit(db, scope, key, dialect)
        except WirebriefError as exc:
            await render(exc, scope["path"])(scope, receive, send)
            return
        except SQLAlchemyError as exc:  # the key store is down, full or locked: 503, as in the routes
            fault = storage_fault(exc)
            if fault is None:
                raise
            await render(fault, scope["path"])(scope, receive, send)
            return
        meter = Meter(principal, utc_day(), self.limits)
        scope.setdefault("state", {})["meter"] = meter
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            if meter.charged:
                with anyio.CancelScope(shield=True):  # a client that went away must not leak a reservation
                    await run_in_threadpool(meter.settle, db, 200 <= status < 300)

    def _admit(self, db: Database, scope: Scope, key: str | None, dialect: Dialect | None) -> Principal:
        """The caller, once its `key` checks out and its request fits the per-minute limit."""
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.settings.auth_required:
            self.limits.check_auth_failures(client)
            try:
                if key is None:
                    raise Unauthorized(dialect.key_hint if dialect else NATIVE_KEY_HINT)
                verified = KeyStore(db).verify(key)
            except Unauthorized:
                self.limits.hit_auth_failure(client)  # 429 instead, for the failure that goes over the limit
                raise
            principal = Principal.of_key(verified)
        else:
            principal = Principal.anonymous(client)
        self.limits.hit_request(principal.limit_id)
        return principal
