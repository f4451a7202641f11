"""Distributed mode end to end: an API process and two `wirebrief worker` processes (Celery) over a real
redis-server and PostgreSQL, on the tiny models; faults injected with SIGKILL and a Redis restart."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select

from jobs.support import Receiver, article_items, norwegian_items, wait_until
from service.config import Settings
from testkit import PROJECT_ROOT
from service.jobs.models import RUNNING, Item
from testkit.live import running_server, settings_env
from testkit.servers import PostgresServer, RedisServer

from .cluster import Cluster, cluster_settings, comparable

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def translated_items(count: int, prefix: str) -> list[dict[str, Any]]:
    """Longer Norwegian items with abstractive summaries: both tiny models run, about a second each, so a
    worker spends nearly all its time inside an item (a kill almost never falls between two)."""
    return [{**item, "text": " ".join([item["text"]] * 3), "summary": {"method": "abstractive", "style": "brief"}}
            for item in norwegian_items(count, prefix)]


def mixed_items(count: int, prefix: str) -> list[dict[str, Any]]:
    """Three in four English articles (extractive), one in four Norwegian (translated), interleaved."""
    english, norwegian = article_items(count, prefix + "e"), norwegian_items(count, prefix + "n")
    return [norwegian[i] if i % 4 == 3 else english[i] for i in range(count)]


@pytest.fixture(scope="module")
def cluster(settings: Settings, postgres_server: PostgresServer, redis_server: RedisServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster")
    redis = RedisServer().start()  # this module's own: one test restarts it
    database_url = postgres_server.new_database("cluster")
    env = settings_env(cluster_settings(settings, root / "data", broker_url=redis.url, database_url=database_url))
    (root / "logs").mkdir()
    cluster = Cluster(env=env, logs=root / "logs", redis=redis)
    try:
        cluster.start_api()
        cluster.start_worker()
        cluster.start_worker()
        yield cluster
    finally:
        cluster.stop()
        redis.remove()


def assert_exactly_once(lines: list[dict[str, Any]], items: list[dict[str, Any]]) -> None:
    """One line per item, in the job's order, none lost, none doubled, all of them results."""
    assert [line["custom_id"] for line in lines] == [item["custom_id"] for item in items]
    assert Counter(line["type"] for line in lines) == {"result": len(items)}


def test_a_200_item_job_completes_and_matches_the_embedded_mode(cluster: Cluster, settings: Settings,
                                                                  tmp_path: Path) -> None:
    items = mixed_items(200, "m")
    job_id = cluster.submit(items)
    job = cluster.wait_final(job_id, timeout=300)
    assert job["state"] == "completed"
    assert job["counts"] == {"total": 200, "completed": 200, "failed": 0, "cancelled": 0, "pending": 0}
    distributed = cluster.results(job_id)
    assert_exactly_once(distributed, items)

    # The same input through the embedded mode (SQLite, in-process threads) gives the same results.
    env = settings_env(cluster_settings(settings, tmp_path / "embedded", job_workers=2))
    with running_server(env, PROJECT_ROOT) as (base, _):
        created = httpx.post(f"{base}/v1/jobs", json={"items": items}, timeout=60)
        assert created.status_code == 201, created.text
        embedded_id = created.json()["id"]
        wait_until(lambda: httpx.get(f"{base}/v1/jobs/{embedded_id}", timeout=30).json()["state"] == "completed",
                   timeout=300, interval=0.25, what="the embedded job")
        embedded = [json.loads(line) for line in httpx.get(f"{base}/v1/jobs/{embedded_id}/results",
                                                           timeout=60).text.splitlines()]
    assert [comparable(line) for line in distributed] == [comparable(line) for line in embedded]


