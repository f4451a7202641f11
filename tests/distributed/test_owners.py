"""Ownership in distributed mode: it rides in the shared database, so while `wirebrief worker` processes (which
act on the ids they are handed, for any owner) run A's job, B still cannot see it through the API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from auth.support import bearer
from jobs.support import english_items, wait_until
from service.auth.keys import KeyStore
from service.common.owners import ADMIN_SCOPE
from service.config import Settings
from service.db import Database
from testkit.live import settings_env
from testkit.servers import PostgresServer, RedisServer

from .cluster import Cluster, cluster_settings

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def test_b_cannot_read_as_job_while_workers_process_it(settings: Settings, postgres_server: PostgresServer,
                                                        redis_server: RedisServer, tmp_path: Path) -> None:
    database_url = postgres_server.new_database("owners")
    db = Database(database_url)
    db.upgrade()
    store = KeyStore(db)
    (_, a), (_, b), (_, admin) = store.create("alice"), store.create("bob"), store.create("ops", ADMIN_SCOPE)
    db.dispose()
    env = settings_env(cluster_settings(settings, tmp_path / "data", broker_url=redis_server.url,
                                        database_url=database_url, auth_required=True))
    (tmp_path / "logs").mkdir()
    cluster = Cluster(env=env, logs=tmp_path / "logs", redis=redis_server)
    try:
        base = cluster.start_api()
        cluster.start_worker()
        created = httpx.post(f"{base}/v1/jobs", json={"items": english_items(1)}, headers=bearer(a), timeout=60)
        assert created.status_code == 201, created.text
        job_id = created.json()["id"]
        seen_by_b: set[int] = set()

        def finished() -> bool:
            for path in (f"/v1/jobs/{job_id}", f"/v1/jobs/{job_id}/results"):
                seen_by_b.add(httpx.get(f"{base}{path}", headers=bearer(b), timeout=10).status_code)
            listed = httpx.get(f"{base}/v1/jobs", headers=bearer(b), timeout=10).json()["data"]
            assert listed == []
            return httpx.get(f"{base}/v1/jobs/{job_id}", headers=bearer(a), timeout=10).json()["state"] == "completed"

        wait_until(finished, timeout=120, interval=0.2, what=f"job {job_id} to complete (logs: {cluster.logs})")
        assert seen_by_b == {404}
        results = httpx.get(f"{base}/v1/jobs/{job_id}/results", headers=bearer(a), timeout=10)
        assert results.status_code == 200 and english_items(1)[0]["text"] in results.text
        assert httpx.get(f"{base}/v1/jobs/{job_id}/results", headers=bearer(admin), timeout=10).text == results.text
        assert httpx.get(f"{base}/v1/jobs/{job_id}/results", headers=bearer(b), timeout=10).status_code == 404
    finally:
        cluster.stop()
