"""0005 (stories) up and down on SQLite and PostgreSQL, from 0004, with the models matching head."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from service.db import Database
from testkit.servers import PostgresServer
from test_migrations import _downgrade, assert_at_head_without_drift

DESK_TABLES = {"desk_owners", "stories", "story_members"}


def _up_down_up(db: Database) -> None:
    db.upgrade("0004")
    assert DESK_TABLES & set(inspect(db.engine).get_table_names()) == set()
    db.upgrade()
    assert_at_head_without_drift(db)
    assert DESK_TABLES <= set(inspect(db.engine).get_table_names())
    _downgrade(db, "0004")
    assert DESK_TABLES & set(inspect(db.engine).get_table_names()) == set()
    db.upgrade()
    assert_at_head_without_drift(db)


def test_stories_migrate_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    _up_down_up(db)
    db.dispose()


@pytest.mark.servers
def test_stories_migrate_on_postgresql(postgres_server: PostgresServer) -> None:
    db = Database(postgres_server.new_database("migrate_stories"))
    _up_down_up(db)
    db.dispose()
