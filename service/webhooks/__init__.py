"""Webhooks: signed outgoing events with durable retries, and the signed newsroom hook (docs/JOBS.md)."""

from .service import WebhookService

__all__ = ["WebhookService"]
