"""Apps with access settings of their own, each on a fresh database (and fresh in-process counters)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from jobs.support import receiver  # noqa: F401 - the loopback webhook receiver fixture
from service.api.app import create_app
from service.auth.keys import KeyStore
from service.config import Settings
from service.db import Database
from service.pipeline import Pipeline

#: No background threads: these tests send cheap requests and never wait for jobs to run.
QUIET: dict[str, Any] = {"job_workers": 0, "webhook_workers": 0}

AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_app(settings: Settings, pipeline: Pipeline, tmp_path: Path) -> Iterator[AppFactory]:
    """`make_app(**settings)`: a started app on this test's database; stopped after the test."""
    with ExitStack() as stack:
        def make(**overrides: Any) -> TestClient:
            configured = settings.model_copy(update={"data_dir": tmp_path / "data", **QUIET, **overrides})
            return stack.enter_context(TestClient(create_app(configured, pipeline)))

        yield make


@pytest.fixture
def keys(tmp_path: Path) -> Iterator[KeyStore]:
    """The key store of the database `make_app` uses (migrated, as the CLI would)."""
    db = Database.from_settings(Settings(data_dir=tmp_path / "data"))
    db.upgrade()
    yield KeyStore(db)
    db.dispose()
