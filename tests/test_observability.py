"""Metrics, request ids, structured logs and the request timeout, against the real app and tiny models.

The metrics registry is one per process and shared by every app the tests build, so counts are
compared before and after; job-state gauges come from each app's own database and are exact.
"""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from starlette.concurrency import run_in_threadpool

from jobs.support import Receiver, english_items, make_client, receiver, wait_final, wait_until  # noqa: F401
from service.api.app import create_app
from service.config import Settings
from service.observability import logs
from service.webhooks.deliveries import AttemptResult
from service.webhooks.models import FAILED, PENDING, SUCCEEDED
from service.webhooks.sender import outcome

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

NORWEGIAN = ("Fragmenter fra en russisk missil skal ha truffet et område med boligblokker i Kyiv. "
             "Videoer fra stedet viser en eksplosjon.")


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum over every series of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


# -- metrics ---------------------------------------------------------------------------------------

def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    before = scrape(client)
    for _ in range(2):
        assert client.get("/v1/jobs/job_doesnotexist").status_code == 404
    for _ in range(3):
        assert client.get("/health").status_code == 200
    assert client.get("/no/such/path").status_code == 404
    after = scrape(client)

    job = {"method": "GET", "route": "/v1/jobs/{job_id}", "status": "404"}
    assert moved(before, after, "wirebrief_http_requests_total", **job) == 2
    assert moved(before, after, "wirebrief_http_request_duration_seconds_count", **job) == 2
    health = {"method": "GET", "route": "/health", "status": "200"}
    assert moved(before, after, "wirebrief_http_requests_total", **health) == 3
    assert moved(before, after, "wirebrief_http_request_duration_seconds_bucket", le="+Inf", **health) == 3
    assert moved(before, after, "wirebrief_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert not any("doesnotexist" in dict(labels).get("route", "") or "/no/such" in dict(labels).get("route", "")
                   for _, labels in after), "raw paths never become labels"
    # the first scrape itself was counted once the response ended
    assert moved(before, after, "wirebrief_http_requests_total", method="GET", route="/metrics", status="200") == 1


def test_model_metrics_move_after_a_translation(settings: Settings, tmp_path) -> None:
    """A fresh app owns a fresh pool: the model loads once, its batches are observed, its queue drains."""
    own = settings.model_copy(update={"data_dir": tmp_path / "data"})
    with TestClient(create_app(own)) as client:
        before = scrape(client)
        response = client.post("/v1/translate", json={"text": NORWEGIAN})
        assert response.status_code == 200, response.text
        translation = response.json()["translation"]
        after = scrape(client)
    model = {"model": "opus-mt-gmq-en"}
    engine = translation["engine"]
    assert moved(before, after, "wirebrief_model_load_seconds_count", engine=engine, **model) == 1
    assert moved(before, after, "wirebrief_model_load_seconds_sum", engine=engine, **model) > 0
    batches = moved(before, after, "wirebrief_model_batch_size_count", task="translation", **model)
    assert batches >= 1
    assert moved(before, after, "wirebrief_model_inference_seconds_count", task="translation", **model) == batches
    # every model input went through exactly one generate call
    assert moved(before, after, "wirebrief_model_batch_size_sum", task="translation", **model) == translation["chunks"]
    assert moved(before, after, "wirebrief_model_generated_tokens_total", **model) >= translation["chunks"]
    assert value(after, "wirebrief_model_queue_depth", **model) == 0


def test_a_repeated_article_is_a_cache_hit(client: TestClient) -> None:
    body = {"text": "The harbour board met on Tuesday to approve the new ferry timetable. "
                    "Observability test article number 4711 was published the same day.",
            "summary": {"method": "extractive"}}
    before = scrape(client)
    first, second = client.post("/v1/articles", json=body), client.post("/v1/articles", json=body)
    after = scrape(client)
    assert first.json()["cached"] is False and second.json()["cached"] is True
    assert moved(before, after, "wirebrief_result_cache_lookups_total", result="miss") == 1
    assert moved(before, after, "wirebrief_result_cache_lookups_total", result="hit") == 1


def test_job_items_by_state_come_from_the_database(make_client) -> None:  # noqa: F811
    client = make_client()
    empty = scrape(client)
    assert total(empty, "wirebrief_job_items") == 0 and value(empty, "wirebrief_job_items", state="queued") == 0
    response = client.post("/v1/jobs", json={"items": english_items(3)})
    assert response.status_code == 201, response.text
    assert total(scrape(client), "wirebrief_job_items") == 3
    wait_final(client, response.json()["id"])
    after = scrape(client)
    assert value(after, "wirebrief_job_items", state="done") == 3
    assert value(after, "wirebrief_job_items", state="queued") == 0
    assert value(after, "wirebrief_jobs", state="completed") == 1
    assert total(after, "wirebrief_jobs") == 1


