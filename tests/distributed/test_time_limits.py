"""Per-item time limits on a real worker: an item that overruns its soft limit fails its try with
`item_timeout`, is tried again up to the limit, and does not hold up the job's other items."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.support import english_items, wait_until
from service.config import Settings
from testkit import PROJECT_ROOT
from service.db import Database
from service.distributed.broker import Broker
from service.jobs.models import DONE, FAILED
from service.common.owners import ANONYMOUS
from service.jobs.schemas import JobItemIn
from service.jobs.store import JobStore
from testkit.live import settings_env
from testkit.servers import RedisServer

from .cluster import cluster_settings

pytestmark = [pytest.mark.servers, pytest.mark.slow]

LIMITS = {"job_item_soft_time_limit_s": 1.0, "job_item_time_limit_s": 30.0, "job_item_max_attempts": 2,
          "job_retry_backoff_s": 0.2}


def long_norwegian_article(sentences: int = 1500) -> str:
    return " ".join(f"Kommunestyret behandlet sak nummer {i} om nye skoler i Kyiv." for i in range(sentences))


def test_an_item_over_its_soft_limit_fails_with_item_timeout_and_the_rest_complete(
        settings: Settings, redis_server: RedisServer, tmp_path: Path) -> None:
    worker_settings = cluster_settings(settings, tmp_path / "data", **LIMITS,
                                       broker_url=redis_server.url.replace("/0", "/3"),
                                       database_url=f"sqlite:///{tmp_path / 'limits.db'}")
    env = settings_env(worker_settings)
    db = Database.from_settings(worker_settings)
    db.upgrade()
    store = JobStore(db)
    items = [JobItemIn.model_validate({"custom_id": "slow", "text": long_norwegian_article(),
                                       "summary": {"method": "extractive"}}),
             *[JobItemIn.model_validate(item) for item in english_items(3)]]
    job, _ = store.create(ANONYMOUS, items, endpoint_id=None, events=[], idempotency_key=None, fingerprint="limits")
    broker = Broker.from_settings(db, worker_settings.broker, worker_settings.jobs)
    broker.submit(job.id)

    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=env, cwd=PROJECT_ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: store.get(job.id).state in ("completed", "failed"), timeout=120, interval=0.2,
                   what=f"the job to finish (see {tmp_path / 'worker.log'})")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        broker.stop()

    lines = {line["custom_id"]: line for line in map(json.loads, store.result_lines(job.id))}
    assert lines["slow"]["type"] == "error"
    assert lines["slow"]["error"]["code"] == "item_timeout"
    assert lines["slow"]["attempts"] == 2
    assert [lines[f"a{i}"]["type"] for i in range(3)] == ["result"] * 3
    with db.session() as session:
        from service.jobs.models import Item

        states = {item.custom_id: item.state for item in session.query(Item).filter(Item.job_id == job.id)}
    assert states == {"slow": FAILED, "a0": DONE, "a1": DONE, "a2": DONE}
    assert store.get(job.id).state == "completed"
