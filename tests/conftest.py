"""Shared fixtures: tiny real models built from the seed text, a registry and settings pointing at them.

Nothing here touches the network: HF_HUB_OFFLINE is forced before transformers is imported. The start-up preload
is off (WIREBRIEF_PRELOAD=0), for apps built here and servers started from this environment alike; the tests of
the preload turn it on.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["WIREBRIEF_PRELOAD"] = "0"  # models load on first use: a preload would lengthen every app's start

from pathlib import Path  # noqa: E402
from typing import Iterator  # noqa: E402

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from service.api.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from testkit import PROJECT_ROOT
from service.pipeline import Pipeline  # noqa: E402
from testkit import servers, tiny  # noqa: E402
from testkit.tiny import write_registry  # noqa: E402,F401 - used by tests

SEEDS_DIR = PROJECT_ROOT / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))
NORWEGIAN_SEED = SEEDS_DIR / "004_916f6436b312c54f.txt"
ENGLISH_SEEDS = [p for p in SEED_FILES if p != NORWEGIAN_SEED]


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_models() -> dict[str, Path]:
    """A MarianMT and a BART checkpoint with tiny dims, trained for seconds to copy seed sentences (cached)."""
    return tiny.ensure_models()


@pytest.fixture(scope="session")
def settings(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("wirebrief")
    registry = write_registry(root / "registry.toml", tiny_models["marian"], tiny_models["bart"])
    return Settings(registry_path=registry, models_dir=root / "cache", data_dir=root / "data", translate_beams=2)


@pytest.fixture(scope="session")
def pipeline(settings: Settings) -> Pipeline:
    return Pipeline.from_settings(settings)


@pytest.fixture(scope="session")
def client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(settings, pipeline)) as test_client:
        yield test_client


# -- real servers (redis-server, PostgreSQL), started by the test session --------------------------

#: CI sets this (and CI=true): a missing server binary is then a failure, never a skip.
REQUIRE_SERVERS = bool(os.environ.get("WIREBRIEF_REQUIRE_SERVERS") or os.environ.get("CI"))


def _server_or_skip(start, what: str):  # noqa: ANN001, ANN202 - a context manager factory
    try:
        return start()
    except FileNotFoundError as exc:
        message = f"{what} is not installed ({exc}); run `bash .ci/run` or apt-get install redis-server postgresql"
        if REQUIRE_SERVERS:
            pytest.fail(f"CI requires real servers: {message}")
        pytest.skip(f"!!! SKIPPED: {message}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator["servers.RedisServer"]:
    """A real redis-server on 127.0.0.1 for the whole session (tests that restart it use their own)."""
    server = _server_or_skip(lambda: servers.RedisServer().start(), "redis-server")
    yield server
    server.remove()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator["servers.PostgresServer"]:
    """A real PostgreSQL on 127.0.0.1 for the whole session; tests make their own databases in it."""
    server = _server_or_skip(lambda: servers.PostgresServer().start(), "PostgreSQL")
    yield server
    server.remove()
