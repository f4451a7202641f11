"""A job with the `desk` option files every processed item (its custom_id is its article id on the desk)."""

from __future__ import annotations

from jobs.support import wait_final

from .support import seed_texts


def test_a_desk_job_files_each_item(make_client) -> None:
    client = make_client()
    texts = seed_texts()
    items = [{"custom_id": key, "text": texts[key], "source_lang": "en", "summary": False, "translate": False,
              "source": f"outlet {key}"} for key in ("000", "001", "004")]
    plain = client.post("/v1/jobs", json={"items": items[:1]}).json()
    assert wait_final(client, plain["id"])["state"] == "completed"
    assert client.get("/v1/stories").json()["data"] == []  # no desk option: nothing filed

    job = client.post("/v1/jobs", json={"items": items, "desk": True})
    assert job.status_code == 201, job.text
    assert wait_final(client, job.json()["id"])["state"] == "completed"
    stories = client.get("/v1/stories").json()["data"]
    # outlets come in filing order, and a job's items are processed concurrently: compare them as a set
    assert sorted((s["article_count"], sorted(s["outlets"])) for s in stories) == [
        (1, ["outlet 004"]), (2, ["outlet 000", "outlet 001"])]
    lines = client.get(f"/v1/jobs/{job.json()['id']}/results").text.splitlines()
    assert all('"translation":null' in line for line in lines)  # translated for the desk, not returned
