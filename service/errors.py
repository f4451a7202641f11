"""Errors that carry their own API code and HTTP status, raised anywhere, rendered once in `api`."""

from __future__ import annotations


class WirebriefError(Exception):
    """Base error: `code` is the stable machine-readable name clients switch on."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class PayloadTooLarge(WirebriefError):
    code, status = "payload_too_large", 413


class UnsupportedMediaType(WirebriefError):
    code, status = "unsupported_media_type", 415


class ModelUnavailable(WirebriefError):
    """A configured model is not on disk (or failed to load); says how to fetch it."""

    code, status = "model_unavailable", 503


class GenerationFailed(WirebriefError):
    code, status = "generation_failed", 500
