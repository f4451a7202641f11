"""Batch jobs: durable, resumable processing of many articles (see docs/JOBS.md)."""
