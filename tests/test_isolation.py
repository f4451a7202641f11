"""One request's failure or timeout stays inside that request (issue 11: the isolation findings).

Inputs that once failed everyone's shared batch (a 3,000-character title or URL, a 4,000-character
sentence without a full stop) are answered; an input that does break the engine fails only its own
request; a request past its deadline stops feeding the model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.base import Encoded, GenerationOptions, Seq2SeqBackend
from service.config import Settings
from service.pipeline import Pipeline

NORMAL = {"text": "Regjeringen la fram statsbudsjettet i dag. Det blir dyrere å kjøre bil i byene.",
          "source_lang": "no", "summary": None}
LONG_URL = "https://example.com/" + "arkiv/sak-" * 300
OVER_LONG = {
    "title": {**NORMAL, "title": "T" * 1000},  # the longest title WIREBRIEF_MAX_TITLE_CHARS allows
    "url": {**NORMAL, "text": f"Les mer på {LONG_URL} i kveld. Det blir dyrere å kjøre bil."},
    "comma_sentence": {**NORMAL, "text": "bilen, bussen og toget, " * 170},
}


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[tuple[TestClient, Pipeline]]:
    """An app of its own (no cache) so requests really reach the model, and the test can reach its batcher."""
    uncached = settings.model_copy(update={"cache_max_entries": 0, "translate_beams": 1, "batch_wait_ms": 50.0,
                                        "model_replicas": 1})  # one replica: inputs arriving together share a batch
    pipeline = Pipeline.from_settings(uncached)
    with TestClient(create_app(uncached, pipeline), raise_server_exceptions=False) as client:
        yield client, pipeline
    pipeline.pool.close()


def translator(pipeline: Pipeline):
    return pipeline.pool.get(pipeline.registry.translator_for("no"))


@pytest.mark.parametrize("case", sorted(OVER_LONG))
def test_over_long_inputs_and_a_concurrent_normal_request_are_both_answered(served, case: str) -> None:
    client, _ = served
    alone = client.post("/v1/articles", json=NORMAL)
    assert alone.status_code == 200, alone.text
    with ThreadPoolExecutor(max_workers=2) as pool:
        culprit = pool.submit(client.post, "/v1/articles", json=OVER_LONG[case])
        time.sleep(0.02)  # within the batch wait: both requests' inputs share generate calls
        normal = pool.submit(client.post, "/v1/articles", json=NORMAL)
        culprit_response, normal_response = culprit.result(timeout=600), normal.result(timeout=600)
    assert culprit_response.status_code == 200, culprit_response.text
    assert culprit_response.json()["translation"]["chunks"] > 1, "split under the token budget, not truncated"
    assert normal_response.status_code == 200, normal_response.text
    assert normal_response.json()["translation"] == alone.json()["translation"]


class Breaks:
    """Wraps an engine: an input containing `marker` makes any batch it is in fail, as an engine bug would."""

    def __init__(self, inner: Seq2SeqBackend, marker: str) -> None:
        self.inner, self.marker = inner, marker
        self.spec, self.engine, self.max_input_tokens = inner.spec, inner.engine, inner.max_input_tokens
        self.batch_sizes: list[int] = []

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        return self.inner.encode(texts)

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        self.batch_sizes.append(len(inputs))
        if any(self.marker in item.text for item in inputs):
            raise IndexError("index out of range in self")
        return self.inner.generate(inputs, options)


def test_an_input_that_breaks_the_engine_fails_only_its_own_request(served) -> None:
    client, pipeline = served
    batcher = translator(pipeline)
    alone = client.post("/v1/articles", json=NORMAL)
    broken = Breaks(batcher.inner, marker="Zyxwv")
    batcher.inner = broken
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            culprit = pool.submit(client.post, "/v1/articles", json={**NORMAL, "text": "Zyxwv er et ord."})
            time.sleep(0.02)
            normal = pool.submit(client.post, "/v1/articles", json=NORMAL)
            culprit_response, normal_response = culprit.result(timeout=120), normal.result(timeout=120)
    finally:
        batcher.inner = broken.inner
    assert max(broken.batch_sizes) == 3, "the three inputs shared a batch first"
    assert culprit_response.status_code == 500
    assert culprit_response.json()["error"]["code"] == "internal_error"
    assert normal_response.status_code == 200, normal_response.text
    assert normal_response.json()["translation"] == alone.json()["translation"]


class Slow:
    """Wraps an engine: each generate call takes `delay_s` longer; records when each call started."""

    def __init__(self, inner: Seq2SeqBackend, delay_s: float) -> None:
        self.inner, self.delay_s = inner, delay_s
        self.spec, self.engine, self.max_input_tokens = inner.spec, inner.engine, inner.max_input_tokens
        self.started: list[float] = []
        self.lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        return self.inner.encode(texts)

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        with self.lock:
            self.started.append(time.monotonic())
        time.sleep(self.delay_s)
        return self.inner.generate(inputs, options)


def test_a_timed_out_request_stops_its_pending_work(settings: Settings) -> None:
    """504 at the deadline, and the model gets no new input of that request after it (one batch may finish)."""
    config = settings.model_copy(update={"cache_max_entries": 0, "translate_beams": 1, "request_timeout_s": 1.0,
                                         "translate_batch_max_items": 1, "translate_sentences_per_chunk": 1})
    pipeline = Pipeline.from_settings(config)
    batcher = translator(pipeline)
    slow = Slow(batcher.inner, delay_s=0.3)
    batcher.inner = slow
    text = " ".join(f"Setning nummer {i} handler om budsjettet." for i in range(20))
    with TestClient(create_app(config, pipeline)) as client:
        sent = time.monotonic()
        response = client.post("/v1/articles", json={"text": text, "source_lang": "no", "summary": None})
        answered = time.monotonic()
        assert response.status_code == 504 and response.json()["error"]["code"] == "request_timeout"
        time.sleep(1.5)  # long enough for several more batches, had the work gone on
    pipeline.pool.close()
    assert answered - sent < 2.0
    assert 1 <= len(slow.started) < 20, "the request stopped part way"
    # a batch checked before the deadline may reach the model a little after it on a loaded machine; work going
    # on would start another every 0.3 s, so by the end of the 1.5 s wait one would have started past +0.25 s
    assert max(slow.started) <= sent + 1.0 + 0.25, "no batch started after the deadline"
