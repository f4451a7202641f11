"""What the service serves for the editor and the docs, without a browser: open paths, policies, no foreign host."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from service.api.access import guarded
from service.api.app import create_app
from service.api.docs import redoc_bundle
from service.api.editor import PAGE_DIR
from service.config import AccessSettings, Settings
from service.pipeline import Pipeline

FOREIGN = re.compile(rb"https?://")


def test_the_page_and_the_docs_are_open_and_the_api_is_not() -> None:
    settings = AccessSettings(auth_required=True)
    for path in ("/", "/editor/config", "/editor/assets/js/main.js", "/docs", "/docs/assets/swagger-ui.css",
                 "/docs/oauth2-redirect", "/redoc"):
        assert not guarded(path, settings), path
    for path in ("/v1/articles", "/v1/jobs", "/v1/stories", "/editor", "/docsx"):
        assert guarded(path, settings), path


def test_with_auth_on_the_page_loads_and_its_calls_need_the_key(
    settings: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    configured = settings.model_copy(update={"auth_required": True, "data_dir": tmp_path, "job_workers": 0})
    with TestClient(create_app(configured, pipeline)) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
        policy = page.headers["content-security-policy"]
        assert policy.startswith("default-src 'self'; script-src 'self'; style-src 'self';")
        assert "'unsafe-inline'" not in policy and "connect-src 'self'" in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        script = client.get("/editor/assets/js/main.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert client.get("/editor/assets/../editor.py").status_code == 404
        config = client.get("/editor/config").json()
        assert config["auth_required"] is True
        assert [style["name"] for style in config["styles"]] == list(pipeline.prompts.styles)
        assert config["default_style"] == pipeline.prompts.default_style
        assert client.get("/v1/jobs").status_code == 401


def test_nothing_the_page_ships_names_another_host() -> None:
    files = [path for path in PAGE_DIR.rglob("*") if path.is_file()]
    assert {path.suffix for path in files} == {".html", ".css", ".js", ".svg"}
    for path in files:
        text = path.read_bytes()
        if path.suffix == ".svg":
            text = text.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")  # a namespace, never fetched
        assert not FOREIGN.search(text), path.name
    assert not FOREIGN.search(re.sub(rb"(src|href)=\"/[^\"]*\"", b"", (PAGE_DIR / "index.html").read_bytes()))


def test_docs_pages_allow_exactly_their_own_inline_scripts(client: TestClient) -> None:
    for path in ("/docs", "/docs/oauth2-redirect", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200, path
        policy = page.headers["content-security-policy"]
        assert policy.startswith("default-src 'self'; script-src 'self'")
        for script in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        for url in re.findall(r'(?:src|href)="([^"]*)"', page.text):
            assert url.startswith("/"), url
    swagger = client.get("/docs").text
    assert '"validatorUrl": null' in swagger
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_the_redoc_bundle_loads_nothing_from_another_host() -> None:
    bundle = redoc_bundle()
    assert b"cdn.redoc.ly" not in bundle and b"fonts.googleapis" not in bundle
    assert len(bundle) > 500_000  # the whole bundle, one URL changed
