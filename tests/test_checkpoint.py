"""Reading a checkpoint without torch gives exactly what transformers' auto classes give."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from transformers import AutoConfig, AutoTokenizer, GenerationConfig

from conftest import NORWEGIAN_SEED, SEED_FILES, seed_text
from service.backends.checkpoint import GenerationDefaults, load_tokenizer, max_positions
from service.backends.marian_tokenizer import MarianPieces
from service.text import clean, segment

ARCHITECTURES = ["marian", "bart"]


@pytest.fixture(scope="module")
def tokenizers(tiny_models) -> dict[str, tuple[object, object]]:
    """(ours, AutoTokenizer's) per architecture."""
    return {a: (load_tokenizer(tiny_models[a]), AutoTokenizer.from_pretrained(tiny_models[a])) for a in ARCHITECTURES}


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_same_tokenizer_class_and_ids_on_the_seed(tokenizers, architecture: str) -> None:
    ours, auto = tokenizers[architecture]
    assert type(ours) is (MarianPieces if architecture == "marian" else type(auto))
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


#: text made of the pieces Marian's tokenizer treats specially (special tokens, language codes, the sentencepiece
#: space) among any other characters
_MARIAN_TEXT = st.lists(
    st.sampled_from(["</s>", "<unk>", "<pad>", ">>", "<<", ">>nb<<", " ", "\n", "\u2581", "\u2047"])
    | st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=30,
).map("".join)


@hypothesis_settings(max_examples=150, deadline=None)
@given(text=_MARIAN_TEXT, ids=st.lists(st.integers(0, 10_000), max_size=20), limit=st.integers(1, 40))
def test_marian_pieces_match_marian_tokenizer(tokenizers, text: str, ids: list[int], limit: int) -> None:
    """Ids, truncation, tokens both ways and decoding (special tokens skipped or kept) are transformers' own."""
    ours, auto = tokenizers["marian"]
    ids = [i % auto.vocab_size for i in ids]
    assert ours([text])["input_ids"] == auto([text])["input_ids"]
    assert ours([text], truncation=True, max_length=limit)["input_ids"] == auto(
        [text], truncation=True, max_length=limit
    )["input_ids"]
    assert ours.convert_ids_to_tokens(ids) == auto.convert_ids_to_tokens(ids)
    tokens = auto.convert_ids_to_tokens(ids)
    assert ours.convert_tokens_to_ids(tokens + ["never-a-piece"]) == auto.convert_tokens_to_ids(tokens + ["never-a-piece"])
    for skip in (True, False):
        assert ours.batch_decode([ids], skip_special_tokens=skip) == auto.batch_decode([ids], skip_special_tokens=skip)


def test_marian_pieces_on_every_seed_line(tokenizers) -> None:
    ours, auto = tokenizers["marian"]
    lines = [line for path in SEED_FILES for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 100
    assert ours(lines)["input_ids"] == auto(lines)["input_ids"]
    assert ours(lines, truncation=True)["input_ids"] == auto(lines, truncation=True)["input_ids"]
    ids = auto(lines)["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == auto.batch_decode(ids, skip_special_tokens=True)


def _marian_copy(tiny_models, tmp_path: Path, **changes: object) -> Path:
    folder = tmp_path / "marian"
    shutil.copytree(tiny_models["marian"], folder)
    config = json.loads((folder / "tokenizer_config.json").read_text())
    config.update(changes)
    (folder / "tokenizer_config.json").write_text(json.dumps({k: v for k, v in config.items() if v is not None}))
    return folder


def test_marian_pieces_for_a_checkpoint_that_lists_no_added_tokens(tiny_models, tmp_path: Path) -> None:
    """Older hub checkpoints' tokenizer_config.json has no added_tokens_decoder: the named special tokens count."""
    folder = _marian_copy(tiny_models, tmp_path, added_tokens_decoder=None, source_lang="nb", target_lang="en")
    ours, auto = load_tokenizer(folder), AutoTokenizer.from_pretrained(folder)
    assert isinstance(ours, MarianPieces)
    text = ["Hei </s> på deg<unk>, >>en<< <pad>", "", " x "]
    assert ours(text)["input_ids"] == auto(text)["input_ids"]
    ids = auto(text)["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == auto.batch_decode(ids, skip_special_tokens=True)


@pytest.mark.parametrize(
    "changes",
    [{"split_special_tokens": True}, {"sp_model_kwargs": {"enable_sampling": True}},
     {"additional_special_tokens": ["<eop>"]}, {"clean_up_tokenization_spaces": True}],
)
def test_a_marian_checkpoint_it_cannot_copy_keeps_transformers_class(tiny_models, tmp_path: Path, changes) -> None:
    folder = _marian_copy(tiny_models, tmp_path, **changes)
    assert MarianPieces.read(folder) is None
    assert type(load_tokenizer(folder)).__name__ == "MarianTokenizer"


def test_a_stripping_special_token_keeps_transformers_class(tiny_models, tmp_path: Path) -> None:
    config = json.loads((tiny_models["marian"] / "tokenizer_config.json").read_text())
    added = config["added_tokens_decoder"]
    first = next(iter(added))
    added[first] = {**added[first], "rstrip": True}
    folder = _marian_copy(tiny_models, tmp_path, added_tokens_decoder=added)
    assert MarianPieces.read(folder) is None


def test_a_marian_checkpoint_with_two_vocabularies_keeps_transformers_class(tiny_models, tmp_path: Path) -> None:
    folder = _marian_copy(tiny_models, tmp_path, separate_vocabs=True)
    shutil.copy(folder / "vocab.json", folder / "target_vocab.json")
    assert MarianPieces.read(folder) is None
    assert type(load_tokenizer(folder)).__name__ == "MarianTokenizer"
