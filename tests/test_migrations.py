"""Alembic migrations: from empty to head on SQLite and PostgreSQL, no drift from the models, an
old `create_all` database adopted with its data, and concurrent starts migrating once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.db import MIGRATIONS_DIR, Base, Database
from service.migrations import import_models
from testkit.servers import PostgresServer

HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def assert_at_head_without_drift(db: Database) -> None:
    assert db.revision() == HEAD
    import_models()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"the models and the migrations disagree: {diff}"


def test_the_revisions_form_one_line() -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def test_upgrade_from_empty_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert db.revision() is None
    db.upgrade()
    assert_at_head_without_drift(db)
    db.upgrade()  # a second start changes nothing
    assert db.revision() == HEAD


@pytest.mark.servers
def test_upgrade_from_empty_on_postgresql(postgres_server: PostgresServer) -> None:
    db = Database(postgres_server.new_database("migrate_fresh"))
    assert db.revision() is None
    db.upgrade()
    assert_at_head_without_drift(db)
    db.dispose()


@pytest.mark.servers
def test_processes_starting_together_migrate_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.new_database("migrate_race")
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Database(url).upgrade()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert_at_head_without_drift(Database(url))


def test_a_database_made_before_migrations_is_adopted_with_its_data(tmp_path: Path) -> None:
    """A pre-migration database (the baseline tables, no alembic_version) keeps its rows and gets the rest."""
    path = tmp_path / "old.db"
    old = Database(f"sqlite:///{path}")
    old.upgrade("0001")
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE alembic_version")
        connection.execute("INSERT INTO jobs (id, state, total, events, fingerprint, created_at, announced) "
                           "VALUES ('job_old', 'completed', 0, '[]', 'f', 1.0, 1)")
    assert "alembic_version" not in inspect(old.engine).get_table_names()
    old.dispose()

    db = Database(f"sqlite:///{path}")
    db.upgrade()
    assert_at_head_without_drift(db)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT id, state FROM jobs").fetchall() == [("job_old", "completed")]


def test_wirebrief_db_upgrade_migrates_the_configured_database(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from testkit import PROJECT_ROOT

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "WIREBRIEF_DATABASE_URL": url}
    run = [sys.executable, "-m", "service.cli", "db"]
    before = subprocess.run([*run, "current"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert before.stdout.strip() == "none"
    upgraded = subprocess.run([*run, "upgrade"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.strip() == f"database at revision {HEAD}"
    assert_at_head_without_drift(Database(url))


def _owners_migrate_existing_rows(db: Database) -> None:
    """0004 on a database with rows: they become the anonymous owner's (the hook's, the newsroom's), keys are
    `user` keys, idempotency keys become unique per owner; and back down to 0003 and up again."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    db.upgrade("0003")
    job = ("INSERT INTO jobs (id, state, total, events, idempotency_key, fingerprint, created_at, announced) "
           "VALUES (:id, 'completed', 0, '[]', :key, 'f', 1.0, :yes)")
    endpoint = ("INSERT INTO webhook_endpoints (id, url, events, secret, managed, created_at) "
                "VALUES (:id, 'http://example.test/', '[]', 's', :yes, 1.0)")
    with db.engine.begin() as connection:
        connection.execute(text(job), [{"id": "job_1", "key": "k", "yes": True},
                                       {"id": "job_2", "key": "newsroom:msg_1", "yes": True}])
        connection.execute(text(endpoint), [{"id": "we_a", "yes": False}, {"id": "we_newsroom", "yes": True}])
        connection.execute(text("INSERT INTO api_keys (id, name, prefix, secret_hash, created_at) "
                                "VALUES ('key_1', 'cms', 'wb_key_1_ab', 'h', 1.0)"))
    db.upgrade()
    assert_at_head_without_drift(db)
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT id, owner FROM jobs ORDER BY id")).all() == [
            ("job_1", "anonymous"), ("job_2", "newsroom")]
        assert connection.execute(text("SELECT id, owner FROM webhook_endpoints ORDER BY id")).all() == [
            ("we_a", "anonymous"), ("we_newsroom", "newsroom")]
        assert connection.execute(text("SELECT scope FROM api_keys")).scalar_one() == "user"
        connection.execute(text(job.replace("(id,", "(owner, id,").replace("VALUES (", "VALUES ('key_1', ")),
                           {"id": "job_3", "key": "k", "yes": True})  # another owner's "k": no clash
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text(job.replace("(id,", "(owner, id,").replace("VALUES (", "VALUES ('key_1', ")),
                           {"id": "job_4", "key": "k", "yes": True})

    _downgrade(db, "0003")
    with db.engine.begin() as connection:  # global keys again: the oldest job keeps "k"
        assert connection.execute(text("SELECT id, idempotency_key FROM jobs ORDER BY id")).all() == [
            ("job_1", "k"), ("job_2", "newsroom:msg_1"), ("job_3", None)]
    db.upgrade()
    assert_at_head_without_drift(db)


def _downgrade(db: Database, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()


def test_owners_migrate_existing_rows_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'owners.db'}")
    _owners_migrate_existing_rows(db)
    db.dispose()


@pytest.mark.servers
def test_owners_migrate_existing_rows_on_postgresql(postgres_server: PostgresServer) -> None:
    db = Database(postgres_server.new_database("migrate_owners"))
    _owners_migrate_existing_rows(db)
    db.dispose()
