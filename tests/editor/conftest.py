"""A live `wirebrief serve` with auth on and a real headless Chromium (Debian's, driven by Playwright) against it.

Every request the browser makes is recorded: the pages must never reach a host other than the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REQUIRE_SERVERS
from service.auth.keys import KeyStore
from service.config import Settings
from service.db import Database
from testkit import PROJECT_ROOT
from testkit.live import running_server, settings_env

CHROMIUM = Path("/usr/bin/chromium")
#: No first-run, sync, update or other background traffic: every request the tests see is the page's own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000  # a loaded CI machine: tiny models, but a cold server and two cores


@dataclass(frozen=True)
class Live:
    base: str
    key: str
    data_dir: Path


@pytest.fixture(scope="package")
def live(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("editor-live")
    configured = settings.model_copy(update={"data_dir": data_dir, "auth_required": True, "job_poll_interval_s": 0.05})
    db = Database.from_settings(configured)
    db.upgrade()
    _, key = KeyStore(db).create("editor")
    db.dispose()
    with running_server(settings_env(configured), PROJECT_ROOT, startup_timeout_s=120) as (base, _):
        yield Live(base, key, data_dir)


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed: apt-get install chromium (`make servers`)"
        if REQUIRE_SERVERS:
            pytest.fail(f"CI requires a real browser: {message}")
        pytest.skip(f"!!! SKIPPED: {message}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    """A page in a fresh browser context, with every request URL and console error it caused."""

    page: object
    live: Live
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to any host but the server's (a blob: or data: URL is the page's own)."""
        foreign = []
        for url in self.requests:
            parts = urlsplit(url[len("blob:"):] if url.startswith("blob:") else url)
            if parts.scheme == "data":
                continue
            if parts.hostname != "127.0.0.1" or f"{parts.scheme}://{parts.netloc}" != self.live.base:
                foreign.append(url)
        return foreign

    def open_editor(self, key: str | None = None, view: str = "article") -> None:
        """Load the page and enter the key once, as a user does."""
        page = self.page
        page.goto(f"{self.live.base}/#{view}")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#api-key", key or self.live.key)
        page.click("#key-form button[type=submit]")


@pytest.fixture
def tab(browser, live: Live) -> Iterator[Tab]:  # noqa: ANN001 - a Playwright browser
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    opened = Tab(page, live)
    context.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
    yield opened
    context.close()
    assert opened.foreign_requests() == [], "the page reached another host"
