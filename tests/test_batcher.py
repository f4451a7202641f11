"""Cross-request batching: each caller gets exactly its own outputs, in order; the queue is bounded."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from service.backends.base import Encoded, GenerationOptions
from service.backends.batcher import Batcher, BatchLimits
from service.errors import GenerationTimeout, Overloaded
from service.registry import ModelSpec

SPEC = ModelSpec(key="echo", task="translation", hub_id="test/echo")


class Reverser:
    """A deterministic engine: output = input reversed, tagged with the options' beam count.

    Records every batch it was given, and can be made slow to let queues build up.
    """

    engine = "reverser"
    max_input_tokens = 512

    def __init__(self, delay_s: float = 0.0) -> None:
        self.spec = SPEC
        self.delay_s = delay_s
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.release.set()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        return [Encoded(t, tuple(range(len(t.split()) + 1))) for t in texts]

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        self.release.wait()
        time.sleep(self.delay_s)
        texts = [item.text for item in inputs]
        self.batches.append(texts)
        return [f"{options.num_beams}:{t[::-1]}" for t in texts]


def run(batcher: Batcher, texts: Sequence[str], options: GenerationOptions) -> list[str]:
    """What a caller does: encode once, then generate from the encodings."""
    return batcher.generate(batcher.encode(texts), options)


def test_single_request_does_not_wait_for_a_full_batch() -> None:
    batcher = Batcher(Reverser(), BatchLimits(max_wait_s=0.01))
    started = time.monotonic()
    assert run(batcher, ["abc", "de"], GenerationOptions(num_beams=1)) == ["1:cba", "1:ed"]
    assert time.monotonic() - started < 1.0
    batcher.close()


def test_concurrent_requests_share_batches_without_cross_talk() -> None:
    inner = Reverser(delay_s=0.02)
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.02, max_batch_items=64))
    requests = [[f"req{r} sentence {i} " + "x" * (r % 5) for i in range(1 + r % 4)] for r in range(24)]
    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(lambda texts: run(batcher, texts, GenerationOptions(num_beams=2)), requests))
    for texts, outputs in zip(requests, results):
        assert outputs == [f"2:{t[::-1]}" for t in texts]
    assert sum(len(b) for b in inner.batches) == sum(len(r) for r in requests), "every input generated once"
    assert len(inner.batches) < len(requests), "requests shared generate calls"
    batcher.close()


def test_different_options_never_share_a_batch() -> None:
    inner = Reverser(delay_s=0.01)
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.05))
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(run, batcher, [f"t{i}"], GenerationOptions(num_beams=1 + i % 2)) for i in range(8)]
        outputs = [f.result() for f in futures]
    assert outputs == [[f"{1 + i % 2}:{f't{i}'[::-1]}"] for i in range(8)]
    for batch in inner.batches:
        assert len({int(t[1:]) % 2 for t in batch}) == 1
    batcher.close()


def test_batches_respect_token_and_item_budgets() -> None:
    inner = Reverser()
    inner.release.clear()  # hold the worker so everything queues up first
    batcher = Batcher(inner, BatchLimits(max_batch_tokens=40, max_batch_items=5, max_wait_s=0.0))
    texts = [" ".join(["w"] * n) for n in (1, 9, 2, 8, 3, 7, 4, 6, 5, 5, 1, 1)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run, batcher, texts, GenerationOptions())
        time.sleep(0.2)
        inner.release.set()
        assert future.result(timeout=10) == [f"None:{t[::-1]}" for t in texts]
    for batch in inner.batches[1:]:  # the first batch may have started before the rest arrived
        lengths = [len(t.split()) + 1 for t in batch]
        assert len(batch) <= 5 and len(batch) * max(lengths) <= 40
    batcher.close()


def test_full_queue_answers_429_with_retry_after() -> None:
    inner = Reverser()
    inner.release.clear()
    batcher = Batcher(inner, BatchLimits(max_queue=4, max_wait_s=0.0))
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(run, batcher, ["a"], GenerationOptions())
        time.sleep(0.1)  # the worker holds "a"
        second = pool.submit(run, batcher, ["b", "c", "d"], GenerationOptions())
        time.sleep(0.1)
        with pytest.raises(Overloaded) as info:
            run(batcher, ["e", "f"], GenerationOptions())
        assert info.value.status == 429 and 1 <= int(info.value.headers["Retry-After"]) <= 60
        inner.release.set()
        assert first.result(timeout=5) == ["None:a"] and second.result(timeout=5) == ["None:b", "None:c", "None:d"]
    batcher.close()


def test_an_idle_model_takes_a_request_larger_than_the_queue() -> None:
    batcher = Batcher(Reverser(), BatchLimits(max_queue=2))
    assert len(run(batcher, [f"s{i}" for i in range(10)], GenerationOptions())) == 10
    batcher.close()


def test_engine_errors_reach_every_waiting_caller() -> None:
    class Broken(Reverser):
        def generate(self, inputs, options):
            raise RuntimeError("CUDA out of memory")

    batcher = Batcher(Broken(), BatchLimits())
    with pytest.raises(RuntimeError, match="out of memory"):
        run(batcher, ["a", "b"], GenerationOptions())
    assert run(batcher, [], GenerationOptions()) == []
    batcher.close()


def test_timeout_is_504_and_abandoned_inputs_are_skipped() -> None:
    inner = Reverser()
    inner.release.clear()
    batcher = Batcher(inner, BatchLimits(timeout_s=0.3, max_wait_s=0.0))
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(run, batcher, ["held"], GenerationOptions())  # the worker is stuck on it
        time.sleep(0.05)
        with pytest.raises(GenerationTimeout) as info:
            run(batcher, ["late"], GenerationOptions())
        assert info.value.status == 504
        with pytest.raises(GenerationTimeout):
            held.result(timeout=5)
    inner.release.set()
    time.sleep(0.2)
    assert inner.batches == [["held"]], "the abandoned queued input was never generated"
    batcher.close()


@hsettings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="abc xyz", min_size=1, max_size=30), min_size=1, max_size=6),
                min_size=1, max_size=8))
def test_property_every_caller_gets_its_own_outputs_in_order(requests: list[list[str]]) -> None:
    inner = Reverser()
    batcher = Batcher(inner, BatchLimits(max_batch_tokens=30, max_batch_items=4, max_wait_s=0.002))
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        results = list(pool.map(lambda texts: run(batcher, texts, GenerationOptions()), requests))
    assert results == [[f"None:{t[::-1]}" for t in texts] for texts in requests]
    assert sorted(t for b in inner.batches for t in b) == sorted(t for r in requests for t in r)
    batcher.close()


def test_concurrent_api_requests_on_a_real_model_get_their_own_results(settings) -> None:
    """16 clients at once through the app: results equal the one-at-a-time results, article by article."""
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.pipeline import Pipeline

    uncached = settings.model_copy(update={"cache_max_entries": 0, "translate_beams": 1})
    pipeline = Pipeline.from_settings(uncached)
    texts = [f"Nato sier nei {i}. Flyalarmen gikk i {i} regioner. Det er ikke bekreftet." for i in range(16)]

    def post(client: TestClient, text: str) -> dict:
        response = client.post("/v1/translate", json={"text": text, "source_lang": "no"})
        assert response.status_code == 200, response.text
        return response.json()["translation"]

    with TestClient(create_app(uncached, pipeline)) as client:
        serial = [post(client, t) for t in texts]
        batches_before = pipeline.pool.get(pipeline.registry.translator_for("no")).stats.batches
        with ThreadPoolExecutor(max_workers=16) as workers:
            concurrent = list(workers.map(lambda t: post(client, t), texts))
        batches = pipeline.pool.get(pipeline.registry.translator_for("no")).stats.batches - batches_before
    assert [c["sentences"] for c in concurrent] == [3] * 16
    assert [c["text"] for c in concurrent] == [s["text"] for s in serial]
    assert batches < 16, f"16 requests should share generate calls, took {batches}"
    pipeline.pool.close()


def test_generation_options_bound_outputs_by_input_length() -> None:
    options = GenerationOptions(num_beams=4, max_new_tokens=100, length_ratio=1.5)
    assert options.for_batch(20) == {"num_beams": 4, "max_new_tokens": 40}
    assert options.for_batch(90) == {"num_beams": 4, "max_new_tokens": 100}
    exact = GenerationOptions(length_ratio=1.0, length_slack=0, min_length_ratio=1.0)
    assert exact.for_batch(17) == {"max_new_tokens": 17, "min_new_tokens": 17}
    assert GenerationOptions(min_new_tokens=50, max_new_tokens=30).for_batch(5) == {"min_new_tokens": 30,
                                                                                  "max_new_tokens": 30}


def test_overload_reaches_clients_as_429_with_retry_after(settings) -> None:
    """A full model queue surfaces through the real app as 429 + Retry-After, and the app recovers."""
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.pipeline import Pipeline

    tight = settings.model_copy(update={"batch_max_queue": 1, "cache_max_entries": 0, "batch_wait_ms": 0.0,
                                        "data_dir": settings.data_dir / "overload"})
    pipeline = Pipeline.from_settings(tight)
    batcher = pipeline.pool.get(pipeline.registry.translator_for("no"))
    gate = threading.Event()
    real_generate = batcher.inner.generate

    def held_generate(inputs, options):  # hold the model busy so the queue stays full
        gate.wait(timeout=30)
        return real_generate(inputs, options)

    batcher.inner.generate = held_generate
    body = {"text": "Nato sier nei. Det er ikke bekreftet.", "source_lang": "no"}
    with TestClient(create_app(tight, pipeline)) as client, ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(client.post, "/v1/translate", json=body)  # taken by the worker, then held
        time.sleep(0.5)
        second = pool.submit(client.post, "/v1/translate", json={**body, "text": "Hei. Hallo."})  # queued
        time.sleep(0.5)
        refused = client.post("/v1/translate", json={**body, "text": "Tre. Fire."})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "overloaded"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        gate.set()
        assert first.result(timeout=60).status_code == 200 and second.result(timeout=60).status_code == 200
        assert client.post("/v1/translate", json=body).status_code == 200
    pipeline.pool.close()


# -- isolation: one caller's failure or timeout never becomes another caller's ------------------------------


class Poisoned(Reverser):
    """Fails any batch that holds an input containing "poison", as an engine bug on one input would."""

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        if any("poison" in item.text for item in inputs):
            self.batches.append([item.text for item in inputs])
            raise IndexError("index out of range in self")
        return super().generate(inputs, options)


def test_a_failing_batch_is_retried_item_by_item_so_only_the_culprit_fails() -> None:
    inner = Poisoned()
    inner.release.clear()  # hold the worker so both callers' inputs queue up and share one batch
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    with ThreadPoolExecutor(max_workers=3) as pool:
        first = pool.submit(run, batcher, ["warm"], GenerationOptions())
        time.sleep(0.05)
        normal = pool.submit(run, batcher, ["ok one", "ok two"], GenerationOptions())
        culprit = pool.submit(run, batcher, ["a poison pill"], GenerationOptions())
        time.sleep(0.1)
        inner.release.set()
        assert first.result(timeout=5) == ["None:mraw"]
        assert normal.result(timeout=5) == ["None:eno ko", "None:owt ko"]
        with pytest.raises(IndexError, match="out of range"):
            culprit.result(timeout=5)
    shared = [b for b in inner.batches if len(b) == 3]
    assert len(shared) == 1 and sorted(shared[0]) == ["a poison pill", "ok one", "ok two"]
    alone = inner.batches[inner.batches.index(shared[0]) + 1:]
    assert sorted(alone) == [["a poison pill"], ["ok one"], ["ok two"]], "each input of the batch ran alone"
    batcher.close()


def test_a_lone_failing_input_is_not_run_twice() -> None:
    inner = Poisoned()
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    with pytest.raises(IndexError):
        run(batcher, ["poison"], GenerationOptions())
    assert inner.batches == [["poison"]]
    batcher.close()


def test_a_passed_deadline_queues_no_new_work() -> None:
    from service.backends.deadline import deadline
    from service.errors import RequestTimeout

    inner = Reverser()
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    with deadline(0.05):
        assert run(batcher, ["in time"], GenerationOptions()) == ["None:emit ni"]
        time.sleep(0.1)
        with pytest.raises(RequestTimeout) as info:
            run(batcher, ["too late"], GenerationOptions())
    assert info.value.status == 504
    assert inner.batches == [["in time"]]
    assert run(batcher, ["after"], GenerationOptions()) == ["None:retfa"], "the deadline ended with its block"
    batcher.close()


def test_a_deadline_passing_while_queued_cancels_the_queued_inputs() -> None:
    from service.backends.deadline import deadline
    from service.errors import RequestTimeout

    inner = Reverser()
    inner.release.clear()
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0, max_batch_items=1))
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(run, batcher, ["held"], GenerationOptions())  # the worker is stuck on it
        time.sleep(0.05)
        started = time.monotonic()
        with deadline(0.2), pytest.raises(RequestTimeout, match="queued inputs were dropped"):
            run(batcher, ["one", "two", "three"], GenerationOptions())
        assert time.monotonic() - started < 1.0, "the caller's deadline, not the 600 s generation timeout"
        inner.release.set()
        assert held.result(timeout=5) == ["None:dleh"]
    time.sleep(0.2)
    assert inner.batches == [["held"]], "none of the timed-out request's inputs reached the engine"
    batcher.close()


def test_generation_bounds_are_clamped_to_the_decoder_limit() -> None:
    options = GenerationOptions(num_beams=2, max_new_tokens=512, length_ratio=1.6, length_slack=10)
    assert options.for_batch(256) == {"num_beams": 2, "max_new_tokens": 420}
    assert options.for_batch(256, max_output_tokens=255) == {"num_beams": 2, "max_new_tokens": 255}
    assert options.for_batch(10, max_output_tokens=255) == {"num_beams": 2, "max_new_tokens": 26}
    floor = GenerationOptions(min_new_tokens=300, max_new_tokens=400)
    assert floor.for_batch(5, max_output_tokens=127) == {"min_new_tokens": 127, "max_new_tokens": 127}
    assert GenerationOptions().for_batch(300, max_output_tokens=10) == {}


# -- replicas: a model that runs several batches at once gets them from several workers ---------------------------


class Replicated(Reverser):
    """Runs `replicas` batches at once; records how many ran together at most, and can demand company."""

    def __init__(self, replicas: int, together: threading.Barrier | None = None) -> None:
        super().__init__()
        self.replicas = replicas
        self.together = together
        self.running = 0
        self.most_at_once = 0
        self._count = threading.Lock()

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        with self._count:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.together is not None:
                self.together.wait(timeout=10)  # breaks (and fails the batch) unless a second batch runs too
            if any("poison" in item.text for item in inputs):
                raise IndexError("index out of range in self")
            return super().generate(inputs, options)
        finally:
            with self._count:
                self.running -= 1


def test_two_replicas_run_two_batches_at_once() -> None:
    inner = Replicated(2, threading.Barrier(2))
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    with ThreadPoolExecutor(max_workers=2) as pool:  # different options: they can never share one batch
        beams1 = pool.submit(run, batcher, ["one"], GenerationOptions(num_beams=1))
        beams2 = pool.submit(run, batcher, ["three"], GenerationOptions(num_beams=2))
        assert beams1.result(timeout=20) == ["1:eno"] and beams2.result(timeout=20) == ["2:eerht"]
    assert inner.most_at_once == 2 and not inner.together.broken
    batcher.close()


def test_one_request_is_split_across_free_replicas() -> None:
    inner = Replicated(2, threading.Barrier(2))
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    texts = [f"sentence {i} " + "w " * (i % 7) for i in range(20)]
    assert run(batcher, texts, GenerationOptions()) == [f"None:{t[::-1]}" for t in texts]
    assert sorted(len(b) for b in inner.batches) == [10, 10] and inner.most_at_once == 2
    batcher.close()


def test_one_replica_never_runs_two_batches_at_once() -> None:
    inner = Replicated(1)
    inner.delay_s = 0.01
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0, max_batch_items=2))
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda i: run(batcher, [f"t{i}", f"u{i}", f"v{i}"], GenerationOptions(num_beams=i % 3)),
                      range(6)))
    assert inner.most_at_once == 1 and len(batcher._workers) == 1
    batcher.close()


@hsettings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="abc xyz", min_size=1, max_size=12), min_size=1, max_size=6),
                min_size=1, max_size=12),
       st.integers(min_value=2, max_value=4))
def test_property_replicas_keep_each_callers_outputs_in_order(requests: list[list[str]], replicas: int) -> None:
    inner = Replicated(replicas)
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.001, max_batch_items=3))
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        results = list(pool.map(lambda texts: run(batcher, texts, GenerationOptions(num_beams=1)), requests))
    assert results == [[f"1:{t[::-1]}" for t in texts] for texts in requests]
    assert sum(len(b) for b in inner.batches) == sum(len(r) for r in requests), "every input generated once"
    assert inner.most_at_once <= replicas
    batcher.close()


def test_with_replicas_a_failing_input_still_fails_alone() -> None:
    inner = Replicated(2)
    inner.release.clear()  # hold both workers so the callers' inputs queue up together
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0))
    with ThreadPoolExecutor(max_workers=4) as pool:
        holds = [pool.submit(run, batcher, [f"hold{i}"], GenerationOptions(num_beams=5 + i)) for i in range(2)]
        time.sleep(0.1)
        normal = pool.submit(run, batcher, ["ok one", "ok two", "ok three"], GenerationOptions())
        culprit = pool.submit(run, batcher, ["a poison pill"], GenerationOptions())
        time.sleep(0.1)
        inner.release.set()
        assert normal.result(timeout=10) == ["None:eno ko", "None:owt ko", "None:eerht ko"]
        with pytest.raises(IndexError):
            culprit.result(timeout=10)
        assert [h.result(timeout=10) for h in holds] == [["5:0dloh"], ["6:1dloh"]]
    batcher.close()


def test_replicas_default_to_one_per_usable_core_and_split_the_threads() -> None:
    import os

    from service.config import ModelSettings

    cores = len(os.sched_getaffinity(0))
    auto = ModelSettings(model_replicas=0)
    assert auto.replicas() == cores and auto.ct2_threads() == 1
    assert ModelSettings(model_replicas=3).replicas() == 3
    assert ModelSettings(model_replicas=1).ct2_threads() == cores
    assert ModelSettings(model_replicas=1, ct2_intra_threads=5).ct2_threads() == 5


# -- memory: freed working memory goes back to the OS once a model is idle ---------------------------------------


def _wait_for(condition, timeout_s: float = 10.0) -> bool:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class Held(Replicated):
    """A replicated engine whose inputs named "hold" wait for `go` (the others run at once)."""

    def __init__(self, replicas: int) -> None:
        super().__init__(replicas)
        self.go = threading.Event()
        self.holding = threading.Event()

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        if any(item.text == "hold" for item in inputs):
            self.holding.set()
            self.go.wait(timeout=10)
        return super().generate(inputs, options)


def test_the_idle_hook_runs_after_a_batch_that_leaves_the_model_idle() -> None:
    calls: list[int] = []
    inner = Reverser()
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0), on_idle=lambda: calls.append(len(inner.batches)))
    assert run(batcher, ["abc"], GenerationOptions(num_beams=1)) == ["1:cba"]
    assert _wait_for(lambda: calls == [1])
    assert run(batcher, ["de"], GenerationOptions(num_beams=1)) == ["1:ed"]
    assert _wait_for(lambda: calls == [1, 2])
    batcher.close()


def test_the_idle_hook_waits_for_every_replica() -> None:
    """A replica that finishes while another still runs a batch leaves the model busy: no hook until both end."""
    calls: list[str] = []
    inner = Held(2)
    batcher = Batcher(inner, BatchLimits(max_wait_s=0.0), on_idle=lambda: calls.append("idle"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        held = pool.submit(run, batcher, ["hold"], GenerationOptions(num_beams=1))
        assert inner.holding.wait(timeout=10)
        assert run(batcher, ["quick"], GenerationOptions(num_beams=2)) == ["2:kciuq"]
        time.sleep(0.05)
        assert calls == []
        inner.go.set()
        assert held.result(timeout=10) == ["1:dloh"]
    assert _wait_for(lambda: calls == ["idle"])
    batcher.close()


def test_the_pool_releases_memory_when_idle_unless_told_not_to(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.backends import memory
    from service.backends.pool import ModelPool
    from service.registry import Registry

    registry = Registry.load(settings.registry_path)
    spec = registry.translator_for("no")
    trimmed = ModelPool(registry, settings.models).get(spec)
    kept = ModelPool(registry, settings.model_copy(update={"malloc_trim": False}).models).get(spec)
    assert trimmed._on_idle is memory.release and kept._on_idle is None
    trimmed.close()
    kept.close()
    monkeypatch.setenv("WIREBRIEF_MALLOC_TRIM", "0")
    from service.config import Settings

    assert Settings().malloc_trim is False and Settings(malloc_trim=True).malloc_trim is True
    assert memory.release() is True  # glibc (Linux): malloc_trim is there


def test_translators_batch_within_their_own_budget(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Translation batches are bounded apart from the summarizer's: many short inputs, whose decoding memory grows
    with the batch while CPU throughput does not."""
    from service.backends.pool import ModelPool
    from service.config import Settings
    from service.registry import Registry

    monkeypatch.setenv("WIREBRIEF_TRANSLATE_BATCH_MAX_TOKENS", "300")
    monkeypatch.setenv("WIREBRIEF_TRANSLATE_BATCH_MAX_ITEMS", "5")
    configured = Settings(registry_path=settings.registry_path, models_dir=settings.models_dir, batch_max_tokens=4000)
    registry = Registry.load(settings.registry_path)
    pool = ModelPool(registry, configured.models)
    assert (pool.limits["translation"].max_batch_tokens, pool.limits["translation"].max_batch_items) == (300, 5)
    assert (pool.limits["summarization"].max_batch_tokens, pool.limits["summarization"].max_batch_items) == (4000, 64)
    translator, summarizer = pool.get(registry.translator_for("no")), pool.get(registry.summarizer)
    assert translator.limits is pool.limits["translation"] and summarizer.limits is pool.limits["summarization"]
    pool.close()
    defaults = Settings(_env_file=None)
    assert (defaults.translate_batch_max_tokens, defaults.translate_batch_max_items) == (300, 5)  # the environment's
    monkeypatch.delenv("WIREBRIEF_TRANSLATE_BATCH_MAX_TOKENS")
    monkeypatch.delenv("WIREBRIEF_TRANSLATE_BATCH_MAX_ITEMS")
    assert (Settings().translate_batch_max_tokens, Settings().translate_batch_max_items) == (1024, 16)


def test_the_pool_caps_malloc_arenas_as_set(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.backends import memory
    from service.backends.pool import ModelPool
    from service.registry import Registry

    asked: list[int] = []
    monkeypatch.setattr(memory, "limit_arenas", asked.append)
    registry = Registry.load(settings.registry_path)
    ModelPool(registry, settings.models)
    ModelPool(registry, settings.model_copy(update={"malloc_arena_max": 0}).models)
    assert asked == [2, 0]
    monkeypatch.setenv("WIREBRIEF_MALLOC_ARENA_MAX", "4")
    from service.config import Settings

    assert Settings().malloc_arena_max == 4


def test_limit_arenas_calls_glibc_and_is_a_no_op_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.backends import memory

    assert memory.limit_arenas(0) is False  # 0: glibc's own limit, nothing set
    assert memory.limit_arenas(8) is True  # glibc (Linux): mallopt(M_ARENA_MAX) accepts it
    monkeypatch.setattr(memory, "_glibc", lambda: None)  # musl, macOS
    assert memory.limit_arenas(2) is False and memory.release() is False