def test_webhook_deliveries_are_counted_by_outcome(make_client, receiver: Receiver) -> None:  # noqa: F811
    receiver.script = [(500, {}), (410, {})]
    client = make_client()
    before = scrape(client)
    endpoint = client.post("/v1/webhooks/endpoints", json={"url": receiver.url, "events": ["job.completed"]})
    assert endpoint.status_code == 201, endpoint.text
    job = client.post("/v1/jobs", json={"items": english_items(1), "webhook_endpoint_id": endpoint.json()["id"]})
    wait_final(client, job.json()["id"])
    receiver.received(2)

    def settled() -> Samples | None:
        after = scrape(client)
        return after if moved(before, after, "wirebrief_webhook_deliveries_total", outcome="gone") else None

    after = wait_until(settled, timeout=20, what="the 410 to be counted")
    assert moved(before, after, "wirebrief_webhook_deliveries_total", outcome="retry") == 1
    assert moved(before, after, "wirebrief_webhook_deliveries_total", outcome="gone") == 1
    assert moved(before, after, "wirebrief_webhook_deliveries_total", outcome="succeeded") == 0
    # the same story from the database, as any API process of a distributed deployment reports it
    assert value(after, "wirebrief_webhook_delivery_states", state="failed") == 1
    assert value(after, "wirebrief_webhook_delivery_states", state="pending") == 0
    assert total(after, "wirebrief_webhook_delivery_states") == 1


@pytest.mark.parametrize(("status", "state", "expected"), [
    (200, SUCCEEDED, "succeeded"), (500, PENDING, "retry"), (None, PENDING, "retry"),
    (500, FAILED, "failed"), (410, FAILED, "gone"),
])
def test_webhook_outcome_labels(status: int | None, state: str, expected: str) -> None:
    result = AttemptResult(started_at=0.0, latency_ms=1.0, status=status, error=None, state=state, retry_at=None)
    assert outcome(result) == expected


def test_metrics_can_be_switched_off(settings: Settings, pipeline, tmp_path) -> None:
    off = settings.model_copy(update={"data_dir": tmp_path / "data", "metrics_enabled": False})
    with TestClient(create_app(off, pipeline)) as client:
        response = client.get("/metrics")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "WIREBRIEF_METRICS_ENABLED" in response.json()["error"]["message"]


def test_metrics_is_in_the_openapi_description(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]


# -- request ids ----------------------------------------------------------------------------------

def test_a_valid_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/health", headers={"X-Request-ID": "Edge-42.abc_DEF"})
    assert response.headers["X-Request-ID"] == "Edge-42.abc_DEF"


def test_a_request_id_is_generated_when_missing(client: TestClient) -> None:
    first, second = client.get("/health").headers["X-Request-ID"], client.get("/health").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second) and first != second


