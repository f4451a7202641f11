from pathlib import Path

import pytest

from testkit import PROJECT_ROOT
from service.errors import UnsupportedLanguage
from service.modelstore import PullError, fetch_hint, locate, plan_download, snapshot_dir
from service.registry import Registry, RegistryError

SHIPPED = Registry.load(PROJECT_ROOT / "models" / "registry.toml")


@pytest.mark.parametrize("code", ["no", "nb", "nn", "NB", "da", "sv", "is", "fo", "nor"])
def test_north_germanic_routes_to_gmq(code: str) -> None:
    assert SHIPPED.translator_for(code).hub_id == "Helsinki-NLP/opus-mt-gmq-en"


@pytest.mark.parametrize("code", ["de", "fr", "es", "it", "nl", "pl", "ru", "uk"])
def test_dedicated_models(code: str) -> None:
    assert SHIPPED.translator_for(code).hub_id == f"Helsinki-NLP/opus-mt-{code}-en"


@pytest.mark.parametrize("code", ["ja", "fi", "zh-cn", "zh-tw", "ar", "pt"])
def test_everything_else_goes_to_mul(code: str) -> None:
    assert SHIPPED.translator_for(code).hub_id == "Helsinki-NLP/opus-mt-mul-en"


def test_summarizer_default() -> None:
    assert SHIPPED.summarizer.hub_id == "sshleifer/distilbart-cnn-12-6"
    assert SHIPPED.summarizer.task == "summarization"


def test_faster_summarizer_is_optional_and_chosen_by_setting(monkeypatch) -> None:
    fast = SHIPPED.models["distilbart-cnn-6-6"]
    assert (fast.task, fast.hub_id) == ("summarization", "sshleifer/distilbart-cnn-6-6")
    assert fast not in SHIPPED.defaults and SHIPPED.summarizer_key == "distilbart-cnn"
    chosen = Registry.load(PROJECT_ROOT / "models" / "registry.toml", "distilbart-cnn-6-6")
    assert chosen.summarizer == fast and chosen.defaults == SHIPPED.defaults
    monkeypatch.setenv("WIREBRIEF_SUMMARIZER", "distilbart-cnn-6-6")
    from service.config import Settings

    assert Settings().models.summarizer == "distilbart-cnn-6-6"
    for wrong in ("opus-mt-de-en", "nope"):
        with pytest.raises(RegistryError, match=f"WIREBRIEF_SUMMARIZER must name a summarization entry, got '{wrong}'"):
            Registry.load(PROJECT_ROOT / "models" / "registry.toml", wrong)


def test_unknown_code_is_rejected() -> None:
    with pytest.raises(UnsupportedLanguage) as info:
        SHIPPED.translator_for("klingon")
    assert info.value.status == 422


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "registry.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_local_path_is_relative_to_registry_and_revision_pins_identity(tmp_path: Path) -> None:
    registry = Registry.load(_write(tmp_path, """
summarizer = "s"
[models.s]
task = "summarization"
hub_id = "org/summ"
revision = "abc123"
[models.t]
task = "translation"
path = "weights/t"
languages = ["*"]
"""))
    assert registry.models["t"].path == (tmp_path / "weights" / "t").resolve()
    assert registry.models["s"].model_id == "org/summ@abc123"
    assert snapshot_dir(registry.models["s"], tmp_path).name == "org--summ@abc123"


@pytest.mark.parametrize("body, message", [
    ("summarizer = 'x'\n[models.x]\ntask = 'translation'\nhub_id = 'a/b'\n", "'summarizer' must name"),
    ("summarizer = 'x'\n[models.x]\ntask = 'poetry'\nhub_id = 'a/b'\n", "task must be"),
    ("summarizer = 'x'\n[models.x]\ntask = 'summarization'\n", "needs a hub_id or a path"),
    ("summarizer = 's'\n[models.s]\ntask='summarization'\nhub_id='a/s'\n"
     "[models.a]\ntask='translation'\nhub_id='a/a'\nlanguages=['de']\n"
     "[models.b]\ntask='translation'\nhub_id='a/b'\nlanguages=['de']\n", "served by both"),
    ("this is = not toml [", "cannot read model registry"),
])
def test_malformed_registry_fails_at_load(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        Registry.load(_write(tmp_path, body))


def test_missing_model_is_located_nowhere_and_hint_names_the_command(tmp_path: Path) -> None:
    spec = SHIPPED.translator_for("no")
    assert not locate(spec, tmp_path).present
    hint = fetch_hint(spec, tmp_path)
    assert "wirebrief models pull --model opus-mt-gmq-en" in hint
    assert str(tmp_path / "Helsinki-NLP--opus-mt-gmq-en") in hint


def test_hand_copied_snapshot_is_found(tmp_path: Path) -> None:
    spec = SHIPPED.translator_for("no")
    folder = tmp_path / "Helsinki-NLP--opus-mt-gmq-en"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    where = locate(spec, tmp_path)
    assert where.path == folder and where.size_bytes == 2


def test_pull_offline_fails_at_once_with_instructions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(PullError, match="copy a downloaded snapshot of Helsinki-NLP/opus-mt-gmq-en"):
        plan_download(SHIPPED.translator_for("no"), tmp_path, timeout_s=1.0)
    assert not (tmp_path / "Helsinki-NLP--opus-mt-gmq-en").exists()
