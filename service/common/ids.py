"""Identifiers: resource ids that sort by creation time, and claim tokens."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """`prefix_` + 12 hex digits of milliseconds + 12 random: unique, and sorts by creation time."""
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(6)}"


def new_token() -> str:
    """A claim token: proves which claim may record an outcome (fencing after a lapsed lease)."""
    return secrets.token_hex(12)
