"""The compared variants. Each processes the seed mix and returns per-article timings and work done."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from service.backends.base import GenerationOptions
from service.backends.ct2 import CTranslate2Seq2Seq
from service.config import Settings
from service.modelstore import ct2_dir
from service.pipeline import ArticleRequest, Pipeline, SummaryRequest
from service.registry import Registry
from service.text import pack, segment

from .models import SUMMARIZER_KEY, TRANSLATOR_KEY, bench_settings
from .workload import Article

SUMMARY_TOKENS = 80


#: the summarizer's input limit less the pipeline's margin (`summarize/abstractive.py`): the same chunks for all
SUMMARY_BUDGET = 1024 - 8


def map_reduce(english: str, count: Callable[[str], int], summarize: Callable[[list[str]], list[str]]) -> None:
    """Summarize a whole article as the pipeline does, so every variant does the same work on long ones: one
    call when it fits the model, else every chunk (the pipeline's own packing) in one batch, then their
    summaries, until they fit. Truncating to the first 1,024 tokens would be less work than ours does."""
    current = english
    for _ in range(3):
        chunks = pack(segment(current, "en"), lambda texts: [count(t) for t in texts], SUMMARY_BUDGET)
        if len(chunks) == 1:
            summarize([chunks[0].text])
            return
        current = "\n\n".join(p.strip() for p in summarize([c.text for c in chunks]) if p.strip())


@dataclass
class Run:
    """What one variant did: wall time per article, and the target tokens it had to produce."""

    latencies_s: list[float] = field(default_factory=list)
    target_tokens: int = 0
    translate_s: float = 0.0          # time spent translating (for the ceiling comparison)
    translate_tokens: int = 0

    def add(self, seconds: float, tokens: int) -> None:
        self.latencies_s.append(seconds)
        self.target_tokens += tokens


def _timed(fn: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    tokens = fn()
    return time.perf_counter() - started, tokens


class Naive:
    """What a user writes by hand: transformers fp32, one sentence at a time, then the summary."""

    name = "naive"

    def __init__(self, registry: Registry) -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.torch = torch
        marian, bart = registry.models[TRANSLATOR_KEY].path, registry.models[SUMMARIZER_KEY].path
        self.mt_tok, self.mt = AutoTokenizer.from_pretrained(marian), AutoModelForSeq2SeqLM.from_pretrained(marian)
        self.sum_tok, self.sum = AutoTokenizer.from_pretrained(bart), AutoModelForSeq2SeqLM.from_pretrained(bart)

    def _translate(self, sentence: str) -> tuple[str, int]:
        batch = self.mt_tok([sentence], return_tensors="pt")
        n = int(batch["input_ids"].shape[1])
        with self.torch.inference_mode():
            out = self.mt.generate(**batch, num_beams=4, min_new_tokens=n, max_new_tokens=n)
        return self.mt_tok.decode(out[0], skip_special_tokens=True), n

    def _summarize(self, text: str) -> None:
        map_reduce(text, lambda t: len(self.sum_tok(t)["input_ids"]), self._generate_summaries)

    def _generate_summaries(self, texts: list[str]) -> list[str]:
        """One input at a time, as a hand-written loop does."""
        outputs = []
        for text in texts:
            batch = self.sum_tok([text], return_tensors="pt", truncation=True, max_length=1024)
            with self.torch.inference_mode():
                out = self.sum.generate(**batch, min_new_tokens=SUMMARY_TOKENS, max_new_tokens=SUMMARY_TOKENS)
            outputs.append(self.sum_tok.decode(out[0], skip_special_tokens=True))
        return outputs

    def process(self, article: Article, run: Run) -> None:
        def work() -> int:
            english, tokens = article.cleaned, 0
            if article.sentences:
                started = time.perf_counter()
                outputs = [self._translate(s) for s in article.sentences]
                run.translate_s += time.perf_counter() - started
                run.translate_tokens += sum(n for _, n in outputs)
                english, tokens = " ".join(o for o, _ in outputs), sum(n for _, n in outputs)
            self._summarize(english)
            return tokens + SUMMARY_TOKENS

        run.add(*_timed(work))


class Ours:
    """wirebrief's pipeline, on the engine the settings name."""

    def __init__(self, name: str, settings: Settings) -> None:
        self.name = name
        self.pipeline = Pipeline.from_settings(settings)

    def process(self, article: Article, run: Run) -> None:
        # the work's size is counted before the clock starts: it is bookkeeping, not pipeline work
        required = 0
        if article.sentences:
            translator = self.pipeline.pool.get(self.pipeline.registry.translator_for(article.lang))
            required = sum(item.length for item in translator.encode(list(article.sentences)))

        def work() -> int:
            result = self.pipeline.process(ArticleRequest(text=article.raw, source_lang=article.lang,
                                                          summary=SummaryRequest(style="bench")))
            if result.translation is not None:
                run.translate_s += result.timings_ms["translate"] / 1000
                run.translate_tokens += required
            return required + SUMMARY_TOKENS

        run.add(*_timed(work))

    def close(self) -> None:
        self.pipeline.pool.close()


class Ceiling:
    """A well-written CTranslate2 script: tokenize, `translate_batch` in length-sorted batches of the best size
    (tuned with repeats), then summarize the translation. No cleaning, segmentation, batching queue or HTTP.

    Decoding lengths come from the backend's own `_decoding` for the same options, so both decode exactly
    the same number of steps (a model with a forced `</s>` decodes n - 1 real tokens in either).
    """

    name = "ceiling"

    def __init__(self, registry: Registry, models_dir: Path, threads: int, batch_sizes: tuple[int, ...],
                 translate_options: GenerationOptions, summary_options: GenerationOptions) -> None:
        marian, bart = registry.models[TRANSLATOR_KEY], registry.models[SUMMARIZER_KEY]
        self.mt = CTranslate2Seq2Seq(marian, marian.path, ct2_dir(marian, models_dir, "int8"),
                                     compute_type="int8", intra_threads=threads)
        self.sum = CTranslate2Seq2Seq(bart, bart.path, ct2_dir(bart, models_dir, "int8"),
                                      compute_type="int8", intra_threads=threads)
        self.batch_sizes = batch_sizes
        self.best_batch_size = batch_sizes[0]
        self.tuning: dict[int, list[float]] = {}
        self.translate_options, self.summary_options = translate_options, summary_options

    @staticmethod
    def _ids(backend: CTranslate2Seq2Seq, texts: list[str], limit: int) -> list[list[int]]:
        return [list(row) for row in backend.tokenizer(texts, truncation=True, max_length=limit)["input_ids"]]

    def _translate_all(self, sources: list[list[int]], batch_size: int) -> str:
        tokenizer = self.mt.tokenizer
        order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
        outputs: dict[int, str] = {}
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            batch = [tokenizer.convert_ids_to_tokens(sources[i]) for i in chosen]
            kwargs = self.mt._decoding(self.translate_options, max(len(b) for b in batch))
            results = self.mt.translator.translate_batch(batch, max_batch_size=0, **kwargs)
            texts = tokenizer.batch_decode([tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results],
                                           skip_special_tokens=True)
            outputs.update(zip(chosen, texts))
        return " ".join(outputs[i] for i in range(len(sources)))

    def _summaries(self, texts: list[str]) -> list[str]:
        """Every input in one `translate_batch` call, length-sorted by CTranslate2."""
        tokenizer = self.sum.tokenizer
        sources = [tokenizer.convert_ids_to_tokens(ids) for ids in self._ids(self.sum, texts, 1024)]
        kwargs = self.sum._decoding(self.summary_options, max(len(s) for s in sources))
        results = self.sum.translator.translate_batch(sources, target_prefix=[["<s>"]] * len(sources), **kwargs)
        return tokenizer.batch_decode([tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results],
                                      skip_special_tokens=True)

    def tune(self, article: Article, repeats: int = 3) -> None:
        """Pick the batch size that translates the article fastest: median of `repeats` timings, sizes interleaved."""
        sources = self._ids(self.mt, list(article.sentences), 512)
        self.tuning = {size: [] for size in self.batch_sizes}
        for _ in range(repeats):
            for size in self.batch_sizes:
                self.tuning[size].append(_timed(lambda: self._translate_all(sources, size) and 0)[0])
        self.best_batch_size = min(self.tuning, key=lambda size: sorted(self.tuning[size])[repeats // 2])

    def process(self, article: Article, run: Run) -> None:
        def work() -> int:
            tokens, english = 0, article.cleaned
            if article.sentences:
                sources = self._ids(self.mt, list(article.sentences), 512)
                started = time.perf_counter()
                english = self._translate_all(sources, self.best_batch_size)
                run.translate_s += time.perf_counter() - started
                tokens = sum(len(s) for s in sources)
                run.translate_tokens += tokens
            map_reduce(english, lambda t: len(self._ids(self.sum, [t], 100_000)[0]), self._summaries)
            return tokens + SUMMARY_TOKENS

        run.add(*_timed(work))


def ceiling_for(registry: Registry, registry_path: Path, batch_sizes: tuple[int, ...]) -> Ceiling:
    """The ceiling with the pipeline's own decoding options and thread count (all cores on one call)."""
    settings = bench_settings(registry_path, "ctranslate2")
    translate = GenerationOptions(num_beams=settings.translate_beams, max_new_tokens=settings.translate_max_new_tokens,
                                  length_ratio=settings.translate_length_ratio,
                                  length_slack=settings.translate_length_slack,
                                  min_length_ratio=settings.translate_min_length_ratio or None)
    summary = GenerationOptions(min_new_tokens=SUMMARY_TOKENS, max_new_tokens=SUMMARY_TOKENS)
    return Ceiling(registry, settings.models_dir, max(1, len(os.sched_getaffinity(0))), batch_sizes, translate,
                   summary)


def variant(name: str, registry: Registry, registry_path: Path) -> Naive | Ours | Ceiling:
    """A benchmarked program by its name in the tables."""
    if name == "naive":
        return Naive(registry)
    if name == "ours-transformers":
        return Ours(name, bench_settings(registry_path, "transformers"))
    if name == "ours-ct2-int8":
        return Ours(name, bench_settings(registry_path, "ctranslate2"))
    if name == "ceiling":
        return ceiling_for(registry, registry_path, (8,))
    raise ValueError(f"unknown program {name!r}")
