"""Webhooks out, against a real receiver on 127.0.0.1: signatures, retries, 410, Retry-After, restarts, SSRF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from jobs.support import Receiver, english_items, fast_settings, wait_final, wait_until
from service.api.app import create_app
from service.common.owners import OPEN
from service.db import Database
from service.webhooks.service import WebhookService


def register(client: TestClient, url: str, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/webhooks/endpoints", json={"url": url, **body})
    assert response.status_code == 201, response.text
    return response.json()


def submit(client: TestClient, endpoint_id: str, count: int = 1, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/jobs", json={"items": english_items(count), "webhook_endpoint_id": endpoint_id,
                                             **body})
    assert response.status_code == 201, response.text
    return response.json()


def delivery_log(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return client.get("/v1/webhooks/deliveries", params=params).json()["data"]


def settled(client: TestClient, count: int = 1, **params: Any) -> list[dict[str, Any]]:
    """The delivery log once `count` deliveries exist and none is pending."""
    def done() -> list[dict[str, Any]] | None:
        rows = delivery_log(client, **params)
        return rows if len(rows) >= count and all(d["state"] != "pending" for d in rows) else None

    return wait_until(done, timeout=30, what="deliveries to settle")


def test_endpoint_lifecycle(make_client, receiver: Receiver) -> None:
    client = make_client()
    created = register(client, receiver.url, events=["job.completed"])
    assert created["id"].startswith("we_") and created["secret"].startswith("whsec_")
    Webhook(created["secret"])  # the reference accepts our secret format
    assert created["events"] == ["job.completed"] and created["disabled"] is False and created["managed"] is False
    listed = client.get("/v1/webhooks/endpoints").json()["data"]
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    assert client.get(f"/v1/webhooks/endpoints/{created['id']}").json()["url"] == receiver.url
    assert register(client, receiver.url)["events"] == ["job.completed", "job.failed", "article.processed"]

    rotated = client.post(f"/v1/webhooks/endpoints/{created['id']}/rotate").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None

    assert client.delete(f"/v1/webhooks/endpoints/{created['id']}").status_code == 204
    for response in (client.get(f"/v1/webhooks/endpoints/{created['id']}"),
                     client.delete(f"/v1/webhooks/endpoints/{created['id']}"),
                     client.post(f"/v1/webhooks/endpoints/{created['id']}/rotate")):
        assert response.status_code == 404
    assert len(client.get("/v1/webhooks/endpoints").json()["data"]) == 1
    bad = client.post("/v1/webhooks/endpoints", json={"url": receiver.url, "events": ["job.exploded"]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1:9/hook", "a loopback address"), ("http://localhost/hook", "a loopback address"),
    ("http://[::1]/hook", "a loopback address"), ("http://[::ffff:127.0.0.1]/hook", "a loopback address"),
    ("http://10.0.0.5/hook", "a private address"), ("http://192.168.1.1/hook", "a private address"),
    ("http://169.254.169.254/latest/meta-data/", "a metadata address"), ("http://0.0.0.0/", "a private address"),
    ("ftp://example.com/hook", "http:// or https://"), ("http://user:pw@8.8.8.8/hook", "credentials"),
    ("not a url", "http:// or https://"),
])
def test_ssrf_guard_refuses_internal_urls_at_registration(make_client, url: str, why: str) -> None:
    client = make_client(webhook_allowed_hosts="")
    response = client.post("/v1/webhooks/endpoints", json={"url": url})
    assert response.status_code == 422, response.text
    assert why in response.json()["error"]["message"]
    assert client.get("/v1/webhooks/endpoints").json() == {"data": [], "has_more": False, "next_after": None}


def test_500_twice_then_200_is_three_attempts_one_success(make_client, receiver: Receiver) -> None:
    receiver.script = [(500, {}), (500, {})]
    client = make_client()
    endpoint = register(client, receiver.url)
    job = submit(client, endpoint["id"])
    wait_final(client, job["id"])
    first, second, third = receiver.received(3)
    ids = {r.headers["webhook-id"] for r in (first, second, third)}
    assert len(ids) == 1 and ids.pop().startswith("msg_"), "webhook-id is stable across retries"
    assert first.body == second.body == third.body
    for request in (first, second, third):
        payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "job.completed" and set(payload) == {"type", "timestamp", "data"}
    assert payload["data"]["job_id"] == job["id"] and payload["data"]["state"] == "completed"
    assert payload["data"]["counts"] == {"total": 1, "completed": 1, "failed": 0, "cancelled": 0}
    assert payload["data"]["links"]["results"] == f"/v1/jobs/{job['id']}/results"
    assert second.at - first.at >= 0.1 and third.at - second.at >= 0.2, "the schedule is [0.1, 0.2]"

    [delivery] = settled(client)
    assert delivery["state"] == "succeeded" and delivery["event_type"] == "job.completed"
    assert [a["http_status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert [a["error"] for a in delivery["attempts"]] == ["HTTP 500", "HTTP 500", None]
    assert [a["number"] for a in delivery["attempts"]] == [1, 2, 3]
    assert all(a["latency_ms"] > 0 for a in delivery["attempts"])
    assert [a["retry_at"] is not None for a in delivery["attempts"]] == [True, True, False]
    assert client.get(f"/v1/webhooks/deliveries/{delivery['id']}").json() == delivery


def test_410_disables_the_endpoint(make_client, receiver: Receiver) -> None:
    receiver.script = [(410, {})]
    client = make_client()
    endpoint = register(client, receiver.url)
    wait_final(client, submit(client, endpoint["id"])["id"])
    [delivery] = settled(client)
    assert delivery["state"] == "failed" and [a["http_status"] for a in delivery["attempts"]] == [410]
    state = client.get(f"/v1/webhooks/endpoints/{endpoint['id']}").json()
    assert state["disabled"] is True and "410" in state["disabled_reason"]
    refused = client.post("/v1/jobs", json={"items": english_items(1), "webhook_endpoint_id": endpoint["id"]})
    assert refused.status_code == 422 and "disabled" in refused.json()["error"]["message"]
    assert client.post(f"/v1/webhooks/deliveries/{delivery['id']}/redeliver").status_code == 409
    assert len(receiver.requests) == 1


def test_retry_after_is_honoured(make_client, receiver: Receiver) -> None:
    receiver.script = [(503, {"Retry-After": "1"})]
    client = make_client()
    endpoint = register(client, receiver.url)
    submit(client, endpoint["id"])
    first, second = receiver.received(2)
    assert second.at - first.at >= 1.0, "the schedule says 0.1 s, the receiver asked for 1 s"
    [delivery] = settled(client)
    assert [a["http_status"] for a in delivery["attempts"]] == [503, 200]


def test_an_exhausted_schedule_fails_and_redeliver_sends_it_again(make_client, receiver: Receiver) -> None:
    receiver.default = (500, {})
    client = make_client()
    endpoint = register(client, receiver.url)
    submit(client, endpoint["id"])
    [delivery] = settled(client)
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 3, "one attempt more than the schedule"
    assert delivery_log(client, state="failed", endpoint_id=endpoint["id"]) == [delivery]

    receiver.default = (200, {})
    again = client.post(f"/v1/webhooks/deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 202 and again.json()["id"] == delivery["id"]
    [redone] = settled(client)
    assert redone["state"] == "succeeded" and [a["http_status"] for a in redone["attempts"]] == [500, 500, 500, 200]
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery["id"]}
    assert client.post("/v1/webhooks/deliveries/msg_nope/redeliver").status_code == 404


def test_pending_retries_survive_a_restart(settings, pipeline, tmp_path: Path, receiver: Receiver) -> None:
    receiver.script = [(500, {})]
    app_settings = fast_settings(settings, tmp_path / "data", webhook_retry_schedule_s=[1.5])
    with TestClient(create_app(app_settings, pipeline)) as client:
        endpoint = register(client, receiver.url)
        submit(client, endpoint["id"])
        receiver.received(1)
        [pending] = delivery_log(client)
        assert pending["state"] == "pending" and pending["next_attempt_at"] is not None
    assert len(receiver.requests) == 1, "stopped before the retry was due"
    with TestClient(create_app(app_settings, pipeline)) as client:
        [delivery] = settled(client)
    assert delivery["id"] == pending["id"] and [a["http_status"] for a in delivery["attempts"]] == [500, 200]
    assert [r.headers["webhook-id"] for r in receiver.requests] == [pending["id"]] * 2


def test_the_guard_runs_again_at_delivery(settings, pipeline, tmp_path: Path, receiver: Receiver) -> None:
    """Registered while 127.0.0.1 was allowed; after a restart without that, deliveries are refused."""
    with TestClient(create_app(fast_settings(settings, tmp_path / "data"), pipeline)) as client:
        endpoint = register(client, receiver.url)
    with TestClient(create_app(fast_settings(settings, tmp_path / "data", webhook_allowed_hosts=""),
                               pipeline)) as client:
        submit(client, endpoint["id"])
        [delivery] = settled(client)
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 3
    assert all(a["http_status"] is None and a["error"].startswith("refused:") and "loopback" in a["error"]
               for a in delivery["attempts"])
    assert receiver.requests == []


def test_dns_rebinding_is_caught_at_delivery(settings, tmp_path: Path) -> None:
    """DNS cannot be steered here, so the resolver is: public at registration, private at delivery."""
    answers = {"hooks.example.test": "93.184.216.34"}
    db = Database(f"sqlite:///{tmp_path / 'hooks.db'}")
    db.upgrade()
    hooks = WebhookService(db, fast_settings(settings, tmp_path, webhook_allowed_hosts=""),
                           resolver=lambda host, port: [answers[host]])
    endpoint = hooks.create_endpoint(OPEN, "http://hooks.example.test/hook", ["job.completed"])
    answers["hooks.example.test"] = "10.0.0.7"
    hooks.emit(OPEN.id, endpoint.id, "job.completed", {"job_id": "job_x"}, key="job.completed:job_x")
    assert hooks.sender.deliver_one()
    [delivery] = hooks.delivery_page(OPEN, 10).data
    [attempt] = delivery.attempts
    assert attempt.http_status is None and "10.0.0.7, a private address" in (attempt.error or "")
    assert delivery.state == "pending", "refusals are retried on the schedule, in case DNS changes back"


def test_rotation_signs_with_both_secrets_during_the_grace_period(make_client, receiver: Receiver) -> None:
    client = make_client()
    endpoint = register(client, receiver.url)
    new = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/rotate").json()["secret"]
    submit(client, endpoint["id"])
    [request] = receiver.received(1)
    assert len(request.headers["webhook-signature"].split()) == 2
    for secret in (endpoint["secret"], new):
        Webhook(secret).verify(request.body, request.headers)


def test_after_the_grace_period_only_the_new_secret_signs(make_client, receiver: Receiver) -> None:
    client = make_client(webhook_secret_grace_s=0)
    endpoint = register(client, receiver.url)
    new = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/rotate").json()["secret"]
    submit(client, endpoint["id"])
    [request] = receiver.received(1)
    Webhook(new).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body, request.headers)


def test_article_processed_per_item_with_thin_payloads(make_client, receiver: Receiver) -> None:
    client = make_client()
    endpoint = register(client, receiver.url)
    items = [*english_items(2), {"custom_id": "credit", "text": "Foto: AFP"}]
    job = client.post("/v1/jobs", json={"items": items, "webhook_endpoint_id": endpoint["id"],
                                        "events": ["article.processed", "job.completed"]}).json()
    wait_final(client, job["id"])
    payloads = [Webhook(endpoint["secret"]).verify(r.body, r.headers) for r in receiver.received(4)]
    articles = {p["data"]["custom_id"]: p["data"] for p in payloads if p["type"] == "article.processed"}
    assert sorted(articles) == ["a0", "a1", "credit"] and len(payloads) == 4
    assert articles["a0"]["state"] == "succeeded" and articles["a0"]["language"] == "en"
    assert articles["a0"]["headline"] and articles["a0"]["links"]["results"].endswith(f"{job['id']}/results")
    assert articles["credit"]["state"] == "failed" and articles["credit"]["error"]["code"] == "empty_text"
    assert all(len(r.body) < 1000 for r in receiver.requests), "thin: links, not article text"
    [completed] = [p for p in payloads if p["type"] == "job.completed"]
    assert completed["data"]["counts"] == {"total": 3, "completed": 2, "failed": 1, "cancelled": 0}


def test_only_subscribed_events_are_delivered(make_client, receiver: Receiver) -> None:
    client = make_client()
    endpoint = register(client, receiver.url, events=["job.failed"])
    wait_final(client, submit(client, endpoint["id"])["id"])
    failing = client.post("/v1/jobs", json={"items": [{"custom_id": "x", "text": "Foto: AFP"}],
                                            "webhook_endpoint_id": endpoint["id"]}).json()
    wait_final(client, failing["id"])
    [request] = receiver.received(1)
    assert request.json()["type"] == "job.failed" and request.json()["data"]["job_id"] == failing["id"]
    assert [d["event_type"] for d in settled(client)] == ["job.failed"]
