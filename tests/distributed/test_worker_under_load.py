"""A `wirebrief worker` makes progress on a machine whose CPUs are all busy.

Celery kills a prefork child that has not reported ready within `worker_proc_alive_timeout` and
starts another. With the engines imported in each child and Celery's 4 s default, a loaded machine
replaced children in a loop and no task ever ran. Now the parent imports them before forking and
children get `worker_start_timeout_s`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jobs.support import english_items, wait_until

from service.common.owners import ANONYMOUS
from service.config import Settings
from service.db import Database
from service.distributed.app import make_celery
from service.distributed.broker import Broker
from service.jobs.schemas import JobItemIn
from service.jobs.store import JobStore
from testkit import PROJECT_ROOT
from testkit.live import settings_env
from testkit.servers import RedisServer

from .cluster import cluster_settings

pytestmark = [pytest.mark.servers, pytest.mark.slow]

#: How long the job may take on a loaded machine (CI machines are busy already before this test adds load).
PATIENCE_S = 300
#: Each busy loop ends on its own after this, whatever happens to the test.
BUSY_S = PATIENCE_S + 60


def busy_loops(count: int) -> list[subprocess.Popen]:
    code = f"import time\nend = time.monotonic() + {BUSY_S}\nwhile time.monotonic() < end:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]


def test_children_get_the_start_timeout_setting(settings: Settings) -> None:
    celery = make_celery(settings.model_copy(update={"worker_start_timeout_s": 42.0}).broker, settings.jobs)
    assert celery.conf.worker_proc_alive_timeout == 42.0


#: Runs `run_worker` with Celery's `worker_main` replaced: prints whether the engines were imported by then.
PARENT_PROBE = """
import sys
from celery import Celery
from service.common.owners import ANONYMOUS
from service.config import Settings
from service.distributed.worker import run_worker

def probe(self, argv):
    print("engines imported before the pool starts:", "transformers.models.marian.modeling_marian" in sys.modules)

Celery.worker_main = probe
run_worker(Settings(), loglevel="INFO")
"""


def test_the_parent_imports_the_engines_before_the_pool_forks(settings: Settings, tmp_path: Path) -> None:
    worker_settings = cluster_settings(settings, tmp_path / "data", broker_url="redis://127.0.0.1:1/0",
                                       database_url=f"sqlite:///{tmp_path / 'probe.db'}")
    probe = subprocess.run([sys.executable, "-c", PARENT_PROBE], env=settings_env(worker_settings), cwd=PROJECT_ROOT,
                           capture_output=True, text=True, timeout=120, check=False)
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert "engines imported before the pool starts: True" in probe.stdout


def test_a_worker_completes_a_job_while_every_cpu_is_busy(
        settings: Settings, redis_server: RedisServer, tmp_path: Path) -> None:
    # The item limits are generous: this test is about children starting, and an item that takes 20 s on a
    # starved CPU (the cluster tests' limit) would be retried instead of completing.
    worker_settings = cluster_settings(settings, tmp_path / "data", worker_concurrency=2,
                                       job_item_soft_time_limit_s=PATIENCE_S, job_item_time_limit_s=PATIENCE_S + 30,
                                       broker_visibility_timeout_s=PATIENCE_S + 60,
                                       broker_redispatch_after_s=PATIENCE_S + 60,
                                       broker_url=redis_server.url.replace("/0", "/4"),
                                       database_url=f"sqlite:///{tmp_path / 'load.db'}")
    db = Database.from_settings(worker_settings)
    db.upgrade()
    store = JobStore(db)
    items = [JobItemIn.model_validate(item) for item in english_items(3)]
    job, _ = store.create(ANONYMOUS, items, endpoint_id=None, events=[], idempotency_key=None, fingerprint="load")
    broker = Broker.from_settings(db, worker_settings.broker, worker_settings.jobs)
    broker.submit(job.id)

    load = busy_loops(2 * len(os.sched_getaffinity(0)))
    log_path = tmp_path / "worker.log"
    try:
        with log_path.open("w") as log:
            worker = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=settings_env(worker_settings),
                                      cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            try:
                wait_until(lambda: store.get(job.id).state == "completed", timeout=PATIENCE_S, interval=0.5,
                           what="the job to complete under load")
            except AssertionError as exc:
                raise AssertionError(f"{exc}; worker log ends:\n{log_path.read_text()[-4000:]}") from None
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
            broker.stop()
    finally:
        for proc in load:
            proc.kill()
            proc.wait(timeout=10)
    output = log_path.read_text()
    assert "Timed out waiting for UP message" not in output, output[-3000:]
    assert store.get(job.id).state == "completed"
