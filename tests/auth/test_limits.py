"""Rate limits on the real app: requests per minute per key (or client), article characters per day."""

from __future__ import annotations

from auth.support import bearer, detect
from service.auth.keys import KeyStore
from service.auth.ratelimit import storage_url
from service.config import Settings

TEXT = "The council met on Tuesday to discuss the budget."


def assert_rate_limited(response, within_s: int) -> None:  # noqa: ANN001 - httpx.Response
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= within_s


def test_requests_per_minute_per_key(make_app, keys: KeyStore) -> None:  # noqa: ANN001 - fixture
    client = make_app(auth_required=True, rate_limit_per_minute=3)
    (_, first), (_, second) = keys.create("a"), keys.create("b")
    assert [detect(client, TEXT, first).status_code for _ in range(3)] == [200, 200, 200]
    assert_rate_limited(detect(client, TEXT, first), within_s=60)
    assert_rate_limited(client.get("/v1/jobs", headers=bearer(first)), within_s=60)  # every guarded path counts
    assert detect(client, TEXT, second).status_code == 200  # each key has its own minute
    assert client.get("/health").status_code == 200  # open paths are not limited


def test_requests_per_minute_per_client_when_auth_is_off(make_app) -> None:  # noqa: ANN001 - fixture
    client = make_app(rate_limit_per_minute=2)
    assert [detect(client, TEXT).status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(detect(client, TEXT), within_s=60)


def test_characters_per_day_refuse_a_request_whole(make_app, keys: KeyStore) -> None:  # noqa: ANN001
    client = make_app(auth_required=True, rate_limit_chars_per_day=100)
    _, key = keys.create("cms")
    assert_rate_limited(detect(client, "x" * 101, key), within_s=86_400)  # alone over the allowance
    assert detect(client, "a" * 60, key).status_code == 200
    refused = detect(client, "b" * 41, key)  # 60 + 41 > 100: refused, and not counted
    assert_rate_limited(refused, within_s=86_400)
    assert "60 of 100" in refused.json()["error"]["message"]
    jobs = client.post("/v1/jobs", headers=bearer(key), json={"items": [
        {"custom_id": "a", "text": "c" * 30}, {"custom_id": "b", "text": "d" * 20}]})
    assert_rate_limited(jobs, within_s=86_400)  # a job is charged for all its items at once
    assert client.get("/v1/jobs", headers=bearer(key)).json()["data"] == []  # and nothing was stored
    assert detect(client, "   ", key).status_code == 422  # failures give their reservation back
    assert detect(client, "e" * 40, key).status_code == 200  # exactly the rest of the allowance
    assert_rate_limited(detect(client, "f", key), within_s=86_400)
    _, other = keys.create("other")
    assert detect(client, "g" * 100, other).status_code == 200  # another key's allowance is its own


def test_counters_live_with_the_broker_unless_told_otherwise() -> None:
    assert storage_url(Settings(broker_url="").access) == "memory://"
    assert storage_url(Settings(broker_url="redis://cache:6379/1").access) == "redis://cache:6379/1"
    assert storage_url(Settings(broker_url="amqp://mq//").access) == "memory://"
    assert storage_url(Settings(broker_url="redis://a/0", rate_limit_storage_url="redis://b/2").access) == "redis://b/2"
