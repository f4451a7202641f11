"""Errors that carry their own API code and HTTP status, raised anywhere, rendered once in `api`."""

from __future__ import annotations


class WirebriefError(Exception):
    """Base error: `code` is the stable machine-readable name clients switch on."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


#: What a client is told about a failure that is our bug: the details go to the log, never to the client.
INTERNAL_ERROR_MESSAGE = "internal error; it has been logged"


def internal_error() -> WirebriefError:
    """The sanitized error for an unexpected exception (HTTP responses and job result lines alike)."""
    return WirebriefError(INTERNAL_ERROR_MESSAGE)


class BadRequest(WirebriefError):
    code, status = "bad_request", 400


class InvalidInput(WirebriefError):
    code, status = "invalid_input", 422


class EmptyText(InvalidInput):
    code = "empty_text"


class UnsupportedLanguage(InvalidInput):
    code = "unsupported_language"


class UnknownStyle(InvalidInput):
    code = "unknown_style"


class UnreadableHtml(InvalidInput):
    """HTML that does not parse, or a page in which no article text was found."""

    code = "unreadable_html"


class PayloadTooLarge(WirebriefError):
    code, status = "payload_too_large", 413


class UnsupportedMediaType(WirebriefError):
    code, status = "unsupported_media_type", 415


class ModelUnavailable(WirebriefError):
    """A configured model is not on disk (or failed to load); says how to fetch it."""

    code, status = "model_unavailable", 503


class GenerationFailed(WirebriefError):
    code, status = "generation_failed", 500


class RetryLater(WirebriefError):
    """A 429: the request is fine but cannot be taken now; `Retry-After` says when to come back."""

    code, status = "retry_later", 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})
        self.retry_after_s = retry_after_s


class Overloaded(RetryLater):
    """Too much in flight or a model's queue is full: memory stays bounded, the caller comes back later."""

    code = "overloaded"


class GenerationTimeout(WirebriefError):
    code, status = "generation_timeout", 504


class NotFound(WirebriefError):
    code, status = "not_found", 404


class Conflict(WirebriefError):
    """The request clashes with the resource's state (an idempotency key reused with another body, ...)."""

    code, status = "conflict", 409


class InvalidSignature(WirebriefError):
    """An inbound webhook whose signature headers are missing or match none of our secrets."""

    code, status = "invalid_signature", 401


class StaleTimestamp(InvalidSignature):
    code = "stale_timestamp"


class Unauthorized(WirebriefError):
    """No API key, or one that is unknown, wrong or revoked; the challenge header says how to send one."""

    code, status = "unauthorized", 401

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class RateLimited(RetryLater):
    """A key (or client) is over its requests per minute or characters per day; retry after the reset."""

    code = "rate_limited"


class QuotaExceeded(RateLimited):
    """A key's characters per day are spent: still `rate_limited` here; DeepL's dialect answers it 456."""


class NotReady(WirebriefError):
    """A result asked for before it exists (a document still being translated); come back later."""

    code, status = "not_ready", 503

    def __init__(self, message: str, *, retry_after_s: int = 1) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})


class ItemTimeout(WirebriefError):
    """A job item overran its soft time limit on a worker; it is tried again like other server trouble."""

    code, status = "item_timeout", 504


class RequestTimeout(WirebriefError):
    """A request whose response had not started within `request_timeout_s` (the work may still finish)."""

    code, status = "request_timeout", 504


class BodyTimeout(WirebriefError):
    """A request body that did not arrive within `body_timeout_s`: a slow client must not hold a connection."""

    code, status = "body_timeout", 408


class StorageUnavailable(WirebriefError):
    """The job database cannot be written or reached (disk full, read-only, locked, corrupt, down).

    Nothing about the request is wrong: the caller retries after `Retry-After`, once the store is back.
    """

    code, status = "storage_unavailable", 503

    def __init__(self, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})
        self.retry_after_s = retry_after_s