def test_a_worker_killed_mid_job_loses_no_item_and_doubles_none(cluster: Cluster, receiver: Receiver) -> None:
    endpoint = httpx.post(f"{cluster.base}/v1/webhooks/endpoints", timeout=10,
                          json={"url": receiver.url, "events": ["article.processed", "job.completed"]}).json()
    items = translated_items(40, "k")
    job_id = cluster.submit(items, webhook_endpoint_id=endpoint["id"], events=["article.processed", "job.completed"])
    engine = create_engine(cluster.env["WIREBRIEF_DATABASE_URL"])

    def both_workers_busy() -> bool:  # then the killed worker dies holding an item
        with engine.connect() as connection:
            running = connection.scalar(select(func.count()).select_from(Item)
                                        .where(Item.job_id == job_id, Item.state == RUNNING))
        return running == 2

    wait_until(lambda: cluster.job(job_id)["counts"]["completed"] >= 5, timeout=120, what="5 items done")
    wait_until(both_workers_busy, timeout=60, interval=0.01, what="both workers busy")
    victim = cluster.workers[0]
    cluster.kill_worker(victim)

    job = cluster.wait_final(job_id, timeout=240)
    assert job["counts"]["completed"] == 40 and job["state"] == "completed"
    assert_exactly_once(cluster.results(job_id), items)
    with engine.connect() as connection:
        attempts = dict(connection.execute(select(Item.custom_id, Item.attempts).where(Item.job_id == job_id)).all())
    assert max(attempts.values()) == 2, "the item the dead worker held was claimed again"
    assert sum(1 for n in attempts.values() if n == 2) >= 1

    events = [r.json() for r in receiver.received(41, timeout=60)]
    processed = Counter(e["data"]["custom_id"] for e in events if e["type"] == "article.processed")
    assert processed == {item["custom_id"]: 1 for item in items}, "one article.processed per item, none twice"
    assert [e["type"] for e in events].count("job.completed") == 1
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == len(receiver.requests) == 41
    cluster.workers.remove(victim)
    cluster.start_worker()  # back to two for the next tests


def test_a_redis_restart_mid_job_does_not_stop_the_job(cluster: Cluster) -> None:
    items = mixed_items(80, "r")
    job_id = cluster.submit(items)
    wait_until(lambda: cluster.job(job_id)["counts"]["completed"] >= 10, timeout=120, what="10 items done")
    cluster.redis.restart(down_s=2.0)
    job = cluster.wait_final(job_id, timeout=240)
    assert job["state"] == "completed" and job["counts"]["completed"] == 80
    assert_exactly_once(cluster.results(job_id), items)


def test_a_dead_api_process_loses_nothing(cluster: Cluster, receiver: Receiver) -> None:
    """The API only enqueues: killed right after taking a job, the workers still run it and deliver its
    webhooks (a failed first delivery is retried by a worker), and a new API process serves the results."""
    receiver.script = [(500, {})]
    endpoint = httpx.post(f"{cluster.base}/v1/webhooks/endpoints", timeout=10,
                          json={"url": receiver.url, "events": ["job.completed"]}).json()
    items = mixed_items(40, "d")
    job_id = cluster.submit(items, webhook_endpoint_id=endpoint["id"])
    cluster.kill_api()  # SIGKILL: the job is stored and its messages are queued; nothing else was the API's
    requests = receiver.received(2, timeout=120)
    assert [r.json()["type"] for r in requests] == ["job.completed", "job.completed"]
    assert requests[0].headers["webhook-id"] == requests[1].headers["webhook-id"]  # one delivery, retried
    assert requests[1].json()["data"]["job_id"] == job_id
    cluster.start_api()
    assert cluster.job(job_id)["counts"]["completed"] == 40
    assert_exactly_once(cluster.results(job_id), items)
    # the new API process's /metrics reports the whole cluster's work, done by the workers
    metrics = {(s.name, s.labels.get("state")): s.value
               for family in text_string_to_metric_families(httpx.get(f"{cluster.base}/metrics", timeout=30).text)
               for s in family.samples}
    assert metrics[("wirebrief_job_items", "queued")] == metrics[("wirebrief_job_items", "running")] == 0
    assert metrics[("wirebrief_job_items", "done")] >= 40
    assert metrics[("wirebrief_webhook_delivery_states", "pending")] == 0
    assert metrics[("wirebrief_webhook_delivery_states", "succeeded")] >= 1
