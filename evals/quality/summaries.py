"""CNN/DailyMail test articles summarized through the pipeline and by the model alone, scored with ROUGE.

The model alone gets the raw article cut to its input limit (as the model card's evaluation did) and its own
generation settings; the pipeline cleans, chunks (map-reduce past the limit) and shapes to whole sentences in
the requested style. Unsupported numbers and names in the pipeline's summaries are counted too.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer

from service.backends.base import GenerationOptions, Seq2SeqBackend
from service.pipeline import Pipeline, SummaryRequest
from service.quality import check_summary
from service.text import split_paragraphs, split_sentences

from .data import cnndm_articles

_ROUGE = ("rouge1", "rouge2", "rougeLsum")


@dataclass(frozen=True)
class SummaryScore:
    model: str
    articles: int
    style: str
    pipeline: dict[str, float]  # ROUGE F1 x 100 by measure
    alone: dict[str, float]
    unsupported_per_summary: float  # check_summary flags on the pipeline's summaries


def _lines(text: str) -> str:
    """One sentence per line, as rougeLsum wants."""
    return "\n".join(s for p in split_paragraphs(text) for s in split_sentences(p, "en"))


def fit_input(backend: Seq2SeqBackend, text: str) -> str:
    """The longest word prefix of `text` the model takes whole (the model card's truncation, at a word)."""
    words = text.split()
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if backend.encode([" ".join(words[:mid])])[0].length <= backend.max_input_tokens:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low])


def _rouge(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    scorer = rouge_scorer.RougeScorer(list(_ROUGE), use_stemmer=True)
    totals = dict.fromkeys(_ROUGE, 0.0)
    for hyp, ref in zip(hypotheses, references):
        for name, score in scorer.score(_lines(ref), _lines(hyp)).items():
            totals[name] += score.fmeasure
    return {name: 100 * total / max(len(hypotheses), 1) for name, total in totals.items()}


def score_summaries(pipeline: Pipeline, path: Path, *, limit: int | None, style: str, batch: int,
                    workers: int) -> SummaryScore:
    articles = cnndm_articles(path, limit)
    references = [a.highlights for a in articles]
    request = SummaryRequest(style=style, method="abstractive")

    def one(text: str) -> str:
        return pipeline.summarize(pipeline.clean(text).text, request).summary

    with ThreadPoolExecutor(max_workers=workers) as pool:
        piped = list(pool.map(one, (a.article for a in articles)))
    backend = pipeline.pool.get(pipeline.registry.summarizer).inner
    inputs = [fit_input(backend, a.article) for a in articles]
    alone = [o.strip() for i in range(0, len(inputs), batch)
             for o in backend.generate(backend.encode(inputs[i:i + batch]), GenerationOptions())]
    flags = sum(len(check_summary(s, a.article)) for s, a in zip(piped, articles))
    return SummaryScore(model=pipeline.registry.summarizer.model_id, articles=len(articles), style=style,
                        pipeline=_rouge(piped, references), alone=_rouge(alone, references),
                        unsupported_per_summary=flags / max(len(articles), 1))
