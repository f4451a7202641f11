"""The job store's invariants under concurrency: each item claimed and finished once, fenced by its token."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from service.db import Base, Database
from service.jobs.intake import parse_request
from service.jobs.models import DONE, QUEUED
from service.common.owners import ANONYMOUS
from service.jobs.schemas import JobItemIn
from service.jobs.store import JobStore, Outcome
from service.webhooks import models as webhook_models  # noqa: F401 - registers the webhook tables

from jobs.support import jsonl


def make_store(tmp_path: Path) -> JobStore:
    db = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    db.upgrade()
    return JobStore(db)


def add_job(store: JobStore, count: int, key: str | None = None) -> str:
    items = [JobItemIn(custom_id=f"c{i}", text=f"Text {i}.") for i in range(count)]
    job, created = store.create(ANONYMOUS, items, endpoint_id=None, events=[], idempotency_key=key, fingerprint="f")
    assert created
    return job.id


def done(custom_id: str) -> Outcome:
    return Outcome(DONE, output=f'{{"custom_id": "{custom_id}"}}', announced=True)


def test_concurrent_workers_claim_and_finish_each_item_once(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    job_ids = [add_job(store, 60), add_job(store, 60)]
    claimed: list[tuple[str, str]] = []
    closed: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while (claim := store.claim_next(lease_s=30)) is not None:
            assert store.record(claim, done(claim.custom_id))
            finished = store.finish_if_done(claim.job_id)
            with lock:
                claimed.append((claim.job_id, claim.custom_id))
                if finished:
                    closed.append(finished.id)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(claimed) == 120 and len(set(claimed)) == 120, "no item lost, none claimed twice"
    assert sorted(closed) == sorted(job_ids), "each job closed by exactly one worker"
    for job_id in job_ids:
        assert store.get(job_id).state == "completed"
        lines = list(store.result_lines(job_id))
        assert lines == [f'{{"custom_id": "c{i}"}}\n' for i in range(60)], "one line per item, in item order"


def test_a_lapsed_lease_is_reclaimed_and_the_stale_claim_is_fenced_off(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    add_job(store, 1)
    first = store.claim_next(lease_s=0.05)
    assert first is not None and first.attempts == 1
    assert store.claim_next(lease_s=30) is None, "leased"
    time.sleep(0.1)
    second = store.claim_next(lease_s=30)
    assert second is not None and second.item_id == first.item_id and second.attempts == 2
    assert not store.record(first, done("stale")), "the lapsed claim may not write"
    assert store.record(second, done("c0"))
    assert not store.record(second, done("again")), "an item finishes once"
    assert list(store.result_lines(first.job_id)) == ['{"custom_id": "c0"}\n']


def test_release_gives_items_back_without_counting_the_try(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    add_job(store, 2)
    claim = store.claim_next(lease_s=30)
    assert claim is not None
    store.release([claim.token])
    assert store.item(claim.item_id).state == QUEUED and store.item(claim.item_id).attempts == 0
    assert not store.record(claim, done("late")), "a released claim is void"
    again = store.claim_next(lease_s=30)
    assert again is not None and again.item_id == claim.item_id and again.attempts == 1


def test_a_delayed_retry_is_not_claimed_before_its_time(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    add_job(store, 1)
    claim = store.claim_next(lease_s=30)
    assert claim is not None
    assert store.record(claim, Outcome(QUEUED, error_code="overloaded", retry_at=time.time() + 0.2))
    assert store.claim_next(lease_s=30) is None
    time.sleep(0.25)
    retry = store.claim_next(lease_s=30)
    assert retry is not None and retry.attempts == 2


def test_the_schema_is_portable_to_postgresql() -> None:
    ddl = {table.name: str(CreateTable(table).compile(dialect=postgresql.dialect()))
           for table in Base.metadata.sorted_tables}
    assert {"jobs", "job_items", "webhook_endpoints", "webhook_deliveries", "webhook_attempts"} <= set(ddl)
    assert "id BIGSERIAL" in ddl["job_items"] and "DOUBLE PRECISION" in ddl["job_items"]


item_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                     max_size=40).filter(str.strip)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(item_texts, min_size=1, max_size=8))
def test_json_and_jsonl_bodies_give_the_same_job(pipeline, settings, texts: list[str]) -> None:
    items = [{"custom_id": f"id-{i}", "text": text} for i, text in enumerate(texts)]
    from_jsonl = parse_request(jsonl(items), "application/jsonl", {}, pipeline, settings.jobs)
    from_json = parse_request(json.dumps({"items": items}).encode(), "application/json", {}, pipeline,
                              settings.jobs)
    assert from_jsonl.items == from_json.items
    assert [item.text for item in from_jsonl.items] == texts
