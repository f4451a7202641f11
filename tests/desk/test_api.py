"""The stories API on the app: filing from POST /v1/articles, the list envelope, a story, editors' moves, 404s."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .support import seed_texts


def test_articles_filed_from_the_sync_api_form_stories(client: TestClient) -> None:
    texts = seed_texts()
    for key, source in (("000", "The Independent"), ("001", "The Telegraph"), ("004", "NRK")):
        response = client.post("/v1/articles", json={"text": texts[key], "source_lang": "en", "summary": False,
                                                     "translate": False, "desk": True, "source": source})
        assert response.status_code == 200, response.text
        assert response.json()["translation"] is None
    again = client.post("/v1/articles", json={"text": texts["000"], "source_lang": "en", "summary": False,
                                              "desk": True, "source": "The Independent"})
    assert again.status_code == 200

    page = client.get("/v1/stories", params={"limit": 1}).json()
    assert set(page) == {"data", "has_more", "next_after"}
    assert page["has_more"] is True and page["next_after"].endswith("~" + page["data"][0]["id"])
    rest = client.get("/v1/stories", params={"limit": 10, "after": page["next_after"]}).json()
    stories = {s["id"]: s for s in page["data"] + rest["data"]}
    assert rest["has_more"] is False and len(stories) == 2
    for bad in ("null", "1.5", "~st_x", "nan~st_x"):
        refused = client.get("/v1/stories", params={"after": bad})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_input", bad
    assert sorted(s["article_count"] for s in stories.values()) == [1, 2]
    kyiv = next(s for s in stories.values() if s["article_count"] == 2)
    assert kyiv["outlets"] == ["The Independent", "The Telegraph"]

    story = client.get(f"/v1/stories/{kyiv['id']}").json()
    assert story["object"] == "story" and story["revision"] == 2
    assert set(story["brief"]) == {"headline", "summary", "key_points", "method", "model"}
    assert story["disagreements"] == [
        "several injured (The Independent, rescue officials); at least 10 injured (The Telegraph)"
    ]
    nrk = next(s for s in stories if s != kyiv["id"])
    nrk_article = client.get(f"/v1/stories/{nrk}").json()["members"][0]["article_id"]
    assert nrk_article.startswith("sha256:")

    moved = client.post(f"/v1/stories/{kyiv['id']}/articles/{nrk_article}")
    assert moved.json() == {"article_id": nrk_article, "story_id": kyiv["id"], "pinned": True}
    assert client.get(f"/v1/stories/{nrk}").status_code == 404  # emptied, so gone
    out = client.delete(f"/v1/stories/{kyiv['id']}/articles/{nrk_article}")
    assert out.json() == {"article_id": nrk_article, "story_id": None, "pinned": True}
    assert client.get(f"/v1/stories/{kyiv['id']}").json()["article_count"] == 2


def test_unknown_stories_and_articles_are_404(client: TestClient) -> None:
    for response in (client.get("/v1/stories/story_nope"), client.post("/v1/stories/story_nope/articles/x"),
                     client.delete("/v1/stories/story_nope/articles/x")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
