"""HTML job items (`"format": "html"`, in JSON and JSONL uploads) give the results POST /v1/articles gives."""

from __future__ import annotations

import json
from pathlib import Path

from jobs.support import EXTRACTIVE, jsonl, result_lines, wait_final

FIXTURES = Path(__file__).parent.parent / "text" / "fixtures" / "html"
JSONL_TYPE = {"content-type": "application/jsonl"}
VOLATILE = {"timings_ms", "cached"}


def strip(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in VOLATILE}


def test_html_items_in_a_jsonl_upload(make_client) -> None:
    client = make_client()
    items = [
        {"custom_id": "page", "format": "html", "text": (FIXTURES / "nrk_page.html").read_text(encoding="utf-8"),
         "summary": EXTRACTIVE},
        {"custom_id": "fragment", "format": "html", "summary": False,
         "text": (FIXTURES / "lemonde_fragment.html").read_text(encoding="utf-8")},
    ]
    # direct first: the two items need two models, loaded one after the other here, not at once by two workers
    direct = {item["custom_id"]: client.post("/v1/articles", json={k: v for k, v in item.items()
                                                                  if k != "custom_id"}).json() for item in items}
    response = client.post("/v1/jobs", content=jsonl(items), headers=JSONL_TYPE)
    assert response.status_code == 201, response.text
    assert wait_final(client, response.json()["id"])["state"] == "completed"
    lines = {line["custom_id"]: line for line in result_lines(client, response.json()["id"])}
    for custom_id, result in direct.items():
        assert strip(lines[custom_id]["result"]) == strip(result), custom_id
    assert lines["page"]["result"]["metadata"]["site_name"] == "NRK"
    assert lines["fragment"]["result"]["translation"]["html"].startswith('<p class="article__paragraph">')


def test_html_items_are_checked_as_html_at_intake(make_client) -> None:
    client = make_client(job_max_item_bytes=4096, max_article_chars=200)
    line = {"custom_id": "a", "format": "html", "text": "<p>Hei.</p>", "summary": False}
    # markup longer than an article may be is taken: the article in it is what is checked, once read
    long_markup = f'<p data-tracking="{"x" * 300}">Bystyret i Oslo møttes tirsdag for å diskutere budsjettet.</p>'
    response = client.post("/v1/jobs", json={"items": [{**line, "text": long_markup}]})
    assert response.status_code == 201, response.text
    assert wait_final(client, response.json()["id"])["state"] == "completed"
    response = client.post("/v1/jobs", json={"items": [{**line, "text": " "}]})
    assert response.status_code == 422 and response.json()["error"]["message"].startswith("items[0]: the HTML is empty")
    response = client.post("/v1/jobs", content=json.dumps({**line, "format": "pdf"}).encode(), headers=JSONL_TYPE)
    assert response.status_code == 422 and response.json()["error"]["message"].startswith("line 1: format:")
    response = client.post("/v1/jobs", json={"items": [{**line, "text": "<p>" + "a" * 5000 + "</p>"}]})
    assert response.status_code == 413 and "WIREBRIEF_JOB_MAX_ITEM_BYTES" in response.json()["error"]["message"]
