"""Ownership with auth on: keys A and B see and act on only what they made (another's is 404, exactly as
an unknown id), an admin key sees and acts on everything, and idempotency keys are per owner."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks import Webhook

from auth.support import bearer
from jobs.support import FAST, Receiver, english_items, wait_until
from service.auth.keys import KeyInfo, KeyStore
from service.common.owners import ADMIN_SCOPE, ANONYMOUS
from service.jobs.models import Job
from service.webhooks.models import Endpoint
from service.webhooks.signing import new_secret


class Caller:
    """One key's view of the app: every request carries its `Authorization`."""

    def __init__(self, client: TestClient, created: tuple[KeyInfo, str]) -> None:
        self.client, self.id, self.headers = client, created[0].id, bearer(created[1])

    def get(self, path: str, **kwargs: Any):  # noqa: ANN201 - httpx.Response
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.client.post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, path: str):  # noqa: ANN201
        return self.client.delete(path, headers=self.headers)

    def job(self, items: list[dict[str, Any]], key: str | None = None, **options: Any) -> dict[str, Any]:
        response = self.post("/v1/jobs", json={"items": items, **options},
                             headers={"Idempotency-Key": key} if key else {})
        assert response.status_code == 201, response.text
        return response.json()

    def endpoint(self, url: str) -> dict[str, Any]:
        response = self.post("/v1/webhooks/endpoints", json={"url": url})
        assert response.status_code == 201, response.text
        return response.json()


def assert_not_found(response, what: str, ident: str) -> None:  # noqa: ANN001 - httpx.Response
    """Exactly the answer an id that never existed gets: existence is not revealed."""
    assert response.status_code == 404, response.text
    assert response.json() == {"error": {"code": "not_found", "message": f"no {what} {ident!r}"}}


@pytest.fixture
def callers(make_app, keys: KeyStore, request: pytest.FixtureRequest) -> tuple[Caller, Caller, Caller]:  # noqa: ANN001
    """(A, B, admin) on an app with auth on; no job runs unless marked `@working` (fast workers)."""
    overrides = {**FAST, "webhook_workers": 2} if getattr(request, "param", False) else {}
    client = make_app(**{"auth_required": True, "webhook_allowed_hosts": "127.0.0.1", **overrides})
    a, b, admin = keys.create("alice"), keys.create("bob"), keys.create("operator", ADMIN_SCOPE)
    return Caller(client, a), Caller(client, b), Caller(client, admin)


working = pytest.mark.parametrize("callers", [True], indirect=True, ids=["workers"])


