"""The compared variants. Each processes the seed mix and returns per-article timings and work done."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from service.backends.ct2 import CTranslate2Seq2Seq
from service.config import Settings
from service.modelstore import ct2_dir
from service.pipeline import ArticleRequest, Pipeline, SummaryRequest
from service.registry import Registry

from .models import SUMMARIZER_KEY, TRANSLATOR_KEY
from .workload import Article

SUMMARY_TOKENS = 80


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
        batch = self.sum_tok([text], return_tensors="pt", truncation=True, max_length=1024)
        with self.torch.inference_mode():
            self.sum.generate(**batch, min_new_tokens=SUMMARY_TOKENS, max_new_tokens=SUMMARY_TOKENS)

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
    """Raw CTranslate2 on pre-tokenized input with the best batch size: no pipeline at all."""

    name = "ceiling"

    def __init__(self, registry: Registry, models_dir: Path, threads: int, batch_sizes: tuple[int, ...]) -> None:
        marian, bart = registry.models[TRANSLATOR_KEY], registry.models[SUMMARIZER_KEY]
        self.mt = CTranslate2Seq2Seq(marian, marian.path, ct2_dir(marian, models_dir, "int8"),
                                     compute_type="int8", intra_threads=threads)
        self.sum = CTranslate2Seq2Seq(bart, bart.path, ct2_dir(bart, models_dir, "int8"),
                                      compute_type="int8", intra_threads=threads)
        self.batch_sizes = batch_sizes
        self.best_batch_size = batch_sizes[0]

    @staticmethod
    def _tokens(backend: CTranslate2Seq2Seq, texts: list[str], limit: int) -> list[list[str]]:
        ids = backend.tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        return [backend.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def _translate_all(self, sources: list[list[str]], batch_size: int) -> None:
        ordered = sorted(sources, key=len)
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start:start + batch_size]
            n = max(len(s) for s in batch)
            self.mt.translator.translate_batch(batch, beam_size=4, min_decoding_length=n, max_decoding_length=n)

    def tune(self, article: Article) -> None:
        """Pick the batch size that translates the article fastest (the ceiling gets its best)."""
        sources = self._tokens(self.mt, list(article.sentences), 512)
        timings = {size: _timed(lambda: self._translate_all(sources, size) or 0)[0] for size in self.batch_sizes}
        self.best_batch_size = min(timings, key=timings.get)

    def process(self, article: Article, run: Run) -> None:
        def work() -> int:
            tokens = 0
            if article.sentences:
                sources = self._tokens(self.mt, list(article.sentences), 512)
                started = time.perf_counter()
                self._translate_all(sources, self.best_batch_size)
                run.translate_s += time.perf_counter() - started
                tokens = sum(len(s) for s in sources)
                run.translate_tokens += tokens
                # the summary reads an English text of the same length, as the pipeline's would
            text = article.cleaned
            source = self._tokens(self.sum, [text], 1024)
            self.sum.translator.translate_batch(source, target_prefix=[["<s>"]], beam_size=4,
                                                min_decoding_length=SUMMARY_TOKENS,
                                                max_decoding_length=SUMMARY_TOKENS, no_repeat_ngram_size=3,
                                                length_penalty=2.0)
            return tokens + SUMMARY_TOKENS

        run.add(*_timed(work))
