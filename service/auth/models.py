"""Tables of API keys (only a hash of each secret) and of characters processed per key per day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Double, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(64), doc="the key's public start, to tell keys apart in lists")
    secret_hash: Mapped[str] = mapped_column(String(64), doc="sha256 hex of the secret part; never the secret")
    scope: Mapped[str] = mapped_column(String(16), doc="`user`: its own jobs and endpoints; `admin`: everyone's")
    created_at: Mapped[float] = mapped_column(Double)
    revoked_at: Mapped[float | None] = mapped_column(Double)


class Usage(Base):
    """One row per principal (key id or `anonymous`) and UTC day; rows are only ever incremented."""

    __tablename__ = "api_usage"

    principal: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    characters: Mapped[int] = mapped_column(BigInteger, default=0)
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
