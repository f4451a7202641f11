"""The editor page in a real headless Chromium against a live server with auth on: paste → result, jobs, stories,
errors, and the offline /docs and /redoc. No test lets the browser reach a host other than the server (`tab`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED, seed_text

from service.auth.keys import KeyStore
from service.config import Settings
from service.db import Database

from .conftest import Live, Tab

#: The Norwegian seed's first 15 paragraphs: a photo credit and a video notice for cleaning to strike out.
NORWEGIAN = "\n\n".join(seed_text(NORWEGIAN_SEED).split("\n\n")[:15])


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def test_paste_to_result(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.open_editor()
    page.fill("#text", NORWEGIAN)
    page.select_option("#method", "extractive")
    with page.expect_response(lambda r: r.url.endswith("/v1/articles")) as answered:
        page.click("#run")
    response = answered.value
    assert response.request.headers["authorization"] == f"Bearer {tab.live.key}"
    result = response.json()
    page.wait_for_selector("#result:not([hidden])")

    assert result["language"]["code"] == "no"
    assert page.text_content("#language-name") == "Norwegian (no)"
    assert page.text_content("#language-confidence") == f"{result['language']['confidence'] * 100:.1f} %"

    removed = page.locator("#removed li")
    assert removed.count() == len(result["cleaning"]["removed"]) >= 2
    struck = [(item.locator("del").text_content(), item.locator(".rule").text_content()) for item in removed.all()]
    assert struck == [(r["text"], r["rule"]) for r in result["cleaning"]["removed"]]
    assert ("Foto: Kyiv kommune", "photo_credit") in struck

    rows = page.locator("#aligned tbody tr")
    expected = paragraphs(result["cleaning"]["text"])
    assert rows.count() == len(expected) == len(paragraphs(result["translation"]["text"]))
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())] == expected
    assert page.locator("#aligned thead th").all_text_contents() == ["¶", "Source (Norwegian)", "English"]
    assert page.locator("#aligned .sentence").count() > 0, "paragraphs with as many sentences pair them"

    summary = result["summary"]
    assert page.text_content("#headline") == summary["headline"]
    assert page.text_content("#summary-text") == summary["summary"]
    assert page.locator("#key-points li").all_text_contents() == summary["key_points"]
    assert page.locator("#timings tr").count() == len(result["timings_ms"])
    assert page.is_visible("#needs-review") == result["needs_review"]

    with page.expect_download() as downloading:
        page.click("#download-json")
    saved = tmp_path / "article.json"
    downloading.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8")) == result

    with page.expect_download() as downloading:
        page.click("#download-markdown")
    downloading.value.save_as(tmp_path / "article.md")
    markdown = (tmp_path / "article.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {summary['headline']}\n") and "~~Foto: Kyiv kommune~~ (photo_credit" in markdown

    page.reload()  # the key is kept for the tab's session
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#key-state") == "key set for this tab"
    assert tab.console_errors == []


def test_text_is_shown_as_text_never_as_markup(tab: Tab) -> None:
    page = tab.page
    tab.open_editor()
    hostile = 'The council met on Tuesday. <img src=x onerror="window.pwned=1"> It voted.\n\nPhoto: AFP'
    page.fill("#text", hostile)
    page.fill("#title", '<b onclick="window.pwned=1">Council</b>')
    page.select_option("#format", "text")
    page.fill("#source-lang", "en")
    page.select_option("#method", "extractive")
    page.click("#run")
    page.wait_for_selector("#aligned")
    assert page.locator("#result img").count() == 0
    assert page.evaluate("window.pwned") is None
    # cleaning drops the tag from the text; the title comes back as it was sent, and is shown as text
    assert 'Title: <b onclick="window.pwned=1">Council</b>' in page.inner_text("#result")
    assert page.locator("#result b").count() == 0
    assert page.locator("#aligned thead th").all_text_contents() == ["¶", "Source (English)"]


def test_api_errors_are_shown(tab: Tab) -> None:
    page = tab.page
    tab.open_editor()
    page.fill("#text", "   ")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert page.text_content("#error .code").startswith("empty_text (HTTP 4")

    tab.open_editor(key="wb_not_a_key")
    page.fill("#text", "The council met on Tuesday.")
    page.click("#run")
    page.wait_for_selector("#error .code:text('unauthorized (HTTP 401)')")
    assert "Enter a valid API key" in page.text_content("#error")


def test_jobs_upload_progress_and_results(tab: Tab, tmp_path: Path) -> None:
    items = [{"custom_id": f"wire-{n}", "text": seed_text(path)[:1200], "summary": {"method": "extractive"}}
             for n, path in enumerate(ENGLISH_SEEDS[:3])]
    upload = tmp_path / "batch.jsonl"
    upload.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    page = tab.page
    tab.open_editor(view="jobs")
    page.set_input_files("#job-file", str(upload))
    with page.expect_response(lambda r: r.url.endswith("/v1/jobs") and r.request.method == "POST") as created:
        page.click("#job-upload")
    assert created.value.status == 201 and created.value.request.headers["content-type"] == "application/jsonl"
    job_id = created.value.json()["id"]
    page.wait_for_selector(f"#job-progress[data-job-id='{job_id}'][data-state=completed]")
    assert page.text_content("#job-done") == "3 of 3 done"
    page.wait_for_selector(f"#job-list tr[data-job-id='{job_id}']")

    with page.expect_download() as downloading:
        page.click("#job-results")
    saved = tmp_path / "results.jsonl"
    downloading.value.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [line["custom_id"] for line in lines] == ["wire-0", "wire-1", "wire-2"]
    assert all(line["type"] == "result" for line in lines)
    assert page.locator("#results-preview tbody tr").count() == 3


def _file(live: Live, path: Path, outlet: str, key: str | None = None) -> None:
    answer = httpx.post(f"{live.base}/v1/articles", headers={"Authorization": f"Bearer {key or live.key}"},
                        timeout=120, json={"text": seed_text(path), "desk": True, "source": outlet, "summary": False})
    assert answer.status_code == 200, answer.text


def test_stories_view_shows_a_filed_story(tab: Tab, live: Live) -> None:
    _file(live, ENGLISH_SEEDS[0], "The Independent")
    _file(live, ENGLISH_SEEDS[1], "The Telegraph")
    page = tab.page
    tab.open_editor(view="stories")
    page.wait_for_selector("#story-list button")
    stories = httpx.get(f"{live.base}/v1/stories", headers={"Authorization": f"Bearer {live.key}"}).json()["data"]
    both = next(story for story in stories if story["article_count"] == 2)
    page.click(f"#story-list button[data-story-id='{both['id']}']")
    page.wait_for_selector("#story-headline")
    story = httpx.get(f"{live.base}/v1/stories/{both['id']}", headers={"Authorization": f"Bearer {live.key}"}).json()
    assert page.text_content("#story-headline") == story["brief"]["headline"]
    assert page.text_content("#story-summary") == story["brief"]["summary"]
    assert "[object" not in page.inner_text("#story")
    assert page.locator("#members tbody tr").count() == 2
    assert sorted(page.locator("#members tbody tr td:first-child").all_text_contents()) == [
        "The Independent", "The Telegraph"]
    assert page.locator("#disagreements li").all_text_contents() == story["disagreements"]
    assert any("at least 10 injured (The Telegraph)" in line for line in story["disagreements"])
    assert page.locator("#facts tbody tr").count() == len(story["facts"])


def test_an_editor_moves_and_removes_story_members(tab: Tab, live: Live, settings: Settings) -> None:
    db = Database.from_settings(settings.model_copy(update={"data_dir": live.data_dir}))
    _, key = KeyStore(db).create("desk editor")  # a desk of its own: no other test's stories in it
    db.dispose()
    api = httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {key}"}, timeout=60)
    for path, outlet in zip(ENGLISH_SEEDS[:2] + ENGLISH_SEEDS[3:4], ("The Independent", "The Telegraph", "Sky News")):
        _file(live, path, outlet, key)
    stories = api.get("/v1/stories").json()["data"]
    assert sorted(story["article_count"] for story in stories) == [1, 2]
    kyiv = next(story["id"] for story in stories if story["article_count"] == 2)
    other = next(story["id"] for story in stories if story["article_count"] == 1)
    telegraph = next(m["article_id"] for m in api.get(f"/v1/stories/{kyiv}").json()["members"]
                     if m["outlet"] == "The Telegraph")

    page = tab.page
    tab.open_editor(key=key, view="stories")
    page.click(f"#story-list button[data-story-id='{kyiv}']")
    row = page.locator(f"#members tbody tr[data-article-id='{telegraph}']")
    row.locator("input.move-id").fill("story_not_there")  # a pasted id wins over the list; the API's 404 shows
    row.locator("button.move").click()
    page.wait_for_selector("#error .code:text('not_found (HTTP 404)')")
    row.locator("input.move-id").fill("")
    row.locator("select.move-choice").select_option(other)
    row.locator("button.move").click()
    row.wait_for(state="detached")  # the story it left is shown again, without it (no wait_for_function: CSP)
    assert page.locator("#members tbody tr td:first-child").all_text_contents() == ["The Independent"]
    moved = api.get(f"/v1/stories/{other}").json()
    assert {m["outlet"]: m["pinned"] for m in moved["members"]} == {"Sky News": False, "The Telegraph": True}
    assert [m["outlet"] for m in api.get(f"/v1/stories/{kyiv}").json()["members"]] == ["The Independent"]

    page.locator(f"#story-list button[data-story-id='{other}'] .story-meta", has_text="2 articles").wait_for()
    page.click(f"#story-list button[data-story-id='{other}']")
    sky = page.locator("#members tbody tr", has_text="Sky News")
    sky.locator("button.remove").click()
    sky.wait_for(state="detached")
    left = api.get(f"/v1/stories/{other}").json()
    assert [(m["article_id"], m["pinned"]) for m in left["members"]] == [(telegraph, True)]
    assert left["article_count"] == 1 and "Sky News" not in left["outlets"]
    assert page.locator("#error").is_hidden()
    api.close()


def test_docs_and_redoc_render_offline(tab: Tab) -> None:
    page = tab.page
    page.goto(f"{tab.live.base}/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 20
    page.goto(f"{tab.live.base}/redoc")
    page.wait_for_selector("[data-section-id^='operation/'] h2")
    assert page.locator("[data-section-id^='operation/'] h2").count() > 20
    assert tab.console_errors == []
    assert any(url.endswith("/docs/assets/redoc.offline.js") for url in tab.requests)


def test_a_dropped_html_file_is_sent_as_html(tab: Tab) -> None:
    page = tab.page
    tab.open_editor()
    html = ("<html><head><title>Council votes</title></head><body><article>"
            "<p>The council met on Tuesday and voted to rebuild the bridge.</p>"
            "<p>Work starts in May, the mayor said.</p></article></body></html>")
    dropped = page.evaluate_handle(
        "(html) => { const t = new DataTransfer(); t.items.add(new File([html], 'council.html', {type: 'text/html'}));"
        " return t; }", html)
    page.dispatch_event("#drop", "drop", {"dataTransfer": dropped})
    page.locator("#file-name", has_text="council.html").wait_for()  # no wait_for_function: the page's CSP forbids eval
    assert page.input_value("#text") == html and page.input_value("#format") == "html"
    page.fill("#source-lang", "en")
    page.select_option("#method", "extractive")
    with page.expect_request(lambda r: r.url.endswith("/v1/articles")) as sent:
        page.click("#run")
    assert json.loads(sent.value.post_data)["format"] == "html"
    page.wait_for_selector("#aligned")
    assert page.locator("#aligned tbody tr td:nth-child(2)").all_text_contents() == [
        "The council met on Tuesday and voted to rebuild the bridge.", "Work starts in May, the mayor said."]
