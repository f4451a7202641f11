"""GET /v1/usage: exact counts of successful article characters per key, kept in the database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from auth.support import bearer, detect
from service.auth.keys import KeyStore

ENGLISH = ("The council met on Tuesday to discuss the budget for the schools. It approved the plan after a long "
           "debate. The mayor said the money would be spent on new classrooms.")


def test_usage_counts_exactly_what_succeeded_and_survives_a_restart(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app(auth_required=True, rate_limit_chars_per_day=1000)
    info, key = keys.create("cms")
    _, other = keys.create("other")
    auth = bearer(key)

    assert detect(client, "a" * 50, key).status_code == 200
    assert client.post("/v1/translate", headers=auth, json={"text": ENGLISH}).status_code == 200
    assert client.post("/v1/articles", headers=auth,
                       json={"text": ENGLISH, "summary": {"method": "extractive"}}).status_code == 200
    job = client.post("/v1/jobs", headers=auth, json={"items": [{"custom_id": "a", "text": "b" * 30},
                                                                 {"custom_id": "b", "text": "c" * 20}]})
    assert job.status_code == 201, job.text
    assert detect(client, "", key).status_code == 422  # failed: not counted
    assert detect(client, "d" * 1000, key).status_code == 429  # refused: not counted
    assert client.get("/v1/languages", headers=auth).status_code == 200  # carries no text: not counted
    expected = 50 + 2 * len(ENGLISH) + 30 + 20

    usage = client.get("/v1/usage", headers=auth).json()
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    assert usage == {"key_id": info.id, "character_count": expected, "character_limit": 1000, "requests": 4,
                     "period_start": today.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                     "period_end": (today + timedelta(days=1)).isoformat(timespec="milliseconds")
                     .replace("+00:00", "Z"),
                     "total_character_count": expected, "total_requests": 4}
    assert client.get("/v1/usage", headers=bearer(other)).json()["character_count"] == 0

    restarted = make_app(auth_required=True)  # a new process on the same database
    again = restarted.get("/v1/usage", headers=auth).json()
    assert (again["character_count"], again["requests"], again["character_limit"]) == (expected, 4, None)


def test_usage_is_anonymous_while_auth_is_off(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app()
    assert detect(client, "x" * 42).status_code == 200
    usage = client.get("/v1/usage").json()
    assert (usage["key_id"], usage["character_count"], usage["requests"]) == ("anonymous", 42, 1)
    assert usage["character_limit"] is None
