"""Webhooks: signed outgoing events with durable retries, and the signed newsroom hook (docs/JOBS.md)."""
