"""Batch jobs: durable, resumable processing of many articles (see docs/JOBS.md)."""

from .intake import JobDraft, parse_request
from .service import JobService

__all__ = ["JobDraft", "JobService", "parse_request"]
