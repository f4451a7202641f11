"""POST /v1/hooks/newsroom: messages signed with the `standardwebhooks` reference; replays, duplicates, junk."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from jobs.support import Receiver, result_lines, wait_final, wait_until
from service.webhooks.signing import new_secret

SECRET, PREVIOUS = new_secret(), new_secret()  # configured as "SECRET PREVIOUS": both verify, SECRET signs
ARTICLE = {"id": "cms-42", "title": "Eksplosjon i Kyiv.", "source_lang": "no",
           "text": "Fragmenter fra en russisk missil skal ha truffet et område med boligblokker i Kyiv. "
                   "Videoer fra stedet viser en eksplosjon."}


def signed(body: dict[str, Any] | bytes, *, msg_id: str = "msg_cms_1", secret: str = SECRET,
           age_s: float = 0) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    at = datetime.fromtimestamp(time.time() - age_s, tz=timezone.utc)
    signature = Webhook(secret).sign(msg_id, at, raw.decode())
    return raw, {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature,
                 "content-type": "application/json"}


def published(article: dict[str, Any] = ARTICLE) -> dict[str, Any]:
    return {"type": "article.published", "timestamp": "2026-01-01T00:00:00Z", "data": article}


def post(client: TestClient, message: tuple[bytes, dict[str, str]]):
    raw, headers = message
    return client.post("/v1/hooks/newsroom", content=raw, headers=headers)


@pytest.fixture
def newsroom(make_client, receiver: Receiver) -> TestClient:
    return make_client(newsroom_secret=f"{SECRET} {PREVIOUS}", newsroom_callback_url=receiver.url,
                       summary_method="extractive")


def test_a_published_article_is_processed_and_the_result_delivered_signed(newsroom, receiver: Receiver) -> None:
    response = post(newsroom, signed(published(), secret=PREVIOUS))  # a newsroom still on the old secret
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["state"] == "accepted" and accepted["webhook_id"] == "msg_cms_1"
    [request] = receiver.received(1)
    event = Webhook(SECRET).verify(request.body, request.headers)
    assert event["type"] == "article.processed"
    assert event["data"]["custom_id"] == "cms-42" and event["data"]["state"] == "succeeded"
    assert event["data"]["language"] == "no" and event["data"]["job_id"] == accepted["job_id"]
    [line] = result_lines(newsroom, accepted["job_id"])
    assert line["custom_id"] == "cms-42" and line["result"]["translation"]["source_lang"] == "no"
    assert event["data"]["headline"] == line["result"]["summary"]["headline"]
    endpoints = newsroom.get("/v1/webhooks/endpoints").json()["data"]
    assert [(e["id"], e["managed"]) for e in endpoints] == [("we_newsroom", True)]
    assert newsroom.delete("/v1/webhooks/endpoints/we_newsroom").status_code == 409


def test_a_repeated_webhook_id_is_acknowledged_once(newsroom, receiver: Receiver) -> None:
    first = post(newsroom, signed(published())).json()
    again = post(newsroom, signed(published(), age_s=30))  # the sender's retry: same id and body, new timestamp
    assert again.status_code == 202
    assert again.json() == {**first, "state": "duplicate"}
    wait_final(newsroom, first["job_id"])
    time.sleep(0.3)  # room for a second event, were one coming
    assert len(receiver.received(1)) == 1 and len(newsroom.get("/v1/jobs").json()["data"]) == 1
    other = post(newsroom, signed(published({**ARTICLE, "text": "Helt annen tekst her."})))
    assert other.status_code == 409, "the same webhook-id for another message"


@pytest.mark.parametrize(("message", "status", "code"), [
    (lambda: signed(published(), secret=new_secret()), 401, "invalid_signature"),
    (lambda: (signed(published())[0], {"content-type": "application/json"}), 401, "invalid_signature"),
    (lambda: (signed(published())[0] + b" ", signed(published())[1]), 401, "invalid_signature"),
    (lambda: signed(published(), age_s=301), 401, "stale_timestamp"),
    (lambda: signed(published(), age_s=-310), 401, "stale_timestamp"),
    (lambda: signed(b"{not json"), 400, "bad_request"),
    (lambda: signed({"type": "article.published", "data": {"id": "x"}}), 400, "bad_request"),
    (lambda: signed(published({**ARTICLE, "text": "   "})), 400, "bad_request"),
    (lambda: signed(published({**ARTICLE, "source_lang": "xx"})), 400, "bad_request"),
], ids=["wrong-secret", "unsigned", "body-changed", "stale", "from-the-future", "not-json", "no-text", "empty-text",
        "unknown-language"])
def test_refused_messages_process_nothing(newsroom, receiver: Receiver, message, status: int, code: str) -> None:
    response = post(newsroom, message())
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert newsroom.get("/v1/jobs").json()["data"] == []
    time.sleep(0.2)
    assert receiver.requests == []


def test_other_event_types_are_acknowledged_and_ignored(newsroom, receiver: Receiver) -> None:
    response = post(newsroom, signed({"type": "article.deleted", "data": {"id": "cms-42"}}))
    assert response.status_code == 202 and response.json()["state"] == "ignored"
    assert newsroom.get("/v1/jobs").json()["data"] == []


def test_without_a_secret_the_hook_is_off(make_client) -> None:
    response = post(make_client(), signed(published()))
    assert response.status_code == 404 and "WIREBRIEF_NEWSROOM_SECRET" in response.json()["error"]["message"]


def test_without_a_callback_the_article_is_still_processed(make_client) -> None:
    client = make_client(newsroom_secret=SECRET, summary_method="extractive")
    accepted = post(client, signed(published())).json()
    done = wait_until(lambda: (j := client.get(f"/v1/jobs/{accepted['job_id']}").json())["state"] == "completed"
                      and j, what="the newsroom job")
    assert done["webhook_endpoint_id"] is None and done["events"] == []
