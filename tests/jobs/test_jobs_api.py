"""The jobs API on the real app and tiny models: submit, status, results, cancel, list, limits, retries."""

from __future__ import annotations

import json

import pytest

from conftest import NORWEGIAN_SEED, seed_text
from service.errors import ModelUnavailable
from jobs.support import EXTRACTIVE, english_items, jsonl, norwegian_items, result_lines, wait_final, wait_until

JSONL_TYPE = {"content-type": "application/jsonl"}
VOLATILE = {"timings_ms", "cached"}  # differ between two runs of the same article


def strip(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in VOLATILE}


def test_json_job_results_have_the_articles_shape(make_client) -> None:
    client = make_client()
    items = [english_items(1)[0],
             {"custom_id": "no", "text": seed_text(NORWEGIAN_SEED), "title": "Eksplosjon i Kyiv.", "summary": EXTRACTIVE},
             {"custom_id": "bare", "text": "Short English text about the weather today. It rained.", "summary": False,
              "translate": False}]
    response = client.post("/v1/jobs", json={"items": items})
    assert response.status_code == 201, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] == "queued" and job["counts"] == {"total": 3, "completed": 0, "failed": 0, "cancelled": 0,
                                                           "pending": 3}
    assert job["events"] == [] and job["webhook_endpoint_id"] is None

    done = wait_final(client, job["id"])
    assert done["state"] == "completed"
    assert done["counts"] == {"total": 3, "completed": 3, "failed": 0, "cancelled": 0, "pending": 0}
    assert done["created_at"] <= done["started_at"] <= done["finished_at"] and done["eta_seconds"] is None

    lines = result_lines(client, job["id"])
    assert [line["custom_id"] for line in lines] == ["a0", "no", "bare"]
    assert {line["type"] for line in lines} == {"result"}
    for item, line in zip(items, lines):
        body = {k: v for k, v in item.items() if k != "custom_id"}
        direct = client.post("/v1/articles", json=body)
        assert direct.status_code == 200
        assert strip(line["result"]) == strip(direct.json()), item["custom_id"]
    assert lines[1]["result"]["translation"]["source_lang"] == "no"


def test_jsonl_upload_with_options_in_the_query(make_client, receiver) -> None:
    client = make_client()
    endpoint = client.post("/v1/webhooks/endpoints", json={"url": receiver.url}).json()
    body = b"\n" + jsonl(english_items(3)) + b"\n\n"  # blank lines are skipped
    response = client.post(f"/v1/jobs?webhook_endpoint_id={endpoint['id']}&events=job.completed,article.processed",
                           content=body, headers=JSONL_TYPE)
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["events"] == ["job.completed", "article.processed"] and job["webhook_endpoint_id"] == endpoint["id"]
    wait_final(client, job["id"])
    assert [line["custom_id"] for line in result_lines(client, job["id"])] == ["a0", "a1", "a2"]

    by_url = client.post(f"/v1/jobs?callback_url={receiver.url}", content=body, headers=JSONL_TYPE).json()
    assert by_url["webhook_endpoint_id"] == endpoint["id"] and by_url["events"] == ["job.completed", "job.failed"]


@pytest.mark.parametrize(("lines", "status", "code", "message"), [
    (['{"custom_id": "a", "text": "Fine text here."}', '{"custom_id": "b", "text": '], 400, "bad_request",
     "line 2: not valid JSON"),
    (['{"custom_id": "a", "text": "Fine."}', "", '{"custom_id": "b"}'], 422, "invalid_input",
     "line 3: text: Field required"),
    (['{"custom_id": "a", "text": "   "}'], 422, "empty_text", "line 1: text is empty"),
    (['{"custom_id": "a", "text": "One."}', '{"custom_id": "b", "text": "Two."}', '{"custom_id": "a", "text": "3."}'],
     422, "invalid_input", "line 3: custom_id 'a' is already used by line 1"),
    (['{"custom_id": "a", "text": "Hei.", "source_lang": "xx"}'], 422, "unsupported_language", "line 1: unknown"),
    (['{"custom_id": "a", "text": "Hi.", "summary": {"style": "haiku"}}'], 422, "unknown_style", "line 1:"),
    (['{"custom_id": "a", "text": "Hi.", "colour": "red"}'], 422, "invalid_input", "line 1: colour: Extra inputs"),
    (["", "  "], 422, "invalid_input", "a job needs at least one item"),
])
def test_a_bad_line_is_named_and_nothing_is_created(make_client, lines, status, code, message) -> None:
    client = make_client()
    response = client.post("/v1/jobs", content="\n".join(lines).encode(), headers=JSONL_TYPE)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"].startswith(message), error
    assert client.get("/v1/jobs").json()["data"] == []


