"""The bookkeeping that keeps broker messages from being lost or multiplied, against a real redis-server."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import redis

from jobs.support import english_items
from service.config import Settings
from service.db import Database
from service.distributed.app import QUEUE
from service.distributed.broker import Broker
from service.common.clock import now
from service.common.owners import ANONYMOUS
from service.jobs.schemas import JobItemIn
from service.jobs.store import JobStore
from testkit.servers import RedisServer

pytestmark = pytest.mark.servers


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'broker.db'}")
    database.upgrade()
    yield database
    database.dispose()


def make_job(store: JobStore, count: int) -> str:
    items = [JobItemIn.model_validate(item) for item in english_items(count)]
    job, _ = store.create(ANONYMOUS, items, endpoint_id=None, events=[], idempotency_key=None, fingerprint="f")
    return job.id


def queued_messages(server: RedisServer) -> int:
    return redis.Redis.from_url(server.url).llen(QUEUE)


def broker_for(db: Database, server: RedisServer, settings: Settings) -> Broker:
    broker_settings = settings.model_copy(update={"broker_url": server.url, "broker_connect_timeout_s": 1.0})
    return Broker.from_settings(db, broker_settings.broker, broker_settings.jobs)


def test_a_submitted_job_sends_one_message_per_item(db: Database, redis_server: RedisServer,
                                                    settings: Settings) -> None:
    redis.Redis.from_url(redis_server.url).delete(QUEUE)
    broker, store = broker_for(db, redis_server, settings), JobStore(db)
    job_id = make_job(store, 25)
    broker.submit(job_id)
    assert queued_messages(redis_server) == 25
    assert store.take_lost(redispatch_after_s=3600) == []  # all covered: nothing for the reconciler
    broker.submit(job_id)  # a second submit of the same job sends nothing more
    assert queued_messages(redis_server) == 25
    broker.stop()


def test_concurrent_senders_for_the_same_moment_send_once(db: Database, redis_server: RedisServer,
                                                          settings: Settings) -> None:
    redis.Redis.from_url(redis_server.url).delete(QUEUE)
    broker, store = broker_for(db, redis_server, settings), JobStore(db)
    make_job(store, 1)
    item_id = store.take_lost(redispatch_after_s=3600)[0]  # as if its first message went out
    at = now() + 30  # e.g. the end of a lease several redeliveries want to look at again
    threads = [threading.Thread(target=broker.item, args=(item_id, at)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert queued_messages(redis_server) == 1
    broker.stop()


def test_reconcilers_share_lost_items_without_overlap(db: Database) -> None:
    store = JobStore(db)
    make_job(store, 120)
    taken: list[list[int]] = [[], [], []]

    def reconcile(slot: int) -> None:
        taken[slot].extend(JobStore(db).take_lost(redispatch_after_s=3600, limit=50))

    for _ in range(3):  # three rounds of three racing reconcilers
        threads = [threading.Thread(target=reconcile, args=(slot,)) for slot in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    everything = [item_id for ids in taken for item_id in ids]
    assert len(everything) == len(set(everything)) == 120


def test_a_job_taken_while_the_broker_is_down_is_sent_by_the_reconciler_later(db: Database,
                                                                              settings: Settings) -> None:
    server = RedisServer().start()
    try:
        broker, store = broker_for(db, server, settings), JobStore(db)
        server.stop()
        job_id = make_job(store, 10)
        broker.submit(job_id)  # refused: the job stays stored, its items unsent
        server.start()
        lost = store.take_lost(redispatch_after_s=3600)
        assert len(lost) == 10
        assert all(broker.send("wirebrief.run_item", item_id) for item_id in lost)
        assert queued_messages(server) == 10
        broker.stop()
    finally:
        server.remove()


def test_a_retry_too_far_ahead_for_a_countdown_is_sent_by_the_reconciler_once_due(
        db: Database, redis_server: RedisServer, settings: Settings) -> None:
    from sqlalchemy import update

    from service.jobs.models import Item

    redis.Redis.from_url(redis_server.url).delete(QUEUE)
    broker_settings = settings.model_copy(update={"broker_url": redis_server.url, "broker_visibility_timeout_s": 10.0})
    broker = Broker.from_settings(db, broker_settings.broker, broker_settings.jobs)
    store = JobStore(db)
    make_job(store, 1)
    item_id = store.take_lost(redispatch_after_s=3600)[0]  # its first message went out
    due = now() + 0.3
    with db.session() as session:  # a transient failure put it back, due a little later
        session.execute(update(Item).where(Item.id == item_id).values(available_at=due))
        session.commit()
    broker.item(item_id, at=due + 60)  # farther than half the visibility timeout: no countdown message
    assert queued_messages(redis_server) == 0
    assert store.take_lost(redispatch_after_s=3600) == []  # not due yet
    time.sleep(0.4)
    assert store.take_lost(redispatch_after_s=3600) == [item_id]
    assert store.take_lost(redispatch_after_s=3600) == []  # and to one reconciler only
    broker.stop()
