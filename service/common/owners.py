"""Who a request acts as: every job, endpoint and delivery belongs to the key that made it.

Stores filter by owner in SQL (`visible`), so a row of another owner is never read, listed or
changed; it is answered like a row that does not exist (404), which keeps its existence secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import InstrumentedAttribute

ANONYMOUS = "anonymous"  # owns what is made while auth is off (and what existed before owners did)
NEWSROOM = "newsroom"  # the system owner of the CMS hook's jobs and of its callback endpoint
ADMIN_SCOPE, USER_SCOPE = "admin", "user"  # an API key's scope: every owner's rows, or its own


@dataclass(frozen=True)
class Owner:
    """The owner a request acts as: what it makes is `id`'s; with `sees_all` it may read and act on every row."""

    id: str
    sees_all: bool = False


#: Auth off, and the local `wirebrief batch`: one anonymous party with no keys to tell callers apart.
OPEN = Owner(ANONYMOUS, sees_all=True)


def visible(column: InstrumentedAttribute[str], owner: Owner) -> ColumnElement[bool]:
    """The SQL condition for rows (owned in `column`) that `owner` may see."""
    return true() if owner.sees_all else column == owner.id
