"""Who is calling and may they: API keys, rate limits and usage, as one pure ASGI middleware.

It runs before routing, so it covers every route, mounted apps included. Open paths (health, docs,
the CMS hook that has its own signature, and /ready, /metrics unless the settings protect them) pass
untouched. On every other path: with auth on, a valid `Authorization: Bearer <key>` is required (failed
checks are counted per client address, and past `auth_failures_per_minute` the address gets 429);
the caller's requests per minute are counted; a `Meter` is left in the request state, to which
bodies carrying article text are charged before any work (`body.charge`); once the response is out,
a success's characters are recorded as usage and a failure's reservation is given back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import anyio
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..auth.keys import KeyStore, Principal
from ..auth.ratelimit import RateLimits, utc_day
from ..auth.usage import UsageStore
from ..config import AccessSettings
from ..db import Database, storage_fault
from ..errors import Unauthorized, WirebriefError
from .errors import render

#: Never behind a key: liveness, the API description, and the CMS hook (it authenticates by signature).
OPEN_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/v1/hooks/newsroom"})


def guarded(path: str, settings: AccessSettings) -> bool:
    """Whether `path` needs a key (when auth is on) and counts against rate limits."""
    if path == "/ready":
        return settings.auth_protect_ready
    if path == "/metrics":
        return settings.auth_protect_metrics
    return path not in OPEN_PATHS


def bearer_token(scope: Scope) -> str:
    """The key of `Authorization: Bearer <key>`; Unauthorized when there is none."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            break
    raise Unauthorized("an API key is required: send `Authorization: Bearer <key>`")


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
        try:
            if self.settings.auth_required or self.limits.per_minute:
                principal = await run_in_threadpool(self._admit, db, scope)
            else:
                principal = self._admit(db, scope)
        except WirebriefError as exc:
            await render(exc)(scope, receive, send)
            return
        except SQLAlchemyError as exc:  # the key store is down, full or locked: 503, as in the routes
            fault = storage_fault(exc)
            if fault is None:
                raise
            await render(fault)(scope, receive, send)
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

    def _admit(self, db: Database, scope: Scope) -> Principal:
        """The caller, once its key checks out and its request fits the per-minute limit."""
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.settings.auth_required:
            self.limits.check_auth_failures(client)
            try:
                key = KeyStore(db).verify(bearer_token(scope))
            except Unauthorized:
                self.limits.hit_auth_failure(client)  # 429 instead, for the failure that goes over the limit
                raise
            principal = Principal.of_key(key)
        else:
            principal = Principal.anonymous(client)
        self.limits.hit_request(principal.limit_id)
        return principal
