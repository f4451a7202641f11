"""The synthetic checkpoint builders: hub-format layout, determinism, ctranslate2 parity."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"  # local folders only; never reach for the hub

import pytest
import torch
from safetensors.torch import load_file
from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    BartConfig,
    BartForConditionalGeneration,
    MarianConfig,
    MarianMTModel,
)

from testkit import modelgen

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return modelgen.seed_corpus(SEEDS)


@pytest.fixture(scope="module")
def samples(corpus: list[str]) -> list[str]:
    """Two English seed sentences and one Norwegian one (article 004)."""
    article = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    norwegian = [line.strip() for line in article.splitlines() if line.strip()]
    return [corpus[0], corpus[12], norwegian[2]]


@pytest.fixture(scope="module")
def marian_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    out = tmp_path_factory.mktemp("models") / "marian"
    return modelgen.build_marian(out, corpus, train_steps=modelgen.MARIAN_TRAIN_STEPS)


@pytest.fixture(scope="module")
def bart_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    out = tmp_path_factory.mktemp("models") / "bart"
    return modelgen.build_bart(out, corpus, train_steps=modelgen.BART_TRAIN_STEPS)


def _load(model_dir: Path):
    return AutoTokenizer.from_pretrained(model_dir), AutoModelForSeq2SeqLM.from_pretrained(model_dir)


# --------------------------------------------------------------------------- loading


def test_seed_corpus_is_nonempty_stripped_lines(corpus: list[str]) -> None:
    assert len(corpus) > 100
    assert all(line and line == line.strip() for line in corpus)
    assert any("Klitschko" in line for line in corpus)


def test_marian_loads_with_auto_classes(marian_dir: Path) -> None:
    tok, model = _load(marian_dir)
    assert isinstance(model, MarianMTModel)
    assert type(tok).__name__ == "MarianTokenizer"
    assert {"source.spm", "target.spm", "vocab.json"} <= {p.name for p in marian_dir.iterdir()}
    vocab_size = model.config.vocab_size
    assert len(tok) == vocab_size == model.get_input_embeddings().num_embeddings
    # opus-mt conventions: </s> = 0, <unk> = 1, <pad> = last = decoder start.
    assert tok.eos_token_id == model.config.eos_token_id == 0
    assert tok.unk_token_id == 1
    assert tok.pad_token_id == model.config.pad_token_id == vocab_size - 1
    assert model.generation_config.decoder_start_token_id == vocab_size - 1
    assert model.generation_config.bad_words_ids == [[vocab_size - 1]]
    assert torch.count_nonzero(model.get_input_embeddings().weight[vocab_size - 1]) == 0


def test_bart_loads_with_auto_classes(bart_dir: Path) -> None:
    tok, model = _load(bart_dir)
    assert isinstance(model, BartForConditionalGeneration)
    assert {"vocab.json", "merges.txt"} <= {p.name for p in bart_dir.iterdir()}
    assert len(tok) == model.config.vocab_size == model.get_input_embeddings().num_embeddings
    assert [tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id] == [0, 1, 2, 3]
    assert tok.mask_token_id == len(tok) - 1
    gen = model.generation_config
    assert (gen.decoder_start_token_id, gen.forced_bos_token_id, gen.forced_eos_token_id) == (2, 0, 2)
    assert gen.max_length and gen.num_beams and gen.no_repeat_ngram_size


@pytest.mark.parametrize("kind", ["marian", "bart"])
def test_configs_carry_ctranslate2_fields(kind: str, marian_dir: Path, bart_dir: Path) -> None:
    config = json.loads(((marian_dir if kind == "marian" else bart_dir) / "config.json").read_text())
    for key, value in modelgen._CT2_FIELDS[kind].items():
        assert config[key] == value, key


# --------------------------------------------------------------------------- generation


def test_marian_translates_a_batch(marian_dir: Path, samples: list[str]) -> None:
    tok, model = _load(marian_dir)
    enc = tok(samples, return_tensors="pt", padding=True, truncation=True)
    with torch.no_grad():
        out = model.generate(**enc)  # generation_config defaults: 4 beams
    texts = tok.batch_decode(out, skip_special_tokens=True)
    assert len(texts) == 3 and all(texts)
    # Trained on the copy task: seed sentences come back nearly verbatim, as sentences.
    assert sum(t.endswith(".") for t in texts) >= 2, texts
    assert texts[0].split()[:3] == samples[0].split()[:3], texts


def test_bart_summarizes_a_batch(bart_dir: Path, corpus: list[str]) -> None:
    tok, model = _load(bart_dir)
    articles = [" ".join(corpus[i : i + 4]) for i in (0, 40, 150)]
    enc = tok(articles, return_tensors="pt", padding=True, truncation=True)
    with torch.no_grad():
        out = model.generate(**enc)
    texts = tok.batch_decode(out, skip_special_tokens=True)
    assert len(texts) == 3 and all(texts)
    assert sum(t.rstrip().endswith((".", "!", "?")) for t in texts) >= 2, texts


@pytest.mark.parametrize("kind", ["marian", "bart"])
def test_out_of_vocabulary_text_does_not_crash(kind: str, marian_dir: Path, bart_dir: Path) -> None:
    tok, model = _load(marian_dir if kind == "marian" else bart_dir)
    text = "Президент сказал 🚀 — 東京"
    ids = tok(text).input_ids
    if kind == "marian":
        assert tok.unk_token_id in ids
    assert tok.decode(ids, skip_special_tokens=True) is not None
    with torch.no_grad():
        model.generate(**tok([text], return_tensors="pt"), num_beams=1, max_new_tokens=8)


# --------------------------------------------------------------------------- determinism


def _tensors(model_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(str(model_dir / "model.safetensors"))


@pytest.mark.parametrize("kind", ["marian", "bart"])
def test_same_seed_gives_identical_checkpoints(kind: str, tmp_path: Path, corpus: list[str]) -> None:
    build = modelgen.build_marian if kind == "marian" else modelgen.build_bart
    a = build(tmp_path / "a", corpus, seed=3, train_steps=3)
    b = build(tmp_path / "b", corpus, seed=3, train_steps=3)
    c = build(tmp_path / "c", corpus, seed=4, train_steps=0)
    ta, tb, tc = _tensors(a), _tensors(b), _tensors(c)
    assert ta.keys() == tb.keys()
    assert all(torch.equal(ta[k], tb[k]) for k in ta)
    assert not all(torch.equal(ta[k], tc[k]) for k in ta)
    for name in ("vocab.json", "config.json", "generation_config.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# --------------------------------------------------------------------------- ctranslate2


def _hf_greedy(model, tok, texts: list[str], **kwargs) -> list[list[str]]:
    """Greedy token strings, without the decoder start token and the final </s>/<pad>."""
    enc = tok(texts, return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=60, **kwargs)
    specials = {tok.eos_token_id, tok.pad_token_id}
    result = []
    for row in out.tolist():
        row = row[1:]  # decoder_start_token_id
        while row and row[-1] in specials:
            row.pop()
        result.append(tok.convert_ids_to_tokens(row))
    return result


@pytest.mark.parametrize("kind", ["marian", "bart"])
def test_ctranslate2_conversion_and_greedy_parity(
    kind: str, marian_dir: Path, bart_dir: Path, samples: list[str], corpus: list[str], tmp_path: Path
) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")
    model_dir = marian_dir if kind == "marian" else bart_dir
    converter = ctranslate2.converters.TransformersConverter(str(model_dir))
    converter.convert(str(tmp_path / "int8"), quantization="int8")
    converter.convert(str(tmp_path / "f32"), quantization="float32")
    tok, model = _load(model_dir)
    texts = samples if kind == "marian" else [" ".join(corpus[i : i + 2]) for i in (0, 40, 150)]
    sources = [tok.convert_ids_to_tokens(tok(t).input_ids) for t in texts]
    # BART: transformers forces <s> after the </s> start token (forced_bos_token_id);
    # ctranslate2 gets the same effect from a target prefix.
    prefix = None if kind == "marian" else [["<s>"]] * len(texts)
    options = dict(beam_size=1, max_decoding_length=62, target_prefix=prefix)

    int8 = ctranslate2.Translator(str(tmp_path / "int8"), device="cpu")
    assert all(r.hypotheses[0] for r in int8.translate_batch(sources, **options))

    f32 = ctranslate2.Translator(str(tmp_path / "f32"), device="cpu")
    expected = _hf_greedy(model, tok, texts, no_repeat_ngram_size=0, min_length=0)
    got = [r.hypotheses[0] for r in f32.translate_batch(sources, **options)]
    assert got == expected
    # The repetition ban (BART's generation default) means the same thing in both.
    expected = _hf_greedy(model, tok, texts, no_repeat_ngram_size=3, min_length=0)
    got = [r.hypotheses[0] for r in f32.translate_batch(sources, no_repeat_ngram_size=3, **options)]
    assert got == expected


def test_write_ct2_fields_makes_plain_checkpoints_convertible(tmp_path: Path, corpus: list[str]) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")
    src = modelgen.build_bart(tmp_path / "bart", corpus, dims={**modelgen.TINY_BART, "vocab_size": 1100})
    tok = AutoTokenizer.from_pretrained(src)
    assert len(tok) == 1101  # padded with madeupwords; <mask> last, without a model row
    assert AutoModelForSeq2SeqLM.from_pretrained(src).config.vocab_size == 1100
    # A model saved by plain transformers 5 (as a benchmark would) lacks normalize_before,
    # and ctranslate2's BART loader fails on it.
    kwargs, _ = modelgen._split_dims(modelgen.TINY_BART)
    plain = tmp_path / "plain"
    BartForConditionalGeneration(BartConfig(vocab_size=1100, **kwargs)).save_pretrained(plain)
    tok.save_pretrained(plain)
    assert "normalize_before" not in json.loads((plain / "config.json").read_text())
    with pytest.raises(AttributeError, match="normalize_before"):
        ctranslate2.converters.TransformersConverter(str(plain)).convert(str(tmp_path / "x"))
    modelgen.write_ct2_fields(plain)
    modelgen.write_ct2_fields(plain)  # idempotent
    config = json.loads((plain / "config.json").read_text())
    assert config["normalize_before"] is False and config["extra_pos_embeddings"] == 2
    ctranslate2.converters.TransformersConverter(str(plain)).convert(str(tmp_path / "ct2"))
    # transformers keeps unknown config keys on load/save, so the fields survive re-saving.
    resaved = tmp_path / "resaved"
    AutoModelForSeq2SeqLM.from_pretrained(plain).save_pretrained(resaved)
    assert json.loads((resaved / "config.json").read_text())["normalize_before"] is False


# --------------------------------------------------------------------------- real dims


def _param_count(model_cls, config) -> int:
    with torch.device("meta"):
        model = model_cls(config)
    return sum(p.numel() for p in model.parameters())


def test_real_dims_match_hub_sizes() -> None:
    kwargs, gen = modelgen._split_dims(modelgen.DISTILBART_CNN_12_6)
    bart = BartConfig(vocab_size=modelgen.DISTILBART_CNN_12_6["vocab_size"], **kwargs)
    assert 305e6 < _param_count(BartForConditionalGeneration, bart) < 307e6  # hub: 306M
    assert gen["max_length"] == 142 and gen["min_length"] == 56 and gen["num_beams"] == 4
    kwargs, gen = modelgen._split_dims(modelgen.MARIAN_OPUS_MT_BASE)
    vocab = modelgen.MARIAN_OPUS_MT_BASE["vocab_size"]
    marian = MarianConfig(
        vocab_size=vocab, decoder_vocab_size=vocab, pad_token_id=vocab - 1, decoder_start_token_id=vocab - 1, **kwargs
    )
    assert 73e6 < _param_count(MarianMTModel, marian) < 75e6  # hub: 296 MB of float32
