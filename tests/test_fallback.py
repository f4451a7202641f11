"""A missing dedicated model is not fatal: the catch-all stands in, /ready and `models check` say so, and only a
language no present model serves is refused (503), on the sync route and at job submission alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import write_registry
from service import cli, modelstore
from service.api.app import create_app
from service.config import Settings, get_settings
from service.detect import Routing
from service.modelstore import (Download, HubFile, PullError, checkpoint_files, cli_command, coverage, plan_download,
                                pull, route, snapshot_dir)
from service.pipeline import Pipeline
from service.registry import Registry, RegistryError
from testkit import PROJECT_ROOT

SHIPPED = Registry.load(PROJECT_ROOT / "models" / "registry.toml")
GERMAN = "Der Stadtrat hat am Dienstag den Haushalt beschlossen."


def settings_for(tmp_path: Path, tiny_models: dict[str, Path], **present: bool) -> Settings:
    tmp_path.mkdir(parents=True, exist_ok=True)
    registry = write_registry(tmp_path / "registry.toml", tiny_models["marian"], tiny_models["bart"], **present)
    return Settings(registry_path=registry, models_dir=tmp_path / "cache", data_dir=tmp_path / "data")


# -- the routing decision, as data -------------------------------------------------------------------

@given(st.frozensets(st.sampled_from(sorted(SHIPPED.models))),
       st.sampled_from(["no", "nb", "de", "fr", "ru", "ja", "fi", "pt"]))
def test_route_prefers_its_own_model_then_the_catch_all(present: frozenset[str], lang: str) -> None:
    chosen = route(SHIPPED, lang, lambda spec: spec.key in present)
    assert chosen.preferred == SHIPPED.translator_for(lang)
    if chosen.preferred.key in present:
        assert chosen.model == chosen.preferred and not chosen.fallback and chosen.warning() is None
    elif "opus-mt-mul-en" in present:
        assert chosen.model is not None and chosen.model.key == "opus-mt-mul-en" and chosen.fallback
        assert f"because {chosen.preferred.key} is not on this machine" in (chosen.warning() or "")
    else:
        assert chosen.model is None and not chosen.fallback


@given(st.frozensets(st.sampled_from(sorted(SHIPPED.models))), st.booleans())
def test_coverage_is_ready_exactly_when_every_language_has_a_present_model(present: frozenset[str],
                                                                           abstractive: bool) -> None:
    covered = coverage(SHIPPED, present, needs_summarizer=abstractive)
    languages = ["no", "de", "fr", "ja", "uk"]
    served = all(route(SHIPPED, lang, lambda spec: spec.key in present).model is not None for lang in languages)
    summarizer_ok = not abstractive or "distilbart-cnn" in present
    assert covered.ready == (served and summarizer_ok)
    assert {spec.key for spec in covered.missing} == set(SHIPPED.models) - present
    assert set(covered.optional) | set(covered.blocking) == set(covered.missing)
    assert ("*" in covered.unserved) == ("opus-mt-mul-en" not in present)


def test_registry_defaults_are_what_pull_fetches_with_no_arguments(tmp_path: Path) -> None:
    assert [spec.key for spec in SHIPPED.defaults] == ["opus-mt-gmq-en", "opus-mt-mul-en", "distilbart-cnn"]
    path = tmp_path / "r.toml"
    path.write_text("summarizer = 's'\ndefaults = ['s', 'nope']\n[models.s]\ntask = 'summarization'\nhub_id = 'a/s'\n")
    with pytest.raises(RegistryError, match="'defaults' names no such model: nope"):
        Registry.load(path)


def test_a_fallback_language_stays_routable_for_detection(pipeline: Pipeline) -> None:
    assert Routing.from_registry(pipeline.registry).route("de") == "opus-mt-de-en"
    assert "de" in pipeline.detectable_codes()


# -- the pipeline and the API --------------------------------------------------------------------------

def test_plan_names_the_model_actually_chosen(tiny_models, tmp_path: Path) -> None:
    """The cache key is made from the plan's translator: it changes once the dedicated model arrives."""
    missing = Pipeline.from_settings(settings_for(tmp_path / "a", tiny_models)).plan("de", None)
    assert missing.translator is not None and missing.translator.key == "opus-mt-mul-en"
    assert [w.split(":")[0] for w in missing.warnings] == ["fallback_model"]
    here = Pipeline.from_settings(settings_for(tmp_path / "b", tiny_models, german_present=True)).plan("de", None)
    assert here.translator is not None and here.translator.key == "opus-mt-de-en" and here.warnings == ()


def test_translate_step_carries_the_fallback_warning(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"text": GERMAN, "source_lang": "de"}).json()
    assert body["translation"]["model"] == "Helsinki-NLP/opus-mt-mul-en"
    assert any(w.startswith("fallback_model: de is translated by opus-mt-mul-en") for w in body["warnings"])


