"""Reading a checkpoint without torch gives exactly what transformers' auto classes give."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from transformers import AutoConfig, AutoTokenizer, GenerationConfig

from conftest import NORWEGIAN_SEED, seed_text
from service.backends.checkpoint import GenerationDefaults, load_tokenizer, max_positions
from service.text import clean, segment

ARCHITECTURES = ["marian", "bart"]


@pytest.fixture(scope="module")
def tokenizers(tiny_models) -> dict[str, tuple[object, object]]:
    """(ours, AutoTokenizer's) per architecture."""
    return {a: (load_tokenizer(tiny_models[a]), AutoTokenizer.from_pretrained(tiny_models[a])) for a in ARCHITECTURES}


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_same_tokenizer_class_and_ids_on_the_seed(tokenizers, architecture: str) -> None:
    ours, auto = tokenizers[architecture]
    assert type(ours) is type(auto)
    sentences = [s.text for s in segment(clean(seed_text(NORWEGIAN_SEED)).text, "no")]
    assert ours(sentences)["input_ids"] == auto(sentences)["input_ids"]
    assert ours.model_max_length == auto.model_max_length


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@hypothesis_settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_same_ids_for_any_text(tokenizers, architecture: str, text: str) -> None:
    ours, auto = tokenizers[architecture]
    assert ours([text])["input_ids"] == auto([text])["input_ids"]
    ids = auto([text])["input_ids"][0]
    assert ours.batch_decode([ids], skip_special_tokens=True) == auto.batch_decode([ids], skip_special_tokens=True)


def _as_transformers(config: GenerationConfig) -> GenerationDefaults:
    return GenerationDefaults(**{name: getattr(config, name) for name in GenerationDefaults.__dataclass_fields__})


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_generation_defaults_from_generation_config(tiny_models, architecture: str) -> None:
    folder = tiny_models[architecture]
    assert GenerationDefaults.read(folder) == _as_transformers(GenerationConfig.from_pretrained(folder))
    assert max_positions(folder) == AutoConfig.from_pretrained(folder).max_position_embeddings


def test_generation_defaults_from_a_legacy_model_config(tiny_models, tmp_path: Path) -> None:
    """Older hub checkpoints (distilbart's) keep generation settings in config.json and have no generation_config."""
    folder = tmp_path / "legacy"
    shutil.copytree(tiny_models["bart"], folder)
    generation = json.loads((folder / "generation_config.json").read_text())
    (folder / "generation_config.json").unlink()
    config = json.loads((folder / "config.json").read_text())
    config.update({k: v for k, v in generation.items() if k != "transformers_version"}, num_beams=3)
    (folder / "config.json").write_text(json.dumps(config))
    ours = GenerationDefaults.read(folder)
    assert ours == _as_transformers(GenerationConfig.from_model_config(config))
    assert ours.num_beams == 3 and ours.forced_bos_token_id == generation["forced_bos_token_id"]


def test_an_empty_folder_declares_nothing(tmp_path: Path) -> None:
    assert GenerationDefaults.read(tmp_path) == GenerationDefaults()
    assert max_positions(tmp_path) is None
