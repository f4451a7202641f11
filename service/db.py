"""The database: one SQLAlchemy engine and declarative base shared by jobs, webhooks and keys.

SQLite (the embedded default, WAL mode) and PostgreSQL run the same code; only the URL differs.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from sqlalchemy import BigInteger, Connection, Engine, Integer, create_engine, event, exc, inspect, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import StorageSettings
from .errors import NotFound, StorageUnavailable

Row = TypeVar("Row")

#: An autoincrementing 64-bit key on PostgreSQL that is still SQLite's rowid alias.
BIG_KEY = BigInteger().with_variant(Integer(), "sqlite")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"  # the schema `create_all` made before migrations existed
MIGRATION_LOCK_ID = 0x77B_0001  # PostgreSQL advisory lock: one process migrates at a time


#: SQLite's words for a store that cannot take writes (or reads) now: none of them is the request's fault
_SQLITE_FAULTS = (
    "readonly",
    "read-only",
    "disk is full",
    "database or disk is full",
    "database is locked",
    "unable to open",
    "disk i/o error",
    "malformed",
    "not a database",
    "no space left",
)
#: /ready re-checks the store's integrity at most this often (a quick_check reads the whole file)
HEALTH_TTL_S = 10.0


def storage_fault(error: BaseException) -> StorageUnavailable | None:
    """The 503 for an exception that means the store itself is unavailable; None for anything else (our bug).

    SQLite reports its faults as OperationalError/DatabaseError with a telling message; on PostgreSQL an
    OperationalError or InterfaceError is a connection that failed or dropped. A pool that stays
    exhausted (sqlalchemy's TimeoutError) is a store that cannot keep up.
    """
    if isinstance(error, exc.TimeoutError):
        return StorageUnavailable("the database did not hand out a connection in time; retry later")
    if not isinstance(error, exc.DBAPIError):
        return None
    reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
    if isinstance(error.orig, sqlite3.Error):
        if not any(fault in reason.lower() for fault in _SQLITE_FAULTS):
            return None
    elif not (isinstance(error, (exc.OperationalError, exc.InterfaceError)) or error.connection_invalidated):
        return None
    return StorageUnavailable(f"the job database is unavailable ({reason}); retry later")


@dataclass(frozen=True)
class StoreHealth:
    """What `Database.check` found: `ok`, `corrupt` (an integrity check failed) or `unreachable`."""

    state: Literal["ok", "corrupt", "unreachable"]
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.state == "ok"


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
        def _sqlite_pragmas(connection, _record) -> None:
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
        self._health: tuple[float, StoreHealth] | None = None
        self._health_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: StorageSettings) -> Database:
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
    def _alembic_config(connection: Connection):
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

    def check(self, *, full: bool = False) -> StoreHealth:
        """Is the store readable and intact? SQLite: `quick_check` (`integrity_check` when `full`) on a
        connection of its own, so no cached page hides damage; PostgreSQL: `SELECT 1` and a row from each table.
        """
        if self.engine.dialect.name == "sqlite":
            return self._check_sqlite(full)
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                for table in Base.metadata.sorted_tables:
                    if inspect(connection).has_table(table.name):
                        connection.execute(table.select().limit(1)).all()
        except exc.SQLAlchemyError as error:
            return StoreHealth("unreachable", (_first_line(error),))
        return StoreHealth("ok")

    def health(self) -> StoreHealth:
        """`check()`, remembered for HEALTH_TTL_S so readiness probes stay cheap on a large store."""
        with self._health_lock:
            if self._health is None or time.monotonic() - self._health[0] > HEALTH_TTL_S:
                self._health = (time.monotonic(), self.check())
            return self._health[1]

    def _check_sqlite(self, full: bool) -> StoreHealth:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return StoreHealth("ok")
        if not Path(database).is_file():
            return StoreHealth("unreachable", (f"{database} does not exist",))
        pragma = "integrity_check" if full else "quick_check"
        try:
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as connection:
                rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
        except sqlite3.OperationalError as error:  # cannot open or read: locked, permissions, I/O
            message = str(error)
            return StoreHealth("corrupt" if "malformed" in message else "unreachable", (message,))
        except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
            return StoreHealth("corrupt", (str(error),))
        return StoreHealth("ok") if rows == ["ok"] else StoreHealth("corrupt", tuple(rows))

    def get(self, model: type[Row], key: object, what: str) -> Row:
        """The row with primary key `key`, or a 404 that names `what` was not found."""
        with self.session() as session:
            row = session.get(model, key)
        if row is None:
            raise NotFound(f"no {what} {key!r}")
        return row

    def dispose(self) -> None:
        self.engine.dispose()


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
