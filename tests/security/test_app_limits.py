"""Findings of the hostile-input probe that need their own settings: each gets its exact answer, then a normal
request still succeeds."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from auth.support import bearer
from service.auth.keys import KeyStore
from service.webhooks.signing import new_secret

EXTRACTIVE = {"method": "extractive"}
TEXT = "The council met on Tuesday and approved the budget."  # 51 characters


def article(client: TestClient, key: str, title: str | None = None, text: str = TEXT):
    return client.post("/v1/articles", json={"text": text, "title": title, "summary": EXTRACTIVE},
                       headers=bearer(key))


def error_code(response) -> str:  # noqa: ANN001 - an httpx response
    return response.json()["error"]["code"]


def test_the_title_is_charged_with_the_text(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixture
    client = make_app(auth_required=True, rate_limit_chars_per_day=200)
    key = keys.create("newsroom")[1]
    over = article(client, key, title="T" * 150)  # 51 + 150 > 200: the probe's title was charged nothing
    assert over.status_code == 429 and error_code(over) == "rate_limited" and "201 characters" in over.text
    assert article(client, key, title="T" * 100).status_code == 200  # 151 of 200 used
    assert client.get("/v1/usage", headers=bearer(key)).json()["character_count"] == 151
    job = client.post("/v1/jobs", json={"items": [{"custom_id": "a", "text": "Hi there.", "title": "T" * 41}]},
                      headers=bearer(key))
    assert job.status_code == 429 and "request has 50 characters" in job.json()["error"]["message"]
    assert article(client, key, text="Council met.", title="Budget").status_code == 200  # 18 more: 169


def test_the_title_has_its_own_limit(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app(max_title_chars=10)
    response = client.post("/v1/articles", json={"text": TEXT, "title": "T" * 11})
    assert response.status_code == 422 and error_code(response) == "invalid_input"
    assert "WIREBRIEF_MAX_TITLE_CHARS" in response.json()["error"]["message"]
    ok = client.post("/v1/articles", json={"text": TEXT, "title": "T" * 10, "summary": EXTRACTIVE})
    assert ok.status_code == 200 and ok.json()["title"] == "T" * 10


def test_failed_key_checks_are_limited_per_address(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app(auth_required=True, auth_failures_per_minute=3)
    key = keys.create("newsroom")[1]
    for _ in range(3):
        wrong = client.post("/v1/detect", json={"text": TEXT}, headers=bearer("wb_nope_guess"))
        assert wrong.status_code == 401 and error_code(wrong) == "unauthorized"
    blocked = client.post("/v1/detect", json={"text": TEXT}, headers=bearer("wb_nope_guess"))
    assert blocked.status_code == 429 and error_code(blocked) == "rate_limited"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert client.post("/v1/detect", json={"text": TEXT}, headers=bearer(key)).status_code == 429, \
        "the address is refused whole: a right guess after many wrong ones is not told apart"
    other = TestClient(client.app, client=("198.51.100.7", 40000))  # another address is not affected
    assert other.post("/v1/detect", json={"text": TEXT}, headers=bearer(key)).status_code == 200


def test_ready_shows_no_paths_without_a_key(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixture
    for settings in ({}, {"auth_required": True}):
        models = make_app(**settings).get("/ready").json()["models"]
        assert [m["path"] for m in models] == [None] * len(models)
        assert any(m["state"] != "missing" for m in models)
    client = make_app(auth_required=True, auth_protect_ready=True)
    assert client.get("/ready").status_code == 401
    models = client.get("/ready", headers=bearer(keys.create("ops")[1])).json()["models"]
    assert all(m["path"] and m["path"].startswith("/") for m in models if m["state"] != "missing")


def test_cancelling_a_cancelled_job_is_409(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app()  # no job workers: the job stays queued until cancelled
    job = client.post("/v1/jobs", json={"items": [{"custom_id": "a", "text": TEXT}]}).json()
    first = client.post(f"/v1/jobs/{job['id']}/cancel")
    assert first.status_code == 200 and first.json()["state"] == "cancelled"
    again = client.post(f"/v1/jobs/{job['id']}/cancel")
    assert again.status_code == 409 and error_code(again) == "conflict" and "already cancelled" in again.text
    assert client.get(f"/v1/jobs/{job['id']}").json()["state"] == "cancelled"


SECRET = new_secret()
EVENT = json.dumps({"type": "article.published", "data": {"id": "cms-1", "text": TEXT, "source_lang": "en"}})


def signed_headers(msg_id: str = "msg_1") -> dict[str, str]:
    at = datetime.fromtimestamp(time.time(), tz=timezone.utc)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(SECRET).sign(msg_id, at, EVENT), "content-type": "application/json"}


def test_malformed_hook_headers_are_401_before_anything(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app(newsroom_secret=SECRET, summary_method="extractive")
    good = signed_headers()
    malformed = {
        "webhook-id": "m" * 10_000, "webhook-timestamp": "9" * 5_000, "webhook-signature": "v1," + "A" * 5_000,
    }
    for name, value in [*malformed.items(), ("webhook-id", "msg\u00e9".encode("latin-1")), ("webhook-timestamp", "-5"),
                        ("webhook-signature", "v1,abc v1,def " * 10)]:
        response = client.post("/v1/hooks/newsroom", content=EVENT, headers={**good, name: value})
        assert response.status_code == 401 and error_code(response) == "invalid_signature", (name, response.text)
    accepted = client.post("/v1/hooks/newsroom", content=EVENT, headers=signed_headers("m" * 255))
    assert accepted.status_code == 202 and accepted.json()["webhook_id"] == "m" * 255
