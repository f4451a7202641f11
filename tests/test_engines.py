"""CTranslate2 and transformers engines: same interface, same greedy output, chosen by settings."""

from pathlib import Path

import pytest

from conftest import NORWEGIAN_SEED, seed_text, write_registry
from service.backends.base import GenerationOptions
from service.backends.pool import load_backend
from service.backends.ct2 import CTranslate2Seq2Seq
from service.backends.transformers import TransformersSeq2Seq
from service.config import Settings
from service.errors import ModelUnavailable
from service.modelstore import convert, ct2_dir, locate_ct2
from service.pipeline import ArticleRequest, Pipeline, SummaryRequest
from service.registry import Registry
from service.text import clean, segment


@pytest.fixture(scope="module")
def converted(tiny_models, tmp_path_factory) -> tuple[Settings, Registry]:
    """The tiny models converted to CTranslate2, float32 (exact parity) and int8 (the CPU default)."""
    root = tmp_path_factory.mktemp("ct2")
    registry = Registry.load(write_registry(root / "registry.toml", tiny_models["marian"], tiny_models["bart"]))
    settings = Settings(registry_path=root / "registry.toml", models_dir=root / "cache", data_dir=root / "data")
    for key in ("opus-mt-gmq-en", "distilbart-cnn"):
        spec = registry.models[key]
        for quantization in ("float32", "int8"):
            assert convert(spec, spec.path, settings.models_dir, quantization).is_dir()
    return settings, registry


def _sentences() -> list[str]:
    return [s.text for s in segment(clean(seed_text(NORWEGIAN_SEED)).text, "no")][:12]


@pytest.mark.parametrize("key", ["opus-mt-gmq-en", "distilbart-cnn"])
@pytest.mark.parametrize("options", [GenerationOptions(num_beams=1, max_new_tokens=40),
                                     GenerationOptions(num_beams=1, max_new_tokens=64, length_ratio=1.2)],
                         ids=["fixed", "ratio"])
def test_greedy_parity(converted, key: str, options: GenerationOptions) -> None:
    settings, registry = converted
    spec = registry.models[key]
    hf = TransformersSeq2Seq(spec, spec.path)
    ct2 = CTranslate2Seq2Seq(spec, spec.path, ct2_dir(spec, settings.models_dir, "float32"), compute_type="float32")
    texts = _sentences()
    assert ct2.encode(texts) == hf.encode(texts)
    assert ct2.max_input_tokens == hf.max_input_tokens
    assert ct2.generate(hf.encode(texts), options) == hf.generate(hf.encode(texts), options)


def test_int8_generates_for_every_input(converted) -> None:
    settings, registry = converted
    spec = registry.models["opus-mt-gmq-en"]
    int8 = CTranslate2Seq2Seq(spec, spec.path, ct2_dir(spec, settings.models_dir, "int8"), compute_type="int8")
    outputs = int8.generate(int8.encode(_sentences()), GenerationOptions(num_beams=4, max_new_tokens=40))
    assert len(outputs) == 12 and all(isinstance(o, str) for o in outputs)


def test_engine_choice_follows_settings(converted, tmp_path: Path) -> None:
    settings, registry = converted
    spec = registry.models["opus-mt-gmq-en"]
    assert locate_ct2(spec, settings.models_dir, "int8") is not None
    assert load_backend(spec, spec.path, settings).engine == "ctranslate2"  # auto, int8 on CPU
    assert load_backend(spec, spec.path, settings.model_copy(update={"engine": "transformers"})).engine == "transformers"
    bare = settings.model_copy(update={"engine": "ctranslate2", "models_dir": tmp_path})
    with pytest.raises(ModelUnavailable, match="wirebrief models convert --model opus-mt-gmq-en"):
        load_backend(spec, spec.path, bare)
    assert load_backend(spec, spec.path, bare.model_copy(update={"engine": "auto"})).engine == "transformers"


def test_pipeline_on_ctranslate2(converted) -> None:
    settings, _ = converted
    pipeline = Pipeline.from_settings(settings)
    result = pipeline.process(ArticleRequest(text=seed_text(NORWEGIAN_SEED), summary=SummaryRequest()))
    assert result.translation is not None and result.translation.engine == "ctranslate2"
    assert result.summary is not None and result.summary.word_count > 0
    assert {s.key: s.engine for s in pipeline.pool.status()}["distilbart-cnn"] == "ctranslate2"
    pipeline.pool.close()


def test_convert_cli(converted) -> None:
    import subprocess
    import sys

    settings, _ = converted
    env = {"HF_HUB_OFFLINE": "1", "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path),
           "WIREBRIEF_MODELS_DIR": str(settings.models_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "service.cli", "models", "convert", "--lang", "no",
                           "--quantization", "int8"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "opus-mt-gmq-en: int8 model written to" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "service.cli", "models", "convert", "--lang", "de"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and "not on disk" in missing.stderr


def test_ctranslate2_server_never_imports_torch(converted) -> None:
    """torch is ~190 MB of RSS a CTranslate2 process never runs: loading and translating must not import it."""
    settings, _ = converted
    script = f"""
import sys
from service.config import Settings
from service.pipeline import ArticleRequest, Pipeline, SummaryRequest
from conftest import NORWEGIAN_SEED, seed_text
settings = Settings(registry_path={str(settings.registry_path)!r}, models_dir={str(settings.models_dir)!r},
                    data_dir={str(settings.data_dir)!r}, engine="ctranslate2")
pipeline = Pipeline.from_settings(settings)
result = pipeline.process(ArticleRequest(text=seed_text(NORWEGIAN_SEED), summary=SummaryRequest()))
assert result.translation is not None and result.translation.engine == "ctranslate2"
assert result.summary is not None and result.summary.word_count > 0
pipeline.pool.close()
print(sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")))
"""
    assert _last_line_in_fresh_process(script) == "[]"


def test_ctranslate2_translation_only_imports_no_transformers(converted) -> None:
    """A translation-only CTranslate2 process (the language named, no summary, plain text) runs on sentencepiece
    alone: transformers (with numpy, 20 MB of RSS), scikit-learn and trafilatura stay out of it."""
    settings, _ = converted
    script = f"""
import sys
from service.config import Settings
from service.pipeline import ArticleRequest, Pipeline
from conftest import NORWEGIAN_SEED, seed_text
settings = Settings(registry_path={str(settings.registry_path)!r}, models_dir={str(settings.models_dir)!r},
                    data_dir={str(settings.data_dir)!r}, engine="ctranslate2", preload=False)
pipeline = Pipeline.from_settings(settings)
result = pipeline.process(ArticleRequest(text=seed_text(NORWEGIAN_SEED), source_lang="no", summary=None))
assert result.translation is not None and result.translation.engine == "ctranslate2" and result.translation.text
pipeline.pool.close()
heavy = ("transformers", "numpy", "torch", "sklearn", "trafilatura")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""
    assert _last_line_in_fresh_process(script) == "[]"


def _last_line_in_fresh_process(script: str) -> str:
    """Run `script` in a fresh offline interpreter (the tests folder importable) and return its last line of output."""
    import subprocess
    import sys

    tests = Path(__file__).parent
    done = subprocess.run([sys.executable, "-c", script], cwd=tests.parent, capture_output=True, text=True,
                          timeout=300, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
                                            "PYTHONPATH": f"{tests.parent}:{tests}"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]
