"""Characters and requests each principal had processed, per UTC day, durably in the database.

Rows are incremented in place (`UPDATE ... SET n = n + :n`, inserted when missing, the update retried
when another process inserted first), which is atomic on SQLite and PostgreSQL alike, so counts from
several processes add up and survive restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..common.claims import rows_matched
from ..db import Database
from .models import Usage

INSERT_RACES = 3  # an insert loses at most to one concurrent insert of the same row; then the update hits


@dataclass(frozen=True)
class UsageReport:
    characters: int
    requests: int
    total_characters: int
    total_requests: int


class UsageStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, principal: str, day: date, characters: int, requests: int = 1) -> None:
        """Add one successful request's characters to `principal`'s row of `day`."""
        where = (Usage.principal == principal, Usage.day == day)
        with self.db.session() as session:
            for _ in range(INSERT_RACES):
                result = session.execute(
                    update(Usage)
                    .where(*where)
                    .values(characters=Usage.characters + characters, requests=Usage.requests + requests)
                )
                if rows_matched(result):
                    session.commit()
                    return
                try:
                    session.execute(
                        insert(Usage).values(principal=principal, day=day, characters=characters, requests=requests)
                    )
                    session.commit()
                    return
                except IntegrityError:
                    session.rollback()
        raise RuntimeError(f"could not record usage of {principal!r} on {day}")

    def report(self, principal: str, day: date) -> UsageReport:
        """`principal`'s counts on `day` and over all days."""
        with self.db.session() as session:
            row = session.get(Usage, (principal, day))
            total_chars, total_requests = session.execute(
                select(func.coalesce(func.sum(Usage.characters), 0), func.coalesce(func.sum(Usage.requests), 0)).where(
                    Usage.principal == principal
                )
            ).one()
        return UsageReport(
            characters=row.characters if row else 0,
            requests=row.requests if row else 0,
            total_characters=int(total_chars),
            total_requests=int(total_requests),
        )
