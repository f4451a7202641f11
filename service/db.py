"""The database: one SQLAlchemy engine and declarative base shared by jobs, webhooks and keys.

SQLite (the embedded default, WAL mode) and PostgreSQL run the same code; only the URL differs.
"""

from __future__ import annotations

import fcntl
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator, TypeVar

from sqlalchemy import BigInteger, Connection, Engine, Integer, create_engine, event, inspect, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import StorageSettings
from .errors import NotFound

Row = TypeVar("Row")

#: An autoincrementing 64-bit key on PostgreSQL that is still SQLite's rowid alias.
BIG_KEY = BigInteger().with_variant(Integer(), "sqlite")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"  # the schema `create_all` made before migrations existed
MIGRATION_LOCK_ID = 0x77B_0001  # PostgreSQL advisory lock: one process migrates at a time


class Base(DeclarativeBase):
    """Every table of wirebrief derives from this (one metadata, managed by the migrations)."""


def database_url(settings: StorageSettings) -> str:
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
    def from_settings(cls, settings: StorageSettings) -> "Database":
        return cls(database_url(settings))

    def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to `revision`; safe when several processes start at once.

        A database made by the pre-migration `create_all` (tables, no `alembic_version`) is stamped
        with the baseline first, so its data is kept and only later revisions run.
        """
        from alembic import command

        with self._migration_lock() as connection:
            config = self._alembic_config(connection)
            tables = set(inspect(connection).get_table_names())
            if "jobs" in tables and "alembic_version" not in tables:
                command.stamp(config, BASELINE_REVISION)
            command.upgrade(config, revision)
            connection.commit()

    def revision(self) -> str | None:
        """The revision the database is at (None: never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @staticmethod
    def _alembic_config(connection: Connection):  # noqa: ANN205 - alembic.config.Config, imported lazily
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        return config

    @contextmanager
    def _migration_lock(self) -> Iterator[Connection]:
        """A connection held under a cross-process lock: advisory on PostgreSQL, a file lock on SQLite."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
                connection.commit()
                try:
                    yield connection
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                    connection.commit()
            return
        database = self.engine.url.database
        with ExitStack() as stack:
            if database and database != ":memory:":  # an in-memory database has one process anyway
                fcntl.flock(stack.enter_context(open(f"{database}.migrate.lock", "a")), fcntl.LOCK_EX)
            yield stack.enter_context(self.engine.connect())

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
