"""Helpers shared by the job and webhook stores: ids, epoch time, jitter, and the portable lease claim.

Times are stored as epoch seconds (a double) so SQLite and PostgreSQL compare them the same way
and no time zone is ever lost on the way through a driver.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, select, update
from sqlalchemy.orm import Session

#: An autoincrementing 64-bit key on PostgreSQL that is still SQLite's rowid alias.
BIG_KEY = BigInteger().with_variant(Integer(), "sqlite")

#: How many ready rows one claim looks at; losers of a race move on to the next one.
CLAIM_CANDIDATES = 16


def now() -> float:
    return time.time()


def iso(ts: float | None) -> str | None:
    """Epoch seconds as RFC 3339 UTC with milliseconds, the form every API time takes."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    """`prefix_` + 12 hex digits of milliseconds + 12 random: unique, and sorts by creation time."""
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(6)}"


def new_token() -> str:
    """A claim token: proves which claim may record an outcome (fencing after a lapsed lease)."""
    return secrets.token_hex(12)


def jittered(delay: float, jitter: float, rng: random.Random | None = None) -> float:
    """`delay` scaled by a random factor in [1 - jitter, 1 + jitter], so retries do not stampede."""
    return max(0.0, delay * (1 + (rng or random).uniform(-jitter, jitter)))


def claim_one(session: Session, table: Any, ready: ColumnElement[bool], values: dict[str, Any]) -> Any | None:
    """Claim one ready row by compare-and-set; returns its id, or None when none is ready.

    Portable (no `SKIP LOCKED`, no SQLite-only SQL): read a few candidate ids, then
    `UPDATE ... WHERE id = :id AND <ready>` each until one update hits a row. Two claimers racing
    for a row both run the update; the database lets exactly one of them see the row still ready.
    """
    candidates = session.scalars(select(table.id).where(ready).order_by(table.id).limit(CLAIM_CANDIDATES)).all()
    for row_id in candidates:
        statement = update(table).where(table.id == row_id, ready).values(**values)
        result = session.execute(statement.execution_options(synchronize_session=False))
        session.commit()
        if result.rowcount == 1:
            return row_id
    return None


def claim_all(session: Session, table: Any, ready: ColumnElement[bool], values: dict[str, Any],
              limit: int) -> list[Any]:
    """Claim up to `limit` ready rows by the same compare-and-set as `claim_one`; the ids this caller won."""
    won = []
    for row_id in session.scalars(select(table.id).where(ready).order_by(table.id).limit(limit)).all():
        if session.execute(update(table).where(table.id == row_id, ready).values(**values)
                           .execution_options(synchronize_session=False)).rowcount:
            won.append(row_id)
    session.commit()
    return won
