"""The portable lease claim shared by the job, delivery and reconciler stores: compare-and-set on a ready row."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, select, update
from sqlalchemy.orm import Session

#: How many ready rows one claim looks at; losers of a race move on to the next one.
CLAIM_CANDIDATES = 16


def rows_matched(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (a compare-and-set won when this is 1)."""
    return cast(CursorResult[Any], result).rowcount


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
        if rows_matched(result) == 1:
            return row_id
    return None


def claim_all(
    session: Session, table: Any, ready: ColumnElement[bool], values: dict[str, Any], limit: int
) -> list[Any]:
    """Claim up to `limit` ready rows by the same compare-and-set as `claim_one`; the ids this caller won."""
    won = []
    for row_id in session.scalars(select(table.id).where(ready).order_by(table.id).limit(limit)).all():
        if rows_matched(
            session.execute(
                update(table)
                .where(table.id == row_id, ready)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        ):
            won.append(row_id)
    session.commit()
    return won