def test_extractive_by_default_needs_no_summarizer_to_be_ready(tiny_models, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tiny_models, summarizer_present=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 503, "abstractive summaries by default need the summarizer"
    extractive = settings.model_copy(update={"summary_method": "extractive"})
    with TestClient(create_app(extractive)) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["optional_missing"] == ["opus-mt-de-en", "distilbart-cnn"]


@pytest.fixture(scope="module")
def unserved(tiny_models, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """German and its stand-in, the catch-all, both missing: German (and Japanese) cannot be translated."""
    return settings_for(tmp_path_factory.mktemp("unserved"), tiny_models, catch_all_present=False)


def test_without_the_catch_all_an_unserved_language_is_a_503_everywhere(unserved: Settings) -> None:
    with TestClient(create_app(unserved)) as client:
        sync = client.post("/v1/articles", json={"text": GERMAN, "source_lang": "de"})
        assert sync.status_code == 503
        error = sync.json()["error"]
        assert error["code"] == "model_unavailable"
        assert error["message"].startswith("no model on this machine translates de: opus-mt-de-en is missing: run `")
        assert "models pull --model opus-mt-mul-en" not in error["message"], "a local path is not pulled"
        assert "opus-mt-mul-en is missing: put the model files" in error["message"]

        job = client.post("/v1/jobs", json={"items": [
            {"custom_id": "ok", "text": "Nato sier nei. Det er ikke bekreftet.", "source_lang": "no"},
            {"custom_id": "de", "text": GERMAN, "source_lang": "de"}]})
        assert job.status_code == 503, job.text
        assert job.json()["error"] == {"code": "model_unavailable", "message": f"items[1]: {error['message']}"}
        assert client.get("/v1/jobs").json()["data"] == [], "a refused job is not stored"

        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.json()["ready"] is False
        assert ready.json()["unserved_languages"] == ["de", "*"] and ready.json()["optional_missing"] == []
        rows = {row["code"]: row for row in client.get("/v1/languages").json()["data"]}
        for code, preferred in (("de", "opus-mt-de-en"), ("ja", "opus-mt-mul-en")):
            assert (rows[code]["model"], rows[code]["preferred_model"], rows[code]["fallback"]) == (None, preferred,
                                                                                                 False)
        assert rows["no"]["model"] == "opus-mt-gmq-en"


# -- the command line ------------------------------------------------------------------------------------

def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path),
            "WIREBRIEF_MODELS_DIR": str(settings.models_dir), "WIREBRIEF_DATA_DIR": str(settings.data_dir)}