def test_jobs_are_their_owners(callers: tuple[Caller, Caller, Caller]) -> None:
    a, b, admin = callers
    job = a.job(english_items(2))
    mine = b.job(english_items(1, "b"))
    for path in (f"/v1/jobs/{job['id']}", f"/v1/jobs/{job['id']}/results"):
        assert a.get(path).status_code == 200
        assert admin.get(path).status_code == 200
        assert_not_found(b.get(path), "job", job["id"])
    assert_not_found(b.get("/v1/jobs/job_nope"), "job", "job_nope")

    assert [j["id"] for j in a.get("/v1/jobs").json()["data"]] == [job["id"]]
    assert [j["id"] for j in b.get("/v1/jobs").json()["data"]] == [mine["id"]]
    assert [j["id"] for j in admin.get("/v1/jobs").json()["data"]] == [mine["id"], job["id"]]
    assert admin.get("/v1/jobs", params={"limit": 1}).json()["next_after"] == mine["id"]

    assert_not_found(b.post(f"/v1/jobs/{job['id']}/cancel"), "job", job["id"])
    assert a.get(f"/v1/jobs/{job['id']}").json()["state"] == "queued"  # no worker runs here: untouched
    cancelled = admin.post(f"/v1/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert a.post(f"/v1/jobs/{mine['id']}/cancel").status_code == 404
    assert b.post(f"/v1/jobs/{mine['id']}/cancel").json()["state"] == "cancelled"


@working
def test_results_of_a_finished_job_stay_with_its_owner(callers: tuple[Caller, Caller, Caller]) -> None:
    a, b, admin = callers
    job = a.job(english_items(1))
    wait_until(lambda: a.get(f"/v1/jobs/{job['id']}").json()["state"] == "completed", what="A's job to complete")
    text = english_items(1)[0]["text"]
    assert text in a.get(f"/v1/jobs/{job['id']}/results").text
    assert text in admin.get(f"/v1/jobs/{job['id']}/results").text
    assert_not_found(b.get(f"/v1/jobs/{job['id']}/results"), "job", job["id"])
    assert_not_found(b.post(f"/v1/jobs/{job['id']}/cancel"), "job", job["id"])
    assert a.post(f"/v1/jobs/{job['id']}/cancel").status_code == 409  # already completed: the owner is told


def test_endpoints_are_their_owners(callers: tuple[Caller, Caller, Caller], keys: KeyStore) -> None:
    a, b, admin = callers
    endpoint = a.post("/v1/webhooks/endpoints", json={"url": "http://127.0.0.1:9/a"}).json()
    theirs = b.endpoint("http://127.0.0.1:9/b")
    path = f"/v1/webhooks/endpoints/{endpoint['id']}"

    assert [e["id"] for e in a.get("/v1/webhooks/endpoints").json()["data"]] == [endpoint["id"]]
    assert [e["id"] for e in b.get("/v1/webhooks/endpoints").json()["data"]] == [theirs["id"]]
    assert [e["id"] for e in admin.get("/v1/webhooks/endpoints").json()["data"]] == [theirs["id"], endpoint["id"]]
    assert a.get(path).status_code == 200 and admin.get(path).status_code == 200
    assert_not_found(b.get(path), "webhook endpoint", endpoint["id"])

    assert_not_found(b.post(f"{path}/rotate"), "webhook endpoint", endpoint["id"])
    assert_not_found(b.delete(path), "webhook endpoint", endpoint["id"])
    with keys.db.session() as session:  # B's attempts changed nothing
        row = session.scalars(select(Endpoint).where(Endpoint.id == endpoint["id"])).one()
    assert (row.secret, row.previous_secret, row.deleted_at) == (endpoint["secret"], None, None)
    assert row.owner == a.id and a.get(path).status_code == 200

    rotated = admin.post(f"{path}/rotate")
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (endpoint["secret"], "")
    assert a.post(f"{path}/rotate").status_code == 200
    assert admin.delete(path).status_code == 204
    assert_not_found(a.get(path), "webhook endpoint", endpoint["id"])


def test_a_job_names_only_its_owners_endpoint(callers: tuple[Caller, Caller, Caller]) -> None:
    a, b, admin = callers
    endpoint = a.endpoint("http://127.0.0.1:9/a")
    unknown = b.post("/v1/jobs", json={"items": english_items(1), "webhook_endpoint_id": "we_nope"})
    for caller in (b, admin):  # an admin's job, too, announces only to the admin's own endpoints
        refused = caller.post("/v1/jobs", json={"items": english_items(1), "webhook_endpoint_id": endpoint["id"]})
        assert refused.status_code == 422
        assert refused.json()["error"]["message"] == unknown.json()["error"]["message"].replace("we_nope",
                                                                                               endpoint["id"])
        by_url = caller.post("/v1/jobs", json={"items": english_items(1), "callback_url": endpoint["url"]})
        assert by_url.status_code == 422 and "callback_url" in by_url.json()["error"]["message"]
    assert a.job(english_items(1), webhook_endpoint_id=endpoint["id"])["webhook_endpoint_id"] == endpoint["id"]
    assert a.job(english_items(1, "u"), callback_url=endpoint["url"])["webhook_endpoint_id"] == endpoint["id"]
    assert b.get("/v1/jobs").json()["data"] == []


def test_idempotency_keys_are_per_owner(callers: tuple[Caller, Caller, Caller]) -> None:
    a, b, _ = callers
    bobs = b.job(english_items(1, "b"), key="alice-key-1")
    alices = a.post("/v1/jobs", json={"items": english_items(2)}, headers={"Idempotency-Key": "alice-key-1"})
    assert alices.status_code == 201 and "idempotent-replayed" not in alices.headers
    assert alices.json()["id"] != bobs["id"]
    replayed = a.post("/v1/jobs", json={"items": english_items(2)}, headers={"Idempotency-Key": "alice-key-1"})
    assert replayed.headers["idempotent-replayed"] == "true" and replayed.json()["id"] == alices.json()["id"]
    clash = a.post("/v1/jobs", json={"items": english_items(3)}, headers={"Idempotency-Key": "alice-key-1"})
    assert clash.status_code == 409
    assert alices.json()["id"] in clash.json()["error"]["message"] and bobs["id"] not in clash.text


@working
def test_deliveries_are_their_endpoint_owners(callers: tuple[Caller, Caller, Caller], receiver: Receiver) -> None:
    a, b, admin = callers
    endpoint = a.endpoint(receiver.url)
    ours = b.endpoint(receiver.url + "/b")  # the same receiver, B's own endpoint
    job = a.job(english_items(1), webhook_endpoint_id=endpoint["id"], events=["job.completed"])
    b.job(english_items(1, "b"), webhook_endpoint_id=ours["id"], events=["job.completed"])
    requests = receiver.received(2)
    by_path = {r.path: r.json()["data"]["job_id"] for r in requests}
    assert by_path["/hook"] == job["id"] and by_path["/hook/b"] != job["id"]  # each job to its owner's endpoint

    [delivery] = wait_until(lambda: [d for d in a.get("/v1/webhooks/deliveries").json()["data"]
                                     if d["state"] == "succeeded"], what="A's delivery to succeed")
    assert delivery["endpoint_id"] == endpoint["id"]
    path = f"/v1/webhooks/deliveries/{delivery['id']}"
    assert [d["endpoint_id"] for d in b.get("/v1/webhooks/deliveries").json()["data"]] == [ours["id"]]
    assert b.get("/v1/webhooks/deliveries", params={"endpoint_id": endpoint["id"]}).json()["data"] == []
    assert {d["id"] for d in admin.get("/v1/webhooks/deliveries").json()["data"]} >= {delivery["id"]}
    assert len(admin.get("/v1/webhooks/deliveries").json()["data"]) == 2
    assert_not_found(b.get(path), "delivery", delivery["id"])
    assert_not_found(b.post(f"{path}/redeliver"), "delivery", delivery["id"])
    assert a.get(path).json()["payload"]["data"]["job_id"] == job["id"]
    assert admin.post(f"{path}/redeliver").status_code == 202
    assert len(receiver.received(3)) == 3


def test_usage_is_the_callers_own(callers: tuple[Caller, Caller, Caller]) -> None:
    a, b, admin = callers
    items = english_items(2)
    a.job(items)
    expected = sum(len(item["text"]) for item in items)
    assert a.get("/v1/usage").json()["character_count"] == expected
    assert b.get("/v1/usage").json()["character_count"] == 0
    assert admin.get("/v1/usage").json()["character_count"] == 0  # an admin sees everyone's jobs, not usage


def cms_message(body: dict[str, Any], msg_id: str, secret: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    at = datetime.fromtimestamp(time.time(), tz=timezone.utc)
    return raw, {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
                 "webhook-signature": Webhook(secret).sign(msg_id, at, raw.decode()),
                 "content-type": "application/json"}


@pytest.fixture
def newsroom_app(make_app, keys: KeyStore) -> Iterator[tuple[TestClient, str, Caller, Caller]]:  # noqa: ANN001
    secret = new_secret()
    client = make_app(auth_required=True, newsroom_secret=secret)
    yield client, secret, Caller(client, keys.create("client")), Caller(client, keys.create("operator", ADMIN_SCOPE))


def test_the_newsroom_hook_has_its_own_idempotency_keys(newsroom_app) -> None:  # noqa: ANN001 - fixture
    client, secret, caller, admin = newsroom_app
    squatter = caller.job(english_items(1), key="newsroom:msg_x")
    article = {"id": "cms-1", "title": "Council", "text": english_items(1)[0]["text"]}
    raw, headers = cms_message({"type": "article.published", "timestamp": "2026-01-01T00:00:00Z", "data": article},
                               "msg_x", secret)
    accepted = client.post("/v1/hooks/newsroom", content=raw, headers=headers)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["state"] == "accepted" and accepted.json()["job_id"] != squatter["id"]
    again = client.post("/v1/hooks/newsroom", content=raw, headers=headers)
    assert again.json()["state"] == "duplicate" and again.json()["job_id"] == accepted.json()["job_id"]

    newsroom_job = accepted.json()["job_id"]
    assert_not_found(caller.get(f"/v1/jobs/{newsroom_job}"), "job", newsroom_job)
    assert admin.get(f"/v1/jobs/{newsroom_job}").status_code == 200  # the system owner's jobs: operators only
    assert [j["id"] for j in caller.get("/v1/jobs").json()["data"]] == [squatter["id"]]


def test_auth_off_is_one_anonymous_owner_that_sees_everything(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app()
    job = client.post("/v1/jobs", json={"items": english_items(1)}).json()
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 200
    with keys.db.session() as session:
        assert session.get(Job, job["id"]).owner == ANONYMOUS
