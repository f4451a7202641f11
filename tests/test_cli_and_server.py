"""The `wirebrief` command and a real uvicorn server on 127.0.0.1, as users run them."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import NORWEGIAN_SEED, SEED_FILES
from testkit import PROJECT_ROOT
from testkit.live import running_server

WIREBRIEF = [sys.executable, "-m", "service.cli"]


def _env(settings) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path),
            "WIREBRIEF_MODELS_DIR": str(settings.models_dir), "WIREBRIEF_DATA_DIR": str(settings.data_dir)}


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*WIREBRIEF, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_process_json_and_out_folder(settings, tmp_path: Path) -> None:
    result = _run(["process", str(NORWEGIAN_SEED), str(SEED_FILES[0]), "--json", "--method", "extractive",
                   "--out", str(tmp_path)], _env(settings))
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)["data"]  # one JSON document
    assert [(e["type"], e["file"]) for e in entries] == [("result", str(NORWEGIAN_SEED)), ("result", str(SEED_FILES[0]))]
    assert [e["result"]["language"]["code"] for e in entries] == ["no", "en"]
    assert entries[0]["result"]["translation"]["model"] == "Helsinki-NLP/opus-mt-gmq-en"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{p.stem}.json" for p in (NORWEGIAN_SEED,
                                                                                            SEED_FILES[0]))


def test_process_readable(settings) -> None:
    result = _run(["process", str(SEED_FILES[2]), "--method", "extractive", "--style", "brief"], _env(settings))
    assert result.returncode == 0, result.stderr
    assert "language: English (en" in result.stdout and "summary (extractive, brief," in result.stdout


def test_process_reports_failures_with_exit_1(settings, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = _run(["process", str(empty)], _env(settings))
    assert result.returncode == 1 and "empty_text" in result.stderr


def test_models_list_json(settings) -> None:
    result = _run(["models", "list", "--json"], _env(settings))
    rows = {row["key"]: row for row in json.loads(result.stdout)["data"]}
    assert rows["opus-mt-gmq-en"]["present"] is True and rows["opus-mt-gmq-en"]["size_mb"] > 0
    assert rows["opus-mt-de-en"]["present"] is False


def test_models_pull_gives_up_fast_offline(settings) -> None:
    started = time.monotonic()
    result = _run(["models", "pull", "--lang", "de"], _env(settings), timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert "copy a downloaded snapshot of Helsinki-NLP/opus-mt-de-en" in result.stderr


def test_models_check(settings) -> None:
    result = _run(["models", "check"], _env(settings))
    assert result.returncode == 0, "the German model is missing, but the catch-all translates German meanwhile"
    assert "opus-mt-gmq-en: ok (transformers" in result.stdout
    assert "model missing (optional): opus-mt-de-en: opus-mt-mul-en translates de meanwhile; run `" in result.stdout
    assert "wirebrief models pull --model opus-mt-de-en`" in result.stdout


def test_models_pull_with_no_arguments_fetches_the_default_set(settings) -> None:
    result = _run(["models", "pull"], _env(settings), timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["opus-mt-mul-en: present", "distilbart-cnn: present"]


@pytest.fixture()
def server(settings):
    with running_server(_env(settings), PROJECT_ROOT, startup_timeout_s=60, output=subprocess.PIPE) as running:
        yield running


def test_real_server_serves_the_readme_call(server) -> None:
    """The README's curl call: POST the raw Norwegian seed as text/plain."""
    base, _ = server
    response = httpx.post(f"{base}/v1/articles", content=NORWEGIAN_SEED.read_bytes(),
                          headers={"content-type": "text/plain"}, timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"]["code"] == "no"
    assert body["translation"]["model"] == "Helsinki-NLP/opus-mt-gmq-en"
    assert body["summary"]["word_count"] > 0


def test_real_server_names_missing_models_at_start(server) -> None:
    _, proc = server
    proc.terminate()
    output = proc.communicate(timeout=10)[0]
    assert "model missing (optional): opus-mt-de-en" in output
    assert "wirebrief models pull --model opus-mt-de-en" in output
