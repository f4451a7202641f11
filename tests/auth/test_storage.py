"""Keys and usage tables on SQLite and PostgreSQL: migration 0003 up and down, concurrent increments."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from service.auth.keys import KeyStore
from service.auth.usage import UsageStore
from service.db import Database

THREADS, RECORDS = 8, 5


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201 - Database
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wirebrief.db'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database(f"auth_{tmp_path.name[-20:]}".lower())
    database = Database(url)
    yield database
    database.dispose()


def tables(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_migration_and_stores(db: Database) -> None:
    db.upgrade()
    assert (db.revision() or "") >= "0003" and {"api_keys", "api_usage"} <= tables(db)

    info, key = KeyStore(db).create("cms")
    assert KeyStore(db).verify(key).id == info.id

    usage, day = UsageStore(db), date(2026, 1, 2)
    with ThreadPoolExecutor(THREADS) as pool:  # racing first inserts of one row end as increments
        list(pool.map(lambda n: [usage.record(info.id, day, n) for _ in range(RECORDS)], range(1, THREADS + 1)))
    usage.record(info.id, date(2026, 1, 3), 7)
    report = usage.report(info.id, day)
    assert (report.characters, report.requests) == (RECORDS * sum(range(1, THREADS + 1)), THREADS * RECORDS)
    assert (report.total_characters, report.total_requests) == (report.characters + 7, report.requests + 1)

    with db._migration_lock() as connection:  # down to 0002 and back: both directions run on this database
        command.downgrade(db._alembic_config(connection), "0002")
        connection.commit()
    assert not {"api_keys", "api_usage"} & tables(db)
    db.upgrade()
    assert (db.revision() or "") >= "0003" and KeyStore(db).list() == []
