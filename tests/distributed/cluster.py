"""A real distributed deployment on loopback: API processes and `wirebrief worker` processes sharing
one PostgreSQL database and one redis-server, each started as a subprocess and killable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from jobs.support import wait_until
from service.config import Settings
from testkit import PROJECT_ROOT
from testkit.live import running_server
from testkit.servers import RedisServer

#: Short limits so that recovery from a killed worker happens within a test's patience.
FAST: dict[str, Any] = {
    "translate_beams": 2, "job_item_soft_time_limit_s": 15.0, "job_item_time_limit_s": 20.0,
    "broker_visibility_timeout_s": 10.0, "broker_reconcile_interval_s": 1.0, "broker_redispatch_after_s": 15.0,
    "job_retry_backoff_s": 0.2, "webhook_allowed_hosts": "127.0.0.1", "webhook_retry_schedule_s": [0.5, 1.0, 2.0],
    "webhook_retry_jitter": 0.0, "webhook_timeout_s": 2.0, "log_format": "text", "torch_threads": 1,
}


def cluster_settings(settings: Settings, data_dir: Path, **updates: Any) -> Settings:
    """The session's settings (tiny models) with the fast limits; processes get them via `settings_env`."""
    return settings.model_copy(update={"data_dir": data_dir, **FAST, **updates})


@dataclass
class Cluster:
    env: dict[str, str]
    logs: Path
    redis: RedisServer
    workers: list[subprocess.Popen] = field(default_factory=list)
    stack: ExitStack = field(default_factory=ExitStack)
    base: str = ""
    api: subprocess.Popen | None = None

    def start_api(self) -> str:
        log = (self.logs / f"api-{len(os.listdir(self.logs))}.log").open("a")
        self.base, self.api = self.stack.enter_context(running_server(self.env, PROJECT_ROOT, output=log))
        return self.base

    def kill_api(self) -> None:
        assert self.api is not None
        self.api.kill()
        self.api.wait(timeout=10)

    def start_worker(self) -> subprocess.Popen:
        """A `wirebrief worker` in its own process group, so a kill takes its pool children too."""
        log = (self.logs / f"worker-{len(self.workers)}.log").open("a")
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "worker", "--loglevel", "INFO"], env=self.env,
                                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(proc)
        return proc

    def kill_worker(self, proc: subprocess.Popen) -> None:
        """SIGKILL the whole worker (main process and its children): a machine lost mid-item."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.stack.close()

    # -- the API ----------------------------------------------------------------------------------

    def submit(self, items: list[dict[str, Any]], **options: Any) -> str:
        response = httpx.post(f"{self.base}/v1/jobs", json={"items": items, **options}, timeout=60)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def job(self, job_id: str) -> dict[str, Any]:
        return httpx.get(f"{self.base}/v1/jobs/{job_id}", timeout=10).json()

    def wait_final(self, job_id: str, timeout: float) -> dict[str, Any]:
        def final() -> dict[str, Any] | None:
            job = self.job(job_id)
            return job if job["state"] in ("completed", "failed", "cancelled") else None

        return wait_until(final, timeout=timeout, interval=0.25, what=f"job {job_id} to finish (logs: {self.logs})")

    def results(self, job_id: str) -> list[dict[str, Any]]:
        import json

        response = httpx.get(f"{self.base}/v1/jobs/{job_id}/results", timeout=60)
        assert response.status_code == 200, response.text
        return [json.loads(line) for line in response.text.splitlines()]


def comparable(line: dict[str, Any]) -> dict[str, Any]:
    """A result line without what legitimately differs between runs (timings, the cache flag)."""
    line = dict(line)
    if "result" in line:
        line["result"] = {k: v for k, v in line["result"].items() if k not in ("timings_ms", "cached")}
    return line
