"""Screenshots of the editor page for the README: docs/editor-article.png, -jobs.png, -stories.png.

`python -m tools.screenshots [--out docs]` (or `make screenshots`) from a checkout: a live `wirebrief serve` on
127.0.0.1 with the test kit's tiny models and auth on, Debian's Chromium (/usr/bin/chromium) driven by Playwright.
The tiny translation model copies its input rather than translating it, so the English column repeats the
Norwegian (and the fidelity check flags it as untranslated); the summarizer is left out, so summaries and story
briefs are extractive: sentences of the articles themselves. Not a test: it only takes pictures.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx
from playwright.sync_api import Page, sync_playwright

from service.auth.keys import KeyStore
from service.config import Settings
from service.db import Database
from testkit import PROJECT_ROOT, tiny
from testkit.live import running_server, settings_env

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEEDS = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))
#: Outlets and headlines for the seeds, as a wire monitor would have them.
FILED = [
    ("The Independent", "Russian missiles hit Kyiv during UN chief's visit"),
    ("The Telegraph", "Kyiv struck as Guterres visits: live updates"),
    ("Reuters", "Missiles hit Kyiv hours after Guterres meets Zelenskiy"),
    ("Sky News", "Drone hits dormitory near Kyiv; shelling in Zaporizhzhia"),
    ("NRK", "Fragmenter fra russisk missil traff boligområde i Kyiv"),
]


def paragraphs(path: Path, count: int) -> str:
    return "\n\n".join(path.read_text(encoding="utf-8").split("\n\n")[:count])


def open_editor(page: Page, base: str, key: str, view: str) -> None:
    page.goto(f"{base}/#{view}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")


def article(page: Page, base: str, key: str, out: Path) -> None:
    open_editor(page, base, key, "article")
    page.fill("#text", paragraphs(SEEDS[4], 10))
    page.select_option("#method", "extractive")
    page.select_option("#style", "brief")
    page.click("#run")
    page.wait_for_selector("#aligned")
    page.screenshot(path=str(out / "editor-article.png"), full_page=True)


def jobs(page: Page, base: str, key: str, out: Path, work: Path) -> None:
    upload = work / "wire.jsonl"
    lines = [{"custom_id": f"wire-{n:03d}", "text": path.read_text(encoding="utf-8")[:2000], "title": FILED[n][1]}
             for n, path in enumerate(SEEDS)]
    upload.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    open_editor(page, base, key, "jobs")
    page.set_input_files("#job-file", str(upload))
    page.click("#job-upload")
    page.wait_for_selector("#job-progress[data-state=completed]")
    with page.expect_download():
        page.click("#job-results")
    page.wait_for_selector("#results-preview tbody tr")
    page.screenshot(path=str(out / "editor-jobs.png"), full_page=True)


def stories(page: Page, base: str, key: str, out: Path) -> None:
    for path, (outlet, title) in zip(SEEDS, FILED):
        answer = httpx.post(f"{base}/v1/articles", headers={"Authorization": f"Bearer {key}"}, timeout=300,
                            json={"text": path.read_text(encoding="utf-8"), "title": title, "desk": True,
                                  "source": outlet, "summary": False, "translate": False})
        answer.raise_for_status()
    listed = httpx.get(f"{base}/v1/stories", headers={"Authorization": f"Bearer {key}"}).json()["data"]
    biggest = max(listed, key=lambda story: story["article_count"])
    open_editor(page, base, key, "stories")
    page.click(f"#story-list button[data-story-id='{biggest['id']}']")
    page.wait_for_selector("#story-headline")
    page.screenshot(path=str(out / "editor-stories.png"), full_page=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wirebrief-shots-") as folder:
        work = Path(folder)
        models = tiny.ensure_models()
        registry = tiny.write_registry(work / "registry.toml", models["marian"], None, summarizer_present=False)
        settings = Settings(registry_path=registry, models_dir=work / "cache", data_dir=work / "data",
                            translate_beams=2, auth_required=True, summary_method="extractive",
                            job_poll_interval_s=0.05)
        db = Database.from_settings(settings)
        db.upgrade()
        _, key = KeyStore(db).create("screenshots")
        db.dispose()
        with running_server(settings_env(settings), PROJECT_ROOT) as (base, _), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            context.set_default_timeout(180_000)
            page = context.new_page()
            article(page, base, key, out)
            jobs(page, base, key, out, work)
            stories(page, base, key, out)
            browser.close()
    for name in ("editor-article.png", "editor-jobs.png", "editor-stories.png"):
        print(out / name)


if __name__ == "__main__":
    main()