def test_models_check_fails_when_a_language_has_no_model(unserved: Settings) -> None:
    result = subprocess.run([sys.executable, "-m", "service.cli", "models", "check"], env=_env(unserved),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout
    assert "opus-mt-gmq-en: ok (transformers" in result.stdout
    assert "model missing: opus-mt-mul-en" in result.stdout
    assert "no present model translates de, *: such requests answer 503 model_unavailable" in result.stdout


def test_cli_command_is_runnable_as_printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "wirebrief"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert cli_command() == ".venv/bin/wirebrief", "make run leaves the venv off PATH"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert cli_command() == str(script)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert cli_command() == "wirebrief", "activated venv"
    script.unlink()
    assert cli_command() == "wirebrief", "installed some other way"


# -- pulling, against a fake hub (the hub is the one thing tests cannot reach) ---------------------------

class FakeHub:
    """Answers like the hub: a file listing with sizes, and a download that writes what it was asked for."""

    def __init__(self, files: dict[str, int], *, fail: Exception | None = None) -> None:
        self.files = files
        self.fail = fail
        self.downloads: list[tuple[str, list[str]]] = []

    def list_files(self, spec, *, timeout_s: float) -> list[HubFile]:  # noqa: ANN001 - the Hub protocol
        if self.fail:
            raise self.fail
        return [HubFile(name, size) for name, size in self.files.items()]

    def download(self, spec, target: Path, files: list[str], *, timeout_s: float) -> Path:  # noqa: ANN001
        self.downloads.append((spec.key, files))
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            (target / name).write_bytes(b"x" * self.files[name])
        return target


MARIAN_REPO = {"config.json": 1_000, "pytorch_model.bin": 300_000, "model.safetensors": 298_000,
               "tf_model.h5": 300_000, "source.spm": 800, "vocab.json": 2_000, "onnx/config.json": 900,
               "README.md": 500}


def test_checkpoint_files_skip_duplicate_weights_and_other_frameworks() -> None:
    chosen = checkpoint_files([HubFile(name, size) for name, size in MARIAN_REPO.items()])
    assert [f.name for f in chosen] == ["config.json", "model.safetensors", "source.spm", "vocab.json"]
    only_bin = checkpoint_files([HubFile("config.json", 1), HubFile("pytorch_model.bin", 2)])
    assert [f.name for f in only_bin] == ["config.json", "pytorch_model.bin"]


def test_pull_fetches_the_listed_files_where_locate_finds_them(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")
    hub = FakeHub(MARIAN_REPO)
    spec = SHIPPED.models["opus-mt-de-en"]
    download = plan_download(spec, tmp_path, timeout_s=1, hub=hub)
    assert download.size_bytes == 1_000 + 298_000 + 800 + 2_000
    assert pull(download, tmp_path, timeout_s=1, hub=hub) == snapshot_dir(spec, tmp_path)
    assert hub.downloads == [("opus-mt-de-en", download.patterns)]
    assert modelstore.locate(spec, tmp_path).path == snapshot_dir(spec, tmp_path)


def test_pull_failures_say_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = SHIPPED.models["opus-mt-de-en"]
    with pytest.raises(PullError, match="HF_HUB_OFFLINE is set"):
        plan_download(spec, tmp_path, timeout_s=1, hub=FakeHub(MARIAN_REPO))
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with pytest.raises(PullError, match=r"could not fetch Helsinki-NLP/opus-mt-de-en .*\(OSError: unreachable\)"):
        plan_download(spec, tmp_path, timeout_s=1, hub=FakeHub({}, fail=OSError("unreachable")))
    broken = FakeHub({"config.json": 1})
    with pytest.raises(PullError, match="copy the snapshot into"):
        pull(Download(spec, (HubFile("missing.bin", 1),)), tmp_path, timeout_s=1, hub=broken)


def test_models_pull_shows_sizes_and_fetches_the_default_set(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    """No arguments: the registry's `defaults` that are missing; --all: every model."""
    registry = tmp_path / "registry.toml"
    registry.write_text((PROJECT_ROOT / "models" / "registry.toml").read_text(encoding="utf-8"), encoding="utf-8")
    hub = FakeHub(MARIAN_REPO)
    monkeypatch.setattr(modelstore, "HfHub", lambda: hub)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("WIREBRIEF_REGISTRY_PATH", str(registry))
    monkeypatch.setenv("WIREBRIEF_MODELS_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(cli.app, ["models", "pull"])
        again = CliRunner().invoke(cli.app, ["models", "pull"])
        every = CliRunner().invoke(cli.app, ["models", "pull", "--all"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert [key for key, _ in hub.downloads[:3]] == ["opus-mt-gmq-en", "opus-mt-mul-en", "distilbart-cnn"]
    assert "opus-mt-gmq-en: Helsinki-NLP/opus-mt-gmq-en, 4 files, 0.3 MB" in first.output
    assert "fetching 3 models, 0.9 MB in all" in first.output
    assert again.output.splitlines() == ["opus-mt-gmq-en: present", "opus-mt-mul-en: present",
                                         "distilbart-cnn: present"]
    assert every.exit_code == 0 and len(hub.downloads) == len(SHIPPED.models)


def test_a_jsonl_job_with_an_unserved_source_lang_is_refused_and_nothing_is_stored(unserved: Settings) -> None:
    """The JSONL form of the submission check: the same 503 as the sync route, naming the line."""
    import json

    items = [{"custom_id": "ok", "text": "Nato sier nei. Det er ikke bekreftet.", "source_lang": "no"},
             {"custom_id": "de", "text": GERMAN, "source_lang": "de"}]
    with TestClient(create_app(unserved)) as client:
        sync = client.post("/v1/articles", json={"text": GERMAN, "source_lang": "de"}).json()["error"]
        job = client.post("/v1/jobs", content="\n".join(map(json.dumps, items)),
                          headers={"content-type": "application/jsonl"})
        assert job.status_code == 503, job.text
        assert job.json()["error"] == {"code": "model_unavailable", "message": f"line 2: {sync['message']}"}
        assert client.get("/v1/jobs").json()["data"] == [], "a refused job is not stored"


GERMAN_ARTICLE = ("Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen. Die Schulen bekommen "
                  "mehr Lehrer, und die Straßen werden repariert. Die Opposition kritisierte die hohen Kosten.")


def test_a_job_item_without_source_lang_is_detected_at_submission_when_a_language_is_unserved(
        unserved: Settings) -> None:
    """Not accepted (201) and then failed item by item after retries: refused whole, as the sync route refuses."""
    with TestClient(create_app(unserved)) as client:
        sync = client.post("/v1/articles", json={"text": GERMAN_ARTICLE})
        assert sync.status_code == 503, sync.text
        job = client.post("/v1/jobs", json={"items": [
            {"custom_id": "no", "text": "Nato sier nei. Det er ikke bekreftet.", "source_lang": "no"},
            {"custom_id": "de", "text": GERMAN_ARTICLE}]})
        assert job.status_code == 503, job.text
        assert job.json()["error"] == {"code": "model_unavailable",
                                       "message": f"items[1]: {sync.json()['error']['message']}"}
        assert client.get("/v1/jobs").json()["data"] == [], "a refused job is not stored"
        english = client.post("/v1/jobs", json={"items": [
            {"custom_id": "en", "text": "The council approved the budget on Tuesday after a long debate."}]})
        assert english.status_code == 201, "a language that is served is still accepted without source_lang"
