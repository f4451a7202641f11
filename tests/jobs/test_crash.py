"""Crash safety for real: the server (and `wirebrief batch`) as subprocesses, killed with SIGKILL mid-job."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from jobs.support import article_items, jsonl, wait_until
from service.config import Settings
from testkit import PROJECT_ROOT

WIREBRIEF = [sys.executable, "-m", "service.cli"]
ITEMS = 300
KILL_AFTER = 50  # items done when the process is killed


def env_for(settings: Settings, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path),
            "WIREBRIEF_MODELS_DIR": str(settings.models_dir), "WIREBRIEF_DATA_DIR": str(data_dir),
            "WIREBRIEF_TRANSLATE_BEAMS": "2", "WIREBRIEF_JOB_WORKERS": "2", "WIREBRIEF_JOB_LEASE_S": "2",
            "WIREBRIEF_JOB_POLL_INTERVAL_S": "0.1", "WIREBRIEF_WEBHOOK_POLL_INTERVAL_S": "0.1",
            "WIREBRIEF_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S": "[0.2, 0.5, 1]",
            "WIREBRIEF_WEBHOOK_TIMEOUT_S": "1"}  # a delivery cut off by the kill is retried 8 s later (its lease)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    with log.open("a") as out:
        proc = subprocess.Popen([*WIREBRIEF, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base, proc), timeout=90, interval=0.2, what=f"server start (see {log})")
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _healthy(base: str, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, "server exited"
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def job_state(base: str, job_id: str) -> dict:
    return httpx.get(f"{base}/v1/jobs/{job_id}", timeout=10).json()


def test_kill_9_mid_job_then_restart_does_every_item_exactly_once(settings, tmp_path: Path, receiver) -> None:
    env, log = env_for(settings, tmp_path / "data"), tmp_path / "server.log"
    items = article_items(ITEMS)
    with serve(env, log) as (base, proc):
        endpoint = httpx.post(f"{base}/v1/webhooks/endpoints", json={"url": receiver.url}, timeout=10).json()
        job = httpx.post(f"{base}/v1/jobs", json={"items": items, "webhook_endpoint_id": endpoint["id"],
                                                  "events": ["article.processed", "job.completed"]}, timeout=30).json()
        before = wait_until(lambda: (s := job_state(base, job["id"]))["counts"]["completed"] >= KILL_AFTER and s,
                            timeout=90, interval=0.05, what=f"{KILL_AFTER} items done")
        proc.kill()  # SIGKILL: no shutdown, no lease released
        proc.wait(timeout=10)
    assert before["counts"]["completed"] < ITEMS, "the job must still be running when the server is killed"

    with serve(env, log) as (base, _):
        final = wait_until(lambda: (s := job_state(base, job["id"]))["state"] == "completed" and s,
                           timeout=120, interval=0.2, what="the job to finish after the restart")
        lines = [json.loads(line) for line in httpx.get(f"{base}/v1/jobs/{job['id']}/results", timeout=30)
                 .text.splitlines()]
        events = receiver.received(ITEMS + 1, timeout=60)

    assert final["counts"] == {"total": ITEMS, "completed": ITEMS, "failed": 0, "cancelled": 0, "pending": 0}
    assert [line["custom_id"] for line in lines] == [item["custom_id"] for item in items], "none lost, none twice"
    assert {line["type"] for line in lines} == {"result"}
    with sqlite3.connect(tmp_path / "data" / "wirebrief.db") as db:
        attempts = [row[0] for row in db.execute("SELECT attempts FROM job_items")]
    assert len(attempts) == ITEMS and max(attempts) <= 2, "an interrupted item is tried once more, no more"

    ids_by_item: dict[str, set[str]] = {}
    for request in events:
        body = request.json()
        key = body["data"].get("custom_id", body["type"])
        ids_by_item.setdefault(key, set()).add(request.headers["webhook-id"])
    assert set(ids_by_item) == {item["custom_id"] for item in items} | {"job.completed"}
    assert all(len(ids) == 1 for ids in ids_by_item.values()), "one event per item (a resend keeps its id)"


def done_count(state: Path) -> int:
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM job_items WHERE state = 'done'").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_batch_cli_resumes_after_kill_9(settings, tmp_path: Path) -> None:
    env = env_for(settings, tmp_path / "data")
    items = article_items(ITEMS)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(items))
    state = tmp_path / "out.jsonl.state.db"
    command = [*WIREBRIEF, "batch", str(source), "--out", str(out), "--workers", "2"]
    with (tmp_path / "first.log").open("w") as log:
        proc = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: done_count(state) >= KILL_AFTER, timeout=90, interval=0.05, what=f"{KILL_AFTER} items done")
    finally:
        proc.kill()
        proc.wait(timeout=10)
    first = done_count(state)
    assert KILL_AFTER <= first < ITEMS and not out.exists()

    rerun = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming job_" in rerun.stderr and "item/s" in rerun.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["custom_id"] for line in lines] == [item["custom_id"] for item in items]
    assert all(line["type"] == "result" for line in lines)
    assert not state.exists(), "the state database is removed once the results are written"


def test_batch_cli_names_a_bad_line_and_starts_nothing(settings, tmp_path: Path) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"custom_id": "a", "text": "Fine."}\n{"custom_id": "b"}\n', encoding="utf-8")
    result = subprocess.run([*WIREBRIEF, "batch", str(source), "--out", str(out)], env=env_for(settings, tmp_path),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "invalid_input: line 2: text: Field required" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"], "no state, no output"
