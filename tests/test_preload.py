"""Warm start: `serve` loads the models requests will use before /ready turns 200 (WIREBRIEF_PRELOAD), in the
background so /health answers at once; loads in the pool run one at a time."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import write_registry
from desk.support import seed_article, seed_texts
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends import pool as pool_module
from service.backends.pool import ModelPool
from service.config import Settings
from service.db import Database
from service.desk import store as desk_store
from service.desk.store import DeskStore
from service.pipeline import Pipeline
from testkit import PROJECT_ROOT
from testkit.live import running_server, settings_env

NEEDED = ["opus-mt-gmq-en", "opus-mt-mul-en", "distilbart-cnn"]  # German is not on disk (the catch-all serves it)


def _wait_ready(get, timeout_s: float = 120) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        ready = get("/ready")
        if ready.status_code == 200 or time.monotonic() > deadline:
            return ready
        time.sleep(0.05)


def test_the_models_needed_are_every_present_translator_and_the_default_summarizer(settings: Settings) -> None:
    assert [spec.key for spec in Pipeline.from_settings(settings).needed_models()] == NEEDED
    extractive = settings.model_copy(update={"summary_method": "extractive"})
    assert [spec.key for spec in Pipeline.from_settings(extractive).needed_models()] == NEEDED[:2]


def test_loads_run_one_at_a_time_and_once_per_model(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two models built at once once failed with a "meta tensor" error: the pool never builds two together."""
    real = pool_module.load_backend
    active, most, calls = [0], [0], []
    guard = threading.Lock()

    def counting(spec, path, model_settings):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
            calls.append(spec.key)
        time.sleep(0.2)  # long enough for the other threads to arrive while this load runs
        try:
            return real(spec, path, model_settings)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(pool_module, "load_backend", counting)
    pipeline = Pipeline.from_settings(settings)
    specs = [pipeline.registry.models[key] for key in NEEDED for _ in range(2)]
    threads = [threading.Thread(target=pipeline.pool.get, args=(spec,)) for spec in specs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert most[0] == 1
        assert sorted(calls) == sorted(NEEDED)
        assert {s.key for s in pipeline.pool.status() if s.state == "loaded"} == set(NEEDED)
    finally:
        pipeline.pool.close()


@pytest.mark.parametrize("preload", [True, False])
def test_the_detector_is_warmed_at_start_only_by_the_preload(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                              preload: bool) -> None:
    """The detector (most of a gigabyte with lingua) loads at start only when WIREBRIEF_PRELOAD asks; otherwise on
    the first request that detects, and never in a server whose clients name the language."""
    warmed: list[Pipeline] = []
    monkeypatch.setattr(Pipeline, "warm_up", lambda self: warmed.append(self))
    monkeypatch.setattr(ModelPool, "start_preload", lambda self, specs: None)  # the models are not the point here
    with TestClient(create_app(settings.model_copy(update={"preload": preload}))) as client:
        assert client.get("/health").status_code == 200
        assert len(warmed) == (1 if preload else 0)


def test_ready_is_503_loading_models_until_the_preload_is_done(settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = pool_module.load_backend

    def held(spec, path, model_settings):
        assert release.wait(60)
        return real(spec, path, model_settings)

    monkeypatch.setattr(pool_module, "load_backend", held)
    with TestClient(create_app(settings.model_copy(update={"preload": True}))) as client:
        assert client.get("/health").status_code == 200, "the preload runs in the background"
        loading = client.get("/ready")
        assert loading.status_code == 503
        assert loading.json()["reason"] == f"loading models: {', '.join(NEEDED)}"
        assert {m["state"] for m in loading.json()["models"]} == {"present", "missing"}
        release.set()
        ready = _wait_ready(client.get)
        assert ready.status_code == 200, ready.json()
        assert ready.json()["reason"] is None
        states = {m["key"]: m["state"] for m in ready.json()["models"]}
        assert states == {"opus-mt-gmq-en": "loaded", "opus-mt-de-en": "missing", "opus-mt-mul-en": "loaded",
                          "distilbart-cnn": "loaded"}


def test_a_model_the_preload_cannot_load_keeps_ready_503(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken-marian"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    registry = write_registry(tmp_path / "registry.toml", broken, None)  # gmq and the catch-all: broken
    preloading = settings.model_copy(update={"preload": True, "registry_path": registry,
                                              "summary_method": "extractive"})
    with TestClient(create_app(preloading)) as client:
        ready = _wait_ready(client.get, timeout_s=30)
        assert ready.status_code == 503
        assert ready.json()["reason"] == "models failed to load: opus-mt-gmq-en, opus-mt-mul-en (see the log)"


def test_pool_close_stops_a_preload_between_models(settings: Settings) -> None:
    pool = ModelPool(Pipeline.from_settings(settings).registry, settings.models)
    pool.close()
    pool.preload([pool.registry.models[key] for key in NEEDED])
    assert pool.preloading == () and pool.status()[0].state == "present"


def test_a_live_server_loads_every_model_before_ready_and_not_with_preload_off(settings: Settings) -> None:
    for preload, expected in ((True, "loaded"), (False, "present")):
        env = settings_env(settings.model_copy(update={"preload": preload}))
        with running_server(env, PROJECT_ROOT, startup_timeout_s=60) as (base, _):
            ready = _wait_ready(lambda path: httpx.get(base + path, timeout=10))
            assert ready.status_code == 200, ready.text
            states = {m["key"]: m["state"] for m in ready.json()["models"]}
            assert [states[key] for key in NEEDED] == [expected] * 3, (preload, states)


def test_the_preload_warms_every_owners_story_index_before_ready(settings: Settings, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A newsroom's first `desk` filing after /ready finds its index loaded: it computes the features of its own
    text only, none of the stored stories'."""
    data = settings.model_copy(update={"data_dir": tmp_path / "data", "summary_method": "extractive"})
    db = Database.from_settings(data.storage)
    db.upgrade()
    filed = DeskStore(db, data.desk)
    filed.file("anonymous", seed_article("000"))
    for key in ("003", "004"):
        filed.file("newsroom", seed_article(key))
    db.dispose()

    release = threading.Event()
    real_warm = DeskStore.warm

    def held(self: DeskStore, owner: str) -> None:
        assert release.wait(60)
        real_warm(self, owner)

    monkeypatch.setattr(DeskStore, "warm", held)
    with TestClient(create_app(data.model_copy(update={"preload": True}))) as client:
        warming = client.get("/ready")
        assert warming.status_code == 503
        assert "warming the story desk" in warming.json()["reason"].split("; ")
        release.set()
        ready = _wait_ready(client.get)
        assert ready.status_code == 200, ready.json()
        store = client.app.state.desk.store
        assert {owner: index.version for owner, index in store._indexes.items()} == {"anonymous": 1, "newsroom": 2}
        assert {owner: len(index.stories) for owner, index in store._indexes.items()} == {"anonymous": 1,
                                                                                           "newsroom": 2}

        computed: list[str] = []
        real_features = desk_store.features
        monkeypatch.setattr(desk_store, "features", lambda text: computed.append(text) or real_features(text))
        response = client.post("/v1/articles", json={"text": seed_texts()["001"], "source_lang": "en",
                                                     "summary": False, "translate": False, "desk": True})
        assert response.status_code == 200, response.text
        assert len(computed) == 1  # the filed article's own text: no replay of the stored ones
        assert len(store._indexes["anonymous"].articles) == 2 and store._indexes["anonymous"].version == 2
