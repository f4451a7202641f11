"""The database: one SQLAlchemy engine and declarative base shared by jobs, webhooks and keys.

SQLite (the embedded default, WAL mode) and PostgreSQL run the same code; only the URL differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import Settings
from .errors import NotFound

Row = TypeVar("Row")


class Base(DeclarativeBase):
    """Every table of wirebrief derives from this (one metadata, one `create_all`)."""


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir) / 'wirebrief.db'}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Database":
        return cls(database_url(settings))

    def create_all(self) -> None:
        """Create missing tables (the later Alembic migrations start from this schema)."""
        Base.metadata.create_all(self.engine)

    def session(self) -> Session:
        return self.sessions()

    def get(self, model: type[Row], key: object, what: str) -> Row:
        """The row with primary key `key`, or a 404 that names `what` was not found."""
        with self.session() as session:
            row = session.get(model, key)
        if row is None:
            raise NotFound(f"no {what} {key!r}")
        return row

    def dispose(self) -> None:
        self.engine.dispose()