def test_json_body_errors_name_the_item(make_client) -> None:
    client = make_client()
    response = client.post("/v1/jobs", json={"items": [{"custom_id": "a", "text": "Hi."}, {"text": "No id."}]})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "items.1.custom_id: Field required"
    response = client.post("/v1/jobs", json={"items": english_items(1)}, params={"events": "job.completed"})
    assert response.status_code == 422 and "in the JSON body" in response.json()["error"]["message"]
    response = client.post("/v1/jobs", json={"items": english_items(1), "events": ["job.completed"]})
    assert response.status_code == 422 and "need a webhook_endpoint_id" in response.json()["error"]["message"]
    response = client.post("/v1/jobs", json={"items": english_items(1), "webhook_endpoint_id": "we_nope"})
    assert response.status_code == 422 and "not a registered endpoint" in response.json()["error"]["message"]
    response = client.post("/v1/jobs", content=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    response = client.post("/v1/jobs", json={"items": [{"custom_id": "a\u0000b", "text": "Hi."}]})
    assert response.status_code == 422  # a NUL could not even be stored in PostgreSQL
    assert response.json()["error"]["message"].startswith("items.0.custom_id: String should match pattern")
    assert client.get("/v1/jobs").json()["data"] == []


def test_limits_are_settings_with_clear_413s(make_client) -> None:
    client = make_client(job_max_items=2, job_max_item_bytes=120, job_max_bytes=1000)
    too_many = client.post("/v1/jobs", content=jsonl(english_items(3)), headers=JSONL_TYPE)
    assert too_many.status_code == 413
    assert too_many.json()["error"]["message"] == "job has 3 items; the limit is 2 (WIREBRIEF_JOB_MAX_ITEMS)"
    assert client.post("/v1/jobs", json={"items": english_items(3)}).status_code == 413
    big_item = [{"custom_id": "a", "text": "Word. " * 25}]
    response = client.post("/v1/jobs", content=jsonl(big_item), headers=JSONL_TYPE)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == ("line 1: text is 150 bytes; the limit is 120 "
                                                   "(WIREBRIEF_JOB_MAX_ITEM_BYTES)")
    response = client.post("/v1/jobs", content=b"x" * 1001, headers=JSONL_TYPE)
    assert response.status_code == 413 and "WIREBRIEF_JOB_MAX_BYTES" in response.json()["error"]["message"]
    assert client.get("/v1/jobs").json()["data"] == []


def test_idempotency_key_replays_or_conflicts(make_client) -> None:
    client = make_client()
    body, other = jsonl(english_items(2)), jsonl(english_items(3))
    first = client.post("/v1/jobs", content=body, headers={**JSONL_TYPE, "Idempotency-Key": "k1"})
    again = client.post("/v1/jobs", content=body, headers={**JSONL_TYPE, "Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    clash = client.post("/v1/jobs", content=other, headers={**JSONL_TYPE, "Idempotency-Key": "k1"})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "conflict"
    assert first.json()["id"] in clash.json()["error"]["message"]
    fresh = client.post("/v1/jobs", content=body, headers={**JSONL_TYPE, "Idempotency-Key": "k2"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    assert sorted(j["id"] for j in client.get("/v1/jobs").json()["data"]) == sorted([first.json()["id"],
                                                                                     fresh.json()["id"]])
    wait_final(client, first.json()["id"])
    assert len(result_lines(client, first.json()["id"])) == 2  # the replay added no items


def test_partial_results_then_cancel_keeps_what_is_done(make_client) -> None:
    client = make_client(job_workers=1)
    items = norwegian_items(30)
    job = client.post("/v1/jobs", json={"items": items}).json()

    def some_done() -> dict | None:
        state = client.get(f"/v1/jobs/{job['id']}").json()
        return state if state["counts"]["completed"] >= 2 else None

    running = wait_until(some_done, what="two items done")
    assert running["state"] == "running" and running["eta_seconds"] > 0
    partial = client.get(f"/v1/jobs/{job['id']}/results")
    assert partial.headers["x-job-state"] == "running"
    ids = [json.loads(line)["custom_id"] for line in partial.text.splitlines()]
    assert len(ids) >= 2 and ids == [item["custom_id"] for item in items[:len(ids)]], "one worker: in order"

    cancelled = client.post(f"/v1/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    final = wait_final(client, job["id"])  # the item in flight at cancel time finishes and is kept
    counts = final["counts"]
    assert counts["completed"] >= len(ids) and counts["completed"] + counts["cancelled"] == 30
    assert counts["failed"] == 0 and counts["cancelled"] > 0 and final["state"] == "cancelled"
    lines = result_lines(client, job["id"])
    assert [line["custom_id"] for line in lines] == [item["custom_id"] for item in items[:counts["completed"]]]
    again = client.post(f"/v1/jobs/{job['id']}/cancel")  # docs/JOBS.md: 409 once the job has ended
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert client.get(f"/v1/jobs/{job['id']}").json()["counts"] == counts, "nothing ran after the cancel"


def test_cancel_a_finished_job_is_409(make_client) -> None:
    client = make_client()
    job = client.post("/v1/jobs", json={"items": english_items(1)}).json()
    wait_final(client, job["id"])
    response = client.post(f"/v1/jobs/{job['id']}/cancel")
    assert response.status_code == 409 and "already completed" in response.json()["error"]["message"]


def test_a_failed_item_records_its_error_and_the_job_goes_on(make_client) -> None:
    client = make_client()
    items = [english_items(1)[0], {"custom_id": "credit", "text": "Foto: AFP", "summary": EXTRACTIVE},
             english_items(2, prefix="b")[1]]
    job = client.post("/v1/jobs", json={"items": items}).json()
    done = wait_final(client, job["id"])
    assert done["state"] == "completed" and done["counts"]["completed"] == 2 and done["counts"]["failed"] == 1
    lines = result_lines(client, job["id"])
    assert [line["type"] for line in lines] == ["result", "error", "result"]
    assert lines[1]["custom_id"] == "credit" and lines[1]["attempts"] == 1, "bad input is not retried"
    assert lines[1]["error"]["code"] == "empty_text"


def test_an_unexpected_crash_reaches_the_client_sanitized_as_on_the_http_path(make_client) -> None:
    """A bug's details (here a secret in the exception text) go to the log, never into a stored result line."""
    client = make_client(job_item_max_attempts=2)
    pipeline = client.app.state.pipeline
    real_process = pipeline.process

    def crash_on_boom(request):  # noqa: ANN001, ANN202 - the pipeline's own signature
        if request.text.startswith("Boom"):
            raise RuntimeError("db password is hunter2")
        return real_process(request)

    pipeline.process = crash_on_boom
    items = [{"custom_id": "boom", "text": "Boom goes the item.", "summary": EXTRACTIVE}, english_items(1)[0]]
    done = wait_final(client, client.post("/v1/jobs", json={"items": items}).json()["id"])
    assert done["counts"] == {"total": 2, "completed": 1, "failed": 1, "cancelled": 0, "pending": 0}
    error = next(line for line in result_lines(client, done["id"]) if line["type"] == "error")
    assert error["attempts"] == 2, "a crash is retried like any server-side error"
    assert error["error"] == {"code": "internal_error", "message": "internal error; it has been logged"}


def test_transient_errors_retry_up_to_the_bound_then_the_job_fails(make_client) -> None:
    """A model that fails to load answers 503 model_unavailable: worth retrying, thrice."""
    client = make_client(job_item_max_attempts=3)
    pipeline = client.app.state.pipeline
    real_process = pipeline.process

    def unloadable(request):  # noqa: ANN001, ANN202 - the pipeline's own signature
        if request.text.startswith("Der"):
            raise ModelUnavailable("model opus-mt-de-en at /models/de failed to load (OSError: truncated)")
        return real_process(request)

    pipeline.process = unloadable
    job = client.post("/v1/jobs", json={"items": [{"custom_id": "de", "source_lang": "de", "summary": EXTRACTIVE,
                                                   "text": "Der Stadtrat hat am Dienstag den Haushalt beschlossen."}]})
    done = wait_final(client, job.json()["id"])
    assert done["state"] == "failed" and done["counts"]["failed"] == 1
    [line] = result_lines(client, done["id"])
    assert line["type"] == "error" and line["attempts"] == 3 and line["error"]["code"] == "model_unavailable"


def test_list_is_paginated_newest_first(make_client) -> None:
    client = make_client(job_page_max=3)
    made = [client.post("/v1/jobs", json={"items": english_items(1)}).json()["id"] for _ in range(5)]
    seen, after = [], None
    while True:
        page = client.get("/v1/jobs", params={"limit": 2, **({"after": after} if after else {})}).json()
        seen += [job["id"] for job in page["data"]]
        if not page["has_more"]:
            assert page["next_after"] is None
            break
        after = page["next_after"]
    assert seen == made[::-1]
    assert len(client.get("/v1/jobs", params={"limit": 50}).json()["data"]) == 3, "capped at WIREBRIEF_JOB_PAGE_MAX"


def test_unknown_job_is_404(make_client) -> None:
    client = make_client()
    for response in (client.get("/v1/jobs/job_nope"), client.get("/v1/jobs/job_nope/results"),
                     client.post("/v1/jobs/job_nope/cancel")):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_openapi_documents_the_new_endpoints(make_client) -> None:
    schema = make_client().get("/openapi.json").json()
    assert {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results", "/v1/jobs/{job_id}/cancel",
            "/v1/webhooks/endpoints", "/v1/webhooks/deliveries/{delivery_id}/redeliver",
            "/v1/hooks/newsroom"} <= set(schema["paths"])
    content = schema["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "application/jsonl"}
    assert {"JobIn", "JobItemIn", "EndpointIn", "NewsroomEvent"} <= set(schema["components"]["schemas"])
