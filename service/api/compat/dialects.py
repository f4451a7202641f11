"""How each API we speak finds a caller's key and words an error: ours, LibreTranslate's and DeepL's.

The access middleware and the error handlers both run before (or outside) the routes, so they look the
dialect up by path here: one table decides where a key may come from and what status and body a failure
gets, and the routes raise the one error vocabulary of `service.errors` whatever API they serve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ...errors import QuotaExceeded, WirebriefError

#: DeepL's status for a spent character allowance ("Quota exceeded").
DEEPL_QUOTA_STATUS = 456


@dataclass(frozen=True)
class Dialect:
    """One foreign API: the paths it owns, how its clients send a key, and how its errors look."""

    name: str
    paths: frozenset[str]  # exact paths
    prefixes: tuple[str, ...]  # and every path under these
    open_paths: frozenset[str]  # served without a key, as the original serves them
    schemes: tuple[str, ...]  # `Authorization` schemes that carry a key (lower case)
    key_field: str | None  # query or body field that carries a key, or None
    key_hint: str  # how to send a key, for the error when none came
    message_field: str  # the error body is `{message_field: message}`
    statuses: Mapping[int, int] = field(default_factory=dict)  # our status -> theirs (unlisted: the same)
    quota_status: int | None = None  # a spent daily allowance, when the API has its own status for it

    def owns(self, path: str) -> bool:
        return path in self.paths or path.startswith(self.prefixes)

    def status(self, exc: WirebriefError) -> int:
        if self.quota_status is not None and isinstance(exc, QuotaExceeded):
            return self.quota_status
        return self.statuses.get(exc.status, exc.status)

    def render(self, exc: WirebriefError) -> JSONResponse:
        """`exc` in this API's shape; `WWW-Authenticate` belongs to our 401, which these APIs answer 403."""
        headers = {name: value for name, value in exc.headers.items() if name.lower() != "www-authenticate"}
        return JSONResponse({self.message_field: exc.message}, status_code=self.status(exc), headers=headers or None)


#: LibreTranslate 1.9: 400 for any bad input, 403 for a missing or wrong key, 429 over a limit, 500 otherwise.
LIBRETRANSLATE = Dialect(
    name="libretranslate",
    paths=frozenset({"/translate", "/detect", "/languages", "/translate_file", "/frontend/settings"}),
    prefixes=("/download_file/",),
    open_paths=frozenset({"/languages", "/frontend/settings"}),
    schemes=("bearer",),
    key_field="api_key",
    key_hint="an API key is required: send `api_key` in the body (or `Authorization: Bearer <key>`)",
    message_field="error",
    statuses={401: 403, 408: 400, 409: 400, 413: 400, 415: 400, 422: 400, 501: 500, 503: 500, 504: 500},
)

#: DeepL API v2: 403 for authorization, 456 for a spent quota, 429 for too many requests, 400 for bad input.
DEEPL = Dialect(
    name="deepl",
    paths=frozenset(),
    prefixes=("/v2/",),
    open_paths=frozenset(),
    schemes=("deepl-auth-key", "bearer"),
    key_field=None,
    key_hint="an API key is required: send `Authorization: DeepL-Auth-Key <key>`",
    message_field="message",
    statuses={401: 403, 409: 400, 415: 400, 422: 400},
    quota_status=DEEPL_QUOTA_STATUS,
)

DIALECTS = (LIBRETRANSLATE, DEEPL)


class LibreTranslateError(BaseModel):
    error: str


class DeepLError(BaseModel):
    message: str


#: The error answers each API documents on its operations (OpenAPI `responses`).
LIBRETRANSLATE_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": LibreTranslateError} for status in (400, 403, 404, 429, 500)
}
DEEPL_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": DeepLError} for status in (400, 403, 404, 408, 413, 429, 456, 500, 503, 504)
}
#: A translated file: the document's own type.
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}}}}
}


def dialect_for(path: str) -> Dialect | None:
    """The foreign API that owns `path`; None for our own API."""
    return next((dialect for dialect in DIALECTS if dialect.owns(path)), None)