@pytest.mark.parametrize("bad", ["has space", "semi;colon", "x" * 129, "", "ünïcode"])
def test_a_malformed_request_id_is_replaced(client: TestClient, bad: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": bad.encode("utf-8")})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_error_responses_carry_the_request_id(client: TestClient, settings: Settings) -> None:
    too_big = client.post("/v1/articles", content=b"x" * (settings.max_body_bytes + 1),
                          headers={"content-type": "text/plain", "X-Request-ID": "big-1"})
    assert too_big.status_code == 413 and too_big.headers["X-Request-ID"] == "big-1"
    missing = client.get("/v1/jobs/job_nope", headers={"X-Request-ID": "nf-1"})
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == "nf-1"


def test_an_unhandled_error_is_500_with_the_request_id_and_counted(settings: Settings, pipeline, tmp_path) -> None:
    app = create_app(settings.model_copy(update={"data_dir": tmp_path / "data"}), pipeline)

    def explode() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test-only/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        before = scrape(client)
        response = client.get("/test-only/explode", headers={"X-Request-ID": "boom-1"})
        after = scrape(client)
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    assert response.headers["X-Request-ID"] == "boom-1"
    assert moved(before, after, "wirebrief_http_requests_total", method="GET", route="/test-only/explode",
                 status="500") == 1


# -- logs -----------------------------------------------------------------------------------------

@pytest.fixture
def captured_logs() -> Iterator[Any]:
    """Configure process logging into a buffer (json, INFO); restore the previous setup afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()

    def configure(log_format: str = "json", log_level: str = "INFO") -> io.StringIO:
        logs.configure(Settings(log_format=log_format, log_level=log_level), stream=buffer)
        return buffer

    yield configure
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_json_log_lines_carry_the_request_id_and_no_article_text(client: TestClient, captured_logs) -> None:
    buffer = captured_logs("json", "INFO")
    marker = "Zanzibarquokka"  # appears nowhere but in this article
    text = (f"{marker} holds the harbour record. The {marker} committee met on Friday and approved "
            f"the budget for the {marker} festival in the old town.")
    response = client.post("/v1/articles", json={"text": text, "summary": {"method": "extractive"}},
                           headers={"X-Request-ID": "logtest-7"})
    assert response.status_code == 200 and marker in response.text
    client.post("/v1/translate", json={"text": f"{NORWEGIAN} {marker}"}, headers={"X-Request-ID": "logtest-8"})
    output = buffer.getvalue()
    records = [json.loads(line) for line in output.splitlines()]
    assert records and all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    [access] = [r for r in records if r["logger"] == "wirebrief.access" and r["request_id"] == "logtest-7"]
    assert access["level"] == "INFO" and access["method"] == "POST" and access["route"] == "/v1/articles"
    assert access["status"] == 200 and access["duration_ms"] > 0 and access["client"] == "testclient"
    assert any(r["request_id"] == "logtest-8" and r["route"] == "/v1/translate" for r in records
               if r["logger"] == "wirebrief.access")
    assert marker not in output


def test_every_record_while_handling_a_request_has_its_id(settings: Settings, pipeline, tmp_path,
                                                          captured_logs) -> None:
    """Records from a worker thread, and from the 500 handler that runs after the middlewares, carry the id."""
    buffer = captured_logs("json", "INFO")
    app = create_app(settings.model_copy(update={"data_dir": tmp_path / "data"}), pipeline)

    async def in_a_thread() -> dict[str, str]:
        await run_in_threadpool(logging.getLogger("service.test").info, "from a worker thread")
        return {"ok": "yes"}

    def explode() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test-only/log", in_a_thread)
    app.add_api_route("/test-only/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        logging.getLogger("service.test").info("outside any request")
        assert client.get("/test-only/log", headers={"X-Request-ID": "deep-1"}).status_code == 200
        assert client.get("/test-only/explode", headers={"X-Request-ID": "deep-2"}).status_code == 500
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    by_message = {r["message"]: r for r in records}
    assert by_message["outside any request"]["request_id"] == "-"
    assert by_message["from a worker thread"]["request_id"] == "deep-1"
    error = by_message["unhandled error on GET /test-only/explode"]
    assert error["request_id"] == "deep-2" and error["level"] == "ERROR" and "RuntimeError: a bug" in error["exc_info"]
    [access] = [r for r in records if r["logger"] == "wirebrief.access" and r["request_id"] == "deep-2"]
    assert access["status"] == 500 and access["route"] == "/test-only/explode"
    assert not any("color_message" in r for r in records)


def test_text_logs_are_readable_lines(client: TestClient, captured_logs) -> None:
    buffer = captured_logs("text", "INFO")
    client.get("/health", headers={"X-Request-ID": "txt-1"})
    [line] = [line for line in buffer.getvalue().splitlines() if "[txt-1]" in line]
    assert re.search(r" INFO wirebrief\.access \[txt-1\] GET /health 200 \d+\.\dms$", line), line


def test_the_log_level_applies(client: TestClient, captured_logs) -> None:
    buffer = captured_logs("json", "WARNING")
    client.get("/health")
    assert buffer.getvalue() == ""


# -- request timeout ------------------------------------------------------------------------------

def test_a_slow_request_gets_504_with_its_id(settings: Settings, pipeline, tmp_path) -> None:
    tight = settings.model_copy(update={"data_dir": tmp_path / "data", "request_timeout_s": 0.001})
    with TestClient(create_app(tight, pipeline)) as client:
        response = client.post("/v1/translate", json={"text": NORWEGIAN}, headers={"X-Request-ID": "slow-1"})
    assert response.status_code == 504, response.text
    assert response.json()["error"]["code"] == "request_timeout"
    assert "0.001s" in response.json()["error"]["message"]
    assert response.headers["X-Request-ID"] == "slow-1"
