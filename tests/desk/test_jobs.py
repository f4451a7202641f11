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


def test_custom_ids_reused_by_another_job_do_not_collide_on_the_desk(make_client) -> None:
    """Two jobs each with an item "1" (different articles) file two desk articles, each under its job's id;
    an item that names its `desk_id` replaces the earlier version of that article instead."""
    client = make_client()
    texts = seed_texts()
    ids = []
    for key in ("000", "004"):
        item = {"custom_id": "1", "text": texts[key], "source_lang": "en", "summary": False, "translate": False}
        job = client.post("/v1/jobs", json={"items": [item], "desk": True}).json()
        assert wait_final(client, job["id"])["state"] == "completed"
        ids.append(f"{job['id']}:1")
    members = _members(client)
    assert sorted(members) == sorted(ids)  # both kept: neither displaced the other

    for key in ("001", "002"):  # the same article id sent twice: the later text replaces the earlier one
        item = {"custom_id": key, "desk_id": "wire/2022/kyiv", "text": texts[key], "source_lang": "en",
                "summary": False, "translate": False}
        job = client.post("/v1/jobs", json={"items": [item], "desk": True}).json()
        assert wait_final(client, job["id"])["state"] == "completed"
    members = _members(client)
    assert sorted(members) == sorted([*ids, "wire/2022/kyiv"])
    assert sum(s["article_count"] for s in client.get("/v1/stories").json()["data"]) == 3  # one version kept
    story = members["wire/2022/kyiv"]
    assert client.get(f"/v1/stories/{story}").json()["article_count"] >= 1
    # an id holding "/" is reachable by an editor's move
    out = client.delete(f"/v1/stories/{story}/articles/wire/2022/kyiv")
    assert out.status_code == 200, out.text
    assert out.json() == {"article_id": "wire/2022/kyiv", "story_id": None, "pinned": True}


def _members(client) -> dict[str, str]:
    """Every desk article id -> its story id."""
    found = {}
    for story in client.get("/v1/stories", params={"limit": 100}).json()["data"]:
        for member in client.get(f"/v1/stories/{story['id']}").json()["members"]:
            found[member["article_id"]] = story["id"]
    return found
