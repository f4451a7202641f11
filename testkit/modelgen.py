"""Build real-format MarianMT and BART checkpoints without the Hugging Face hub.

The service loads its models with ``AutoTokenizer.from_pretrained(path)`` and
``AutoModelForSeq2SeqLM.from_pretrained(path)``.  Real weights cannot be downloaded in
tests or CI, so this module *makes* checkpoints that have exactly the on-disk layout of
the hub ones:

* Marian (``Helsinki-NLP/opus-mt-*``): ``source.spm`` / ``target.spm`` (SentencePiece),
  ``vocab.json`` (``</s>`` = 0, ``<unk>`` = 1, ..., ``<pad>`` = last id), ``config.json``,
  ``generation_config.json`` and safetensors weights.
* BART (``sshleifer/distilbart-cnn-12-6``): byte-level BPE ``vocab.json`` + ``merges.txt``
  (``<s>`` = 0, ``<pad>`` = 1, ``</s>`` = 2, ``<unk>`` = 3, ``<mask>`` = last id), config,
  generation config and weights.

Tokenizers are trained on a caller-supplied corpus (the seed articles), so ids and
pieces are realistic.  Weights are random (``torch.manual_seed(seed)``) unless
``train_steps > 0``, in which case the model is briefly trained on a copy task
(Marian: sentence -> same sentence; BART: a few consecutive lines -> their first
sentence).  A few seconds of CPU training is enough for greedy decoding to emit
corpus words that end in a full stop, which downstream tests that post-process whole
sentences rely on.  The tiny models are *not* good translators or summarisers; they
only have the right shapes, token conventions and roughly text-like output.

Everything is deterministic: the same corpus, dims, seed and ``train_steps`` give
byte-identical weights (init and training run single-threaded, so the core count does
not matter; a different CPU/BLAS kernel may round differently).

The configs also carry the legacy fields that ``ctranslate2``'s Transformers converter
reads but transformers 5 no longer writes (see :func:`write_ct2_fields`), so every
checkpoint built here converts with ``ctranslate2.converters.TransformersConverter``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "BART_TRAIN_STEPS",
    "DISTILBART_CNN_12_6",
    "MARIAN_OPUS_MT_BASE",
    "MARIAN_TRAIN_STEPS",
    "TINY_BART",
    "TINY_MARIAN",
    "build_bart",
    "build_marian",
    "seed_corpus",
    "write_ct2_fields",
]

# ---------------------------------------------------------------------------------------
# Dimensions.  Keys are MarianConfig / BartConfig keyword arguments, except ``generation``
# (written to generation_config.json, which is where transformers 5 wants generation
# defaults; it rejects them in config.json).  A ``vocab_size`` key fixes the model's
# vocabulary size: the trained tokenizer vocabulary is padded up to it with unreachable
# ``madeupwordNNNN`` tokens (fairseq's convention), so benchmarks get the real embedding
# and softmax cost.  Without it the model vocabulary is exactly the tokenizer's.
# ---------------------------------------------------------------------------------------

#: Helsinki-NLP/opus-mt-gmq-en (Marian "transformer" base, 6+6 layers).  Dims and token
#: conventions are those of every opus-mt base config on the hub (config.json of e.g.
#: opus-mt-en-de / opus-mt-gmq-gmq / opus-mt-en-mul): d_model 512, 8 heads, ffn 2048, swish,
#: sinusoidal positions (max 512), scaled embeddings, shared src/tgt embeddings, eos 0,
#: pad = decoder start = last id, generation max_length 512 with num_beams 4 and
#: bad_words_ids [[pad]].  vocab_size: gmq-en's exact value was not available offline;
#: 57_400 is derived from its 296 MB pytorch_model.bin (74.0M float32 params minus the 44.1M
#: non-embedding params of the base architecture and 0.5M position table = ~57.4k x 512).
#: It is accurate to within ~0.5% (the brief's "~57k"), which is what matters for cost.
MARIAN_OPUS_MT_BASE: dict[str, Any] = {
    "vocab_size": 57_400,
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
    "max_position_embeddings": 512,
    "activation_function": "swish",
    "scale_embedding": True,
    "share_encoder_decoder_embeddings": True,
    "dropout": 0.1,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
    "generation": {"max_length": 512, "num_beams": 4},
}

#: sshleifer/distilbart-cnn-12-6 (config.json on the hub, as inherited verbatim by its
#: fine-tunes): BART-large width, 12 encoder / 6 decoder layers, vocab_size 50264 (one
#: less than the tokenizer's 50265: ``<mask>`` has no embedding row), learned positions
#: (1024 + offset 2), layernorm_embedding, no embedding scaling, gelu.  Generation
#: defaults are the hub's task settings for CNN/DailyMail summaries.
DISTILBART_CNN_12_6: dict[str, Any] = {
    "vocab_size": 50264,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 6,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
    "activation_function": "gelu",
    "scale_embedding": False,
    "dropout": 0.1,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
    "generation": {
        "num_beams": 4,
        "length_penalty": 2.0,
        "max_length": 142,
        "min_length": 56,
        "no_repeat_ngram_size": 3,
        "early_stopping": True,
    },
}

#: Tiny Marian for tests: same architecture family, a few hundred thousand parameters.
#: max_position_embeddings bounds input + output length (sinusoidal table size).
TINY_MARIAN: dict[str, Any] = {
    "d_model": 64,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 128,
    "decoder_ffn_dim": 128,
    "max_position_embeddings": 256,
    "activation_function": "swish",
    "scale_embedding": True,
    "share_encoder_decoder_embeddings": True,
    "dropout": 0.0,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
    "generation": {"max_length": 128, "num_beams": 4},
}

#: Tiny BART for tests.  Generation defaults mirror distilbart's kinds of settings with
#: bounds scaled to the copy-the-lead-sentence training task.
TINY_BART: dict[str, Any] = {
    "d_model": 64,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 128,
    "decoder_ffn_dim": 128,
    "max_position_embeddings": 512,
    "activation_function": "gelu",
    "scale_embedding": False,
    "dropout": 0.0,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
    "generation": {
        "num_beams": 4,
        "length_penalty": 2.0,
        "max_length": 64,
        "min_length": 8,
        "no_repeat_ngram_size": 3,
        "early_stopping": True,
    },
}

#: Upper bounds on training steps for the tiny dims.  Training stops earlier once the
#: loss is low: ~280 steps for Marian, ~210 for BART, i.e. roughly 8-15 s and 12-26 s of
#: single-thread CPU (the low end on an idle machine, the high end on a busy shared one).
#: After that, greedy decoding returns seed sentences (Marian) and the lead sentence of a
#: seed article (BART) nearly verbatim, and other input as corpus words ending in ".".
MARIAN_TRAIN_STEPS = 400
BART_TRAIN_STEPS = 400

# Optimiser settings found by a small sweep (lr 3e-3..8e-3, batch 8..32, d_model 32/64,
# several seeds): smaller batches or d_model 32 learn slower per second, not faster.
_MARIAN_RECIPE: dict[str, Any] = {"lr": 8e-3, "batch_size": 16, "stop_loss": 0.05}
_BART_RECIPE: dict[str, Any] = {"lr": 8e-3, "batch_size": 16, "stop_loss": 0.05}

# ---------------------------------------------------------------------------------------
# ctranslate2 compatibility.
# ---------------------------------------------------------------------------------------

#: Legacy config fields with the values the hub configs carry.  transformers 5's
#: BartConfig/MarianConfig no longer define them, so ``save_pretrained`` drops them, but
#: ctranslate2 4.8.5's converter still reads some of them:
#:
#: * ``normalize_before`` - BartLoader reads ``model.config.normalize_before`` (pre-norm vs
#:   post-norm spec) with plain attribute access: without it conversion of any BART fails
#:   with AttributeError.  (MarianLoader sets it itself before calling BartLoader.)
#: * ``normalize_embedding`` - read with ``getattr(..., True)``: whether the spec has a
#:   ``layernorm_embedding``.  BART has one (true), Marian has none (false; the Marian
#:   loader also forces false).
#: * ``scale_embedding`` - read when the encoder/decoder module has no ``embed_scale``
#:   attribute, which is the case for BART in transformers 5 (the scale moved into
#:   BartScaledWordEmbedding).  Still a real config field, written for clarity.
#: * ``add_final_layer_norm``, ``static_position_embeddings``, ``add_bias_logits``,
#:   ``extra_pos_embeddings`` - not read by ctranslate2 4.8.5, but present in every hub
#:   config of these families (and read by older converters / tools), so they are written
#:   with the hub's values to keep the built configs indistinguishable from hub ones.
_CT2_FIELDS: dict[str, dict[str, Any]] = {
    "bart": {
        "normalize_before": False,
        "normalize_embedding": True,
        "add_final_layer_norm": False,
        "scale_embedding": False,
        "static_position_embeddings": False,
        "add_bias_logits": False,
        "extra_pos_embeddings": 2,
    },
    "marian": {
        "normalize_before": False,
        "normalize_embedding": False,
        "add_final_layer_norm": False,
        "scale_embedding": True,
        "static_position_embeddings": True,
        "add_bias_logits": False,
        "extra_pos_embeddings": 0,
    },
}


def write_ct2_fields(model_dir: Path) -> None:
    """Add the legacy config fields ctranslate2's converter needs to ``model_dir/config.json``.

    Only missing keys are added (existing values, e.g. a Marian ``scale_embedding``, are
    kept).  Works for any BART or Marian checkpoint, including large random ones saved by
    benchmarks with plain ``save_pretrained``.  Other model types are left untouched.
    """
    path = Path(model_dir) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    fields = _CT2_FIELDS.get(config.get("model_type", ""))
    if not fields:
        return
    changed = False
    for key, value in fields.items():
        if key not in config:
            config[key] = value
            changed = True
    if changed:
        path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Corpus helpers.
# ---------------------------------------------------------------------------------------


def seed_corpus(seeds_dir: Path) -> list[str]:
    """The non-empty lines (stripped) of the seed articles ``seeds_dir/*.txt``, in file order."""
    lines: list[str] = []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                lines.append(line)
    return lines


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]


def _madeup(n: int) -> str:
    return f"madeupword{n:04d}"


# ---------------------------------------------------------------------------------------
# Shared model plumbing.
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seeded, deterministic, single-threaded torch for model init and training.

    The caller's RNG state, determinism flag and thread count are restored afterwards.
    One thread makes the weights independent of the machine's core count (float sums
    are not reordered) and avoids OpenMP spin-waiting when the CPU is shared (pytest-xdist,
    parallel CI jobs), which made training 10x slower; on an idle 2-core machine it costs
    about 20% against two threads for these tiny matrices.
    """
    import torch

    was_deterministic = torch.are_deterministic_algorithms_enabled()
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(was_deterministic)


def _split_dims(dims: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    config_kwargs = {k: v for k, v in dims.items() if k not in ("generation", "vocab_size")}
    return config_kwargs, dict(dims.get("generation", {}))


def _train_copy_task(
    model: Any,
    examples: list[tuple[list[int], list[int]]],
    *,
    pad_id: int,
    steps: int,
    seed: int,
    batch_size: int = 16,
    lr: float = 8e-3,
    warmup: int = 50,
    stop_loss: float = 0.05,
    zero_row: int | None = None,
) -> list[float]:
    """AdamW on (input ids, label ids) pairs, random batches, linear warmup then decay.

    Deterministic: batches come from a generator seeded with ``seed``; the model is in
    train mode (the tiny dims have dropout 0, so it does not matter for randomness).
    Stops early once the running loss is below ``stop_loss``.  Returns the step losses.

    ``zero_row``: an embedding row kept at exactly zero (Marian's ``<pad>``, whose
    embedding is the decoder's start input).  ``padding_idx`` alone does not keep it
    zero: the row is tied to the output projection and gets gradients from there.
    """
    import torch

    losses: list[float] = []
    if steps <= 0 or not examples:
        return losses
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda step: min(1.0, (step + 1) / warmup) * max(0.05, 1.0 - step / steps),
    )
    model.train()
    n, size = len(examples), min(batch_size, len(examples))
    for _ in range(steps):
        batch = [examples[i] for i in torch.randint(0, n, (size,), generator=gen).tolist()]
        src_len = max(len(s) for s, _ in batch)
        tgt_len = max(len(t) for _, t in batch)
        input_ids = torch.full((len(batch), src_len), pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(batch), src_len), dtype=torch.long)
        labels = torch.full((len(batch), tgt_len), -100, dtype=torch.long)
        for row, (src, tgt) in enumerate(batch):
            input_ids[row, : len(src)] = torch.tensor(src)
            attention_mask[row, : len(src)] = 1
            labels[row, : len(tgt)] = torch.tensor(tgt)
        loss = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if zero_row is not None:
            model.get_input_embeddings().weight.grad[zero_row] = 0.0
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if len(losses) >= 20 and sum(losses[-20:]) / 20 < stop_loss:
            break
    model.eval()
    return losses


# ---------------------------------------------------------------------------------------
# Marian.
# ---------------------------------------------------------------------------------------


def _train_sentencepiece(corpus: Sequence[str], vocab_size: int, seed: int) -> bytes:
    """A unigram SentencePiece model whose ids 0/1 are ``</s>``/``<unk>`` like opus-mt vocabs.

    ``hard_vocab_limit=False`` lets a small corpus yield fewer pieces than asked for
    instead of failing.  Characters absent from the corpus (Cyrillic, emoji...) encode to
    their surface string, which MarianTokenizer maps to ``<unk>``.
    """
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(corpus)),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        eos_piece="</s>",
        unk_piece="<unk>",
        byte_fallback=False,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return model.getvalue()


def build_marian(
    out_dir: Path,
    corpus: Sequence[str],
    *,
    dims: dict[str, Any] = TINY_MARIAN,
    vocab_size: int = 800,
    seed: int = 0,
    train_steps: int = 0,
) -> Path:
    """Write a MarianMT checkpoint (tokenizer + model) to ``out_dir`` and return it.

    ``vocab_size`` is the SentencePiece size asked for (a small corpus may give fewer
    pieces); the model vocabulary is ``</s>``, ``<unk>``, the pieces, ``<pad>`` - or
    ``dims["vocab_size"]`` when set, padded with ``madeupwordNNNN`` entries before
    ``<pad>``.  ``train_steps`` > 0 trains a sentence -> same-sentence copy task
    (:data:`MARIAN_TRAIN_STEPS` suits the tiny dims).
    """
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_kwargs, generation = _split_dims(dims)

    spm_bytes = _train_sentencepiece(corpus, vocab_size - 1, seed)
    sp = spm.SentencePieceProcessor(model_proto=spm_bytes)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    assert pieces[:2] == ["</s>", "<unk>"], pieces[:2]
    target = dims.get("vocab_size", 0)
    pieces += [_madeup(i) for i in range(max(0, target - 1 - len(pieces)))]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    vocab["<pad>"] = pad_id = len(vocab)
    eos_id = 0

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "spm.model").write_bytes(spm_bytes)
        (tmp_path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        tokenizer = MarianTokenizer(
            source_spm=str(tmp_path / "spm.model"),
            target_spm=str(tmp_path / "spm.model"),
            vocab=str(tmp_path / "vocab.json"),
            model_max_length=config_kwargs["max_position_embeddings"],
        )
        tokenizer.save_pretrained(str(out_dir))
    assert len(tokenizer) == len(vocab), (len(tokenizer), len(vocab))

    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        bos_token_id=eos_id,  # hub value; Marian has no bos, decoding starts from <pad>
        decoder_start_token_id=pad_id,
        forced_eos_token_id=eos_id,
        **config_kwargs,
    )
    with _seeded(seed):
        model = MarianMTModel(config)
        # Decoding starts from <pad>, whose embedding must be zero as in converted opus-mt
        # checkpoints: ctranslate2 drops the row and starts from a zero vector instead.
        with torch.no_grad():
            model.get_input_embeddings().weight[pad_id].zero_()
        if train_steps > 0:
            examples = _marian_examples(tokenizer, corpus, config_kwargs["max_position_embeddings"])
            _train_copy_task(
                model, examples, pad_id=pad_id, steps=train_steps, seed=seed, zero_row=pad_id, **_MARIAN_RECIPE
            )
    model.generation_config = GenerationConfig(
        bos_token_id=eos_id,
        eos_token_id=eos_id,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=eos_id,
        bad_words_ids=[[pad_id]],  # hub value: never emit <pad> (ctranslate2 drops the row)
        **generation,
    )
    model.save_pretrained(str(out_dir))
    write_ct2_fields(out_dir)
    return out_dir


def _marian_examples(tokenizer: Any, corpus: Sequence[str], max_positions: int) -> list[tuple[list[int], list[int]]]:
    """Every corpus sentence of 3-48 tokens, paired with itself (the copy task)."""
    limit = min(48, max_positions)
    examples = []
    for line in corpus:
        for sentence in _sentences(line):
            ids = tokenizer(sentence).input_ids
            if 3 <= len(ids) <= limit:
                examples.append((ids, ids))
    return examples


# ---------------------------------------------------------------------------------------
# BART.
# ---------------------------------------------------------------------------------------

_BART_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0..3, as in facebook/bart-*


def build_bart(
    out_dir: Path,
    corpus: Sequence[str],
    *,
    dims: dict[str, Any] = TINY_BART,
    vocab_size: int = 1000,
    seed: int = 0,
    train_steps: int = 0,
) -> Path:
    """Write a BART checkpoint (byte-level BPE tokenizer + model) to ``out_dir`` and return it.

    ``vocab_size`` is the BPE size asked for (``<mask>`` excluded; a small corpus may give
    fewer tokens).  ``<mask>`` is appended last, as in the hub vocabularies.  With
    ``dims["vocab_size"]`` the vocabulary is padded with ``madeupwordNNNN`` up to that
    size before ``<mask>`` and the model gets exactly that many rows (distilbart: 50264
    rows, 50265 tokens); otherwise the model vocabulary equals the tokenizer's.
    ``train_steps`` > 0 trains "a few consecutive lines -> their first sentence"
    (:data:`BART_TRAIN_STEPS` suits the tiny dims).
    """
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_kwargs, generation = _split_dims(dims)

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        list(corpus),
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=_BART_SPECIALS,
        show_progress=False,
    )
    vocab = bpe.get_vocab()
    assert [vocab[t] for t in _BART_SPECIALS] == [0, 1, 2, 3]
    target = dims.get("vocab_size", 0)
    for i in range(max(0, target - len(vocab))):
        vocab[_madeup(i)] = len(vocab)
    vocab["<mask>"] = len(vocab)
    model_vocab = target or len(vocab)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        bpe.save_model(str(tmp_path))  # merges.txt (and a vocab.json we replace)
        ordered = dict(sorted(vocab.items(), key=lambda item: item[1]))
        (tmp_path / "vocab.json").write_text(json.dumps(ordered, ensure_ascii=False), encoding="utf-8")
        tokenizer = BartTokenizer(
            vocab=str(tmp_path / "vocab.json"),
            merges=str(tmp_path / "merges.txt"),
            model_max_length=config_kwargs["max_position_embeddings"],
        )
        tokenizer.save_pretrained(str(out_dir))
        # transformers 5 saves only tokenizer.json; the hub checkpoint ships the classic
        # vocab.json + merges.txt (no tokenizer.json), so ship exactly that and make
        # loaders take the same path as with the real model.
        for name in ("vocab.json", "merges.txt"):
            (out_dir / name).write_bytes((tmp_path / name).read_bytes())
    (out_dir / "tokenizer.json").unlink(missing_ok=True)
    tokenizer_config = json.loads((out_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    tokenizer_config["tokenizer_class"] = "BartTokenizer"  # v5 writes its alias target, RobertaTokenizer
    (out_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n", encoding="utf-8")
    assert len(tokenizer) == len(vocab), (len(tokenizer), len(vocab))

    config = BartConfig(
        vocab_size=model_vocab,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,  # BART decodes from </s>, then <s> is forced
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        **config_kwargs,
    )
    with _seeded(seed):
        model = BartForConditionalGeneration(config)
        if train_steps > 0:
            _init_bart_positions(model, scale=0.05)
            examples = _bart_examples(tokenizer, corpus, config_kwargs["max_position_embeddings"])
            _train_copy_task(model, examples, pad_id=1, steps=train_steps, seed=seed, **_BART_RECIPE)
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        **generation,
    )
    model.save_pretrained(str(out_dir))
    write_ct2_fields(out_dir)
    return out_dir


def _init_bart_positions(model: Any, scale: float) -> None:
    """Start BART's learned position tables from (scaled) sinusoids instead of noise.

    With random position rows a tiny BART trained for a few hundred steps often fails
    to find "the start of the input" and collapses into emitting one memorised sentence
    whatever the input; a sinusoidal start makes positions tell apart from step one.
    """
    import math

    import torch

    for embed in (model.model.encoder.embed_positions, model.model.decoder.embed_positions):
        rows, dim = embed.weight.shape
        pos = torch.arange(rows, dtype=torch.float32)[:, None]
        freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
        table = torch.zeros(rows, dim)
        table[:, 0::2] = torch.sin(pos * freq)
        table[:, 1::2] = torch.cos(pos * freq)
        with torch.no_grad():
            embed.weight.copy_(table * scale)


def _bart_examples(tokenizer: Any, corpus: Sequence[str], max_positions: int) -> list[tuple[list[int], list[int]]]:
    """Windows of 1-4 consecutive lines -> the window's first sentence (lead-1 summary).

    Windows of up to four lines (<= 256 tokens) are enough for the model to return the
    lead sentence of a whole article truncated to 512 tokens.
    """
    src_limit, tgt_limit = min(256, max_positions), min(48, max_positions)
    examples = []
    for start in range(len(corpus)):
        lead = _sentences(corpus[start])[0]
        tgt = tokenizer(lead).input_ids
        if not 3 <= len(tgt) <= tgt_limit:
            continue
        for width in (1, 2, 3, 4):
            window = corpus[start : start + width]
            if len(window) < width:
                break
            src = tokenizer(" ".join(window)).input_ids
            if len(src) > src_limit:
                break
            examples.append((src, tgt))
    return examples
