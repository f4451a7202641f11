"""A store that cannot take writes answers 503 storage_unavailable; workers back off; nothing is lost or doubled.

The fault is real SQLite behaviour: every connection is opened with `PRAGMA query_only=ON`, so each
write fails with "attempt to write a readonly database", as an immutable file or a full disk does.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from jobs.support import EXTRACTIVE, norwegian_items, result_lines, wait_final
from service.common.polling import PollingThreads
from service.db import Database, storage_fault
from testkit import PROJECT_ROOT


class ReadOnly:
    """Makes a Database read-only (`PRAGMA query_only`) while `on`: set on each connection as it is checked out."""

    def __init__(self, database: Database) -> None:
        self.on = False
        event.listen(database.engine, "checkout", self._checked_out)

    def _checked_out(self, connection, _record, _proxy) -> None:
        connection.execute(f"PRAGMA query_only={int(self.on)}")

    def set(self, on: bool) -> None:
        self.on = on


def test_writes_to_a_read_only_store_are_503_and_every_item_runs_exactly_once_after(make_client, caplog) -> None:
    client = make_client(job_poll_max_backoff_s=0.4, webhook_poll_max_backoff_s=0.4)
    fault = ReadOnly(client.app.state.db)
    fault.set(True)
    refused = client.post("/v1/jobs", json={"items": norwegian_items(2, prefix="x")})
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "storage_unavailable"
    assert "readonly database" in refused.json()["error"]["message"]
    assert refused.headers["retry-after"] == "5"

    fault.set(False)
    warm = client.post("/v1/articles", json={k: v for k, v in norwegian_items(1, prefix="w")[0].items()
                                             if k != "custom_id"})  # load the model first
    assert warm.status_code == 200, warm.text
    items = norwegian_items(30)
    created = client.post("/v1/jobs", json={"items": items})
    assert created.status_code in (200, 201, 202), created.text
    job_id = created.json()["id"]
    with caplog.at_level(logging.WARNING, logger="service.common.polling"):
        fault.set(True)  # items in flight now fail to record; idle threads fail to claim
        window_s = 2.0
        time.sleep(window_s)
        failures = [r for r in caplog.records if "step failed" in r.getMessage()]
        assert client.get(f"/v1/jobs/{job_id}").status_code == 200, "reads still work"
        fault.set(False)
    # 2 job threads + heartbeat + webhook sender, each waiting 0.05, 0.1, 0.2, 0.4, 0.4 ... s: about 7 apiece
    assert 1 <= len(failures) <= 40, f"{len(failures)} failure lines in {window_s} s"
    assert all(bool(r.exc_info) == ("failure 1 in a row" in r.getMessage()) for r in failures), \
        "a traceback only for the first failure of a run"

    done = wait_final(client, job_id, timeout=120)
    assert done["state"] == "completed" and done["counts"]["completed"] == len(items), done
    lines = result_lines(client, job_id)
    assert Counter(line["custom_id"] for line in lines) == Counter(item["custom_id"] for item in items)
    assert {line["type"] for line in lines} == {"result"}, lines


def test_polling_threads_back_off_while_a_step_raises_and_reset_on_success(caplog) -> None:
    calls: list[float] = []
    broken = threading.Event()
    broken.set()

    def step() -> bool:
        calls.append(time.monotonic())
        if broken.is_set():
            raise OperationalError("UPDATE items", {}, sqlite3.OperationalError("database or disk is full"))
        return False

    threads = PollingThreads("test-poller", 1, step, interval_s=0.05, max_backoff_s=0.4)
    assert [threads.backoff_s(n) for n in range(1, 7)] == [0.05, 0.1, 0.2, 0.4, 0.4, 0.4]
    with caplog.at_level(logging.WARNING, logger="service.common.polling"):
        threads.start()
        stop_waking = time.monotonic() + 1.5
        while time.monotonic() < stop_waking:  # new work keeps arriving: wake-ups must not shorten the backoff
            threads.wake()
            time.sleep(0.001)
        failed_calls = len(calls)
        broken.clear()
        time.sleep(0.6)  # the last backoff ends, the step succeeds, then idles at interval_s
        threads.stop(grace_s=1.0)
    # 0.05 + 0.1 + 0.2 + 0.4 + 0.4 + 0.4 > 1.5: at most 6 calls in the window (a spin made thousands)
    assert 3 <= failed_calls <= 7, failed_calls
    lines = [r.getMessage() for r in caplog.records if r.name == "service.common.polling"]
    failure_lines = [line for line in lines if "step failed" in line]
    assert len(failure_lines) == failed_calls
    assert "database or disk is full" in failure_lines[0] and "next try in 0.1s" in failure_lines[1]
    assert any("succeed again" in line for line in lines)
    assert len(calls) - failed_calls >= 2, "after success the thread polls at interval_s again"


@pytest.mark.parametrize("message, unavailable", [
    ("attempt to write a readonly database", True),
    ("database or disk is full", True),
    ("database is locked", True),
    ("unable to open database file", True),
    ("database disk image is malformed", True),
    ("no such table: jobs", False),  # our bug, a 500
])
def test_sqlite_faults_are_told_from_our_bugs(message: str, unavailable: bool) -> None:
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))
    fault = storage_fault(error)
    assert (fault is not None) == unavailable
    if fault is not None:
        assert fault.status == 503 and fault.code == "storage_unavailable" and message in fault.message
        assert fault.headers == {"Retry-After": "5"}


def test_postgres_connection_errors_are_storage_faults() -> None:
    import psycopg

    down = OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused"))
    assert storage_fault(down) is not None
    assert storage_fault(ValueError("not a database error")) is None


def _corrupt(path: Path) -> None:
    """Random bytes over the pages past the schema page, as a bad disk or a stray writer leaves them."""
    rng = random.Random(11)
    size = path.stat().st_size
    assert size > 4 * 4096, "the store has pages to damage"
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(bytes(rng.randrange(256) for _ in range(size - 4096 - 1024)))


def _db_check(url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WIREBRIEF_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "service.cli", "db", "check"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_db_check_and_ready_see_a_corrupt_store(make_client, tmp_path: Path) -> None:
    client = make_client()
    created = client.post("/v1/jobs", json={"items": [{"custom_id": f"c{i}", "summary": EXTRACTIVE,
                                                       "text": f"Item {i}. " + "The council met again. " * 40}
                                                      for i in range(30)]})
    wait_final(client, created.json()["id"])
    ready = client.get("/ready")
    assert ready.json()["storage"] == {"state": "ok", "problems": []}
    database = client.app.state.db
    with database.engine.connect() as connection:  # the whole store in the main file, for the copy
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(database.engine.url.database)
    good, bad = tmp_path / "good.db", tmp_path / "bad.db"
    shutil.copy(path, good)
    shutil.copy(path, bad)
    _corrupt(bad)

    intact = _db_check(f"sqlite:///{good}")
    assert intact.returncode == 0 and intact.stdout.splitlines() == ["database ok"], intact.stdout + intact.stderr
    damaged = _db_check(f"sqlite:///{bad}")
    assert damaged.returncode == 1, damaged.stdout + damaged.stderr
    assert damaged.stdout.splitlines()[0] == "database corrupt" and len(damaged.stdout.splitlines()) > 1

    _corrupt(path)
    database._health = None  # the remembered check would hide the damage for HEALTH_TTL_S
    ready = client.get("/ready")
    assert ready.status_code == 503
    body = ready.json()
    assert body["ready"] is False and body["storage"]["state"] == "corrupt" and body["storage"]["problems"]


def test_a_missing_store_is_unreachable(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'gone' / 'wirebrief.db'}")
    health = database.check()
    assert health.state == "unreachable" and not health.ok
