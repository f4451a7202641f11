"""API keys: `wb_<id>_<secret>`, shown once at creation, stored as the id and a sha256 of the secret.

The secret is 256 random bits, so a plain (unsalted, fast) hash is enough: nothing can be guessed
from it, and lookup by id keeps verification one primary-key read and one constant-time compare.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from ..common.clock import iso, now
from ..common.ids import new_id
from ..common.owners import ADMIN_SCOPE, ANONYMOUS, OPEN, USER_SCOPE, Owner
from ..db import Database
from ..errors import NotFound, Unauthorized
from .models import ApiKey

KEY_PREFIX = "wb_"
SECRET_BYTES = 32
SHOWN_SECRET_CHARS = 4  # of the secret, kept in `prefix` so a key can be recognised in lists
SCOPES = (USER_SCOPE, ADMIN_SCOPE)


@dataclass(frozen=True)
class Principal:
    """Who is calling: `key_id` owns usage counts, jobs and endpoints, `limit_id` the rate-limit counters."""

    key_id: str
    limit_id: str
    owner: Owner

    @classmethod
    def of_key(cls, key: KeyInfo) -> Principal:
        return cls(key_id=key.id, limit_id=key.id, owner=Owner(key.id, sees_all=key.scope == ADMIN_SCOPE))

    @classmethod
    def anonymous(cls, client: str) -> Principal:
        """Auth is off: one anonymous account (that sees everything: no key tells callers apart), rate
        limits per client address."""
        return cls(key_id=ANONYMOUS, limit_id=f"ip:{client}", owner=OPEN)


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: everything but its secret."""

    id: str
    name: str
    prefix: str
    scope: str
    created_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "scope": self.scope,
            "created_at": iso(self.created_at),
            "revoked_at": iso(self.revoked_at),
            "active": self.active,
        }


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None. Secrets are hex, so the last `_` separates them."""
    if not key.startswith(KEY_PREFIX):
        return None
    key_id, sep, secret = key[len(KEY_PREFIX) :].rpartition("_")
    if not sep or not key_id or not secret:
        return None
    return key_id, secret


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scope=row.scope,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class KeyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, name: str, scope: str = USER_SCOPE) -> tuple[KeyInfo, str]:
        """A new active key; (its info, the plaintext key). The plaintext exists only in this return value.

        A `user` key sees only what it made; an `admin` key (an operator's) sees and acts on everything."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
        key_id, secret = new_id("key"), secrets.token_hex(SECRET_BYTES)
        row = ApiKey(
            id=key_id,
            name=name,
            prefix=f"{KEY_PREFIX}{key_id}_{secret[:SHOWN_SECRET_CHARS]}",
            secret_hash=_digest(secret),
            scope=scope,
            created_at=now(),
            revoked_at=None,
        )
        with self.db.session() as session:
            session.add(row)
            session.commit()
        return _info(row), f"{KEY_PREFIX}{key_id}_{secret}"

    def list(self) -> list[KeyInfo]:
        """Every key, revoked ones included, oldest first."""
        with self.db.session() as session:
            return [_info(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]

    def revoke(self, key_id: str) -> KeyInfo:
        """Stop a key from working from the next request on, in every process; revoking twice is harmless."""
        with self.db.session() as session:
            session.execute(
                update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=now())
            )
            session.commit()
            row = session.get(ApiKey, key_id)
        if row is None:
            raise NotFound(f"no API key {key_id!r}")
        return _info(row)

    def verify(self, key: str) -> KeyInfo:
        """The active key `key` is; Unauthorized (one message for unknown and wrong) otherwise."""
        parts = split_key(key)
        row = None
        if parts:
            with self.db.session() as session:
                row = session.get(ApiKey, parts[0])
        # Compare even when the id is unknown, so timing does not tell which ids exist.
        expected = row.secret_hash if row else _digest("")
        if not (hmac.compare_digest(expected, _digest(parts[1] if parts else "")) and row):
            raise Unauthorized("invalid API key")
        if row.revoked_at is not None:
            raise Unauthorized("API key has been revoked")
        return _info(row)
