"""Cross-request batching: concurrent callers of one model share its `generate` calls.

Every backend in the pool is wrapped in a `Batcher`. Callers hand over all their inputs at
once (all sentences of an article, all chunks of a map step); one worker thread per model
gathers what is queued, up to a padded-token budget, waiting at most `max_wait_s` for company,
sorts by length so padding stays small, and routes each output back to its caller. The oldest
queued input is always in the next batch, so nobody starves. A full queue answers 429.

A batch that fails is run again one input at a time: only the input that breaks the engine
fails, with its own error, and the callers who shared its batch get their outputs. A caller
whose deadline (see `deadline`) or generation timeout passes has its queued inputs cancelled.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from ..errors import GenerationTimeout, Overloaded, RequestTimeout
from ..observability.metrics import observe_batch, observe_queue
from . import deadline
from .base import Encoded, GenerationOptions, Seq2SeqBackend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchLimits:
    max_batch_tokens: int = 8192  # padded tokens (inputs x longest input) per generate call
    max_batch_items: int = 64
    max_wait_s: float = 0.01  # how long a lone input waits for others to join it
    max_queue: int = 4096  # queued inputs before new requests get 429
    timeout_s: float = 600.0  # a caller gives up (504) after this long


@dataclass
class _Item:
    input: Encoded
    options: GenerationOptions
    future: Future = field(default_factory=Future)
    abandoned: bool = False  # its caller gave up: not worth running again alone

    @property
    def tokens(self) -> int:
        return self.input.length


@dataclass
class BatchStats:
    batches: int = 0
    items: int = 0
    last_batch_size: int = 0
    items_per_s: float = 0.0  # exponential moving average, for Retry-After estimates


class Batcher:
    """A `Seq2SeqBackend` that batches across callers; the wrapped one does the work."""

    def __init__(
        self, inner: Seq2SeqBackend, limits: BatchLimits = BatchLimits(), *, on_idle: Callable[[], object] | None = None
    ) -> None:
        self.inner = inner
        self._on_idle = on_idle  # called after a batch that leaves the model idle (see `memory.release`)
        self.spec = inner.spec
        self.engine = inner.engine
        self.max_input_tokens = inner.max_input_tokens
        self.limits = limits
        self.stats = BatchStats()
        self.replicas = max(1, getattr(inner, "replicas", 1))
        self._queue: deque[_Item] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._idle = 0  # workers waiting for a batch (under the condition)
        self._workers = [
            threading.Thread(target=self._run, name=f"batcher-{inner.spec.key}-{index}", daemon=True)
            for index in range(self.replicas)
        ]
        for worker in self._workers:
            worker.start()

    # -- the backend interface ----------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        return self.inner.encode(texts)

    def generate(self, inputs: Sequence[Encoded], options: GenerationOptions) -> list[str]:
        if not inputs:
            return []
        deadline.check(f"generating with {self.spec.key}")
        items = [_Item(encoded, options) for encoded in inputs]
        with self._cond:
            queued = len(self._queue)
            if queued and queued + len(items) > self.limits.max_queue:
                raise Overloaded(
                    f"{self.spec.key} has {queued} inputs queued (limit {self.limits.max_queue}); retry later",
                    retry_after_s=self._retry_after(queued),
                )
            self._queue.extend(items)
            observe_queue(self.spec.key, len(self._queue))
            self._cond.notify()
        left = deadline.remaining()
        by_request = left is not None and left < self.limits.timeout_s
        ends = time.monotonic() + (left if left is not None and by_request else self.limits.timeout_s)
        try:
            return [item.future.result(timeout=max(0.0, ends - time.monotonic())) for item in items]
        except FutureTimeout:
            for item in items:
                item.abandoned = True
                item.future.cancel()  # the worker skips cancelled inputs
            if by_request:
                raise RequestTimeout(
                    f"the request passed its deadline while waiting for {self.spec.key}; its queued inputs were dropped"
                ) from None
            raise GenerationTimeout(
                f"{self.spec.key} did not finish within {self.limits.timeout_s:.0f}s (WIREBRIEF_GENERATION_TIMEOUT_S)"
            ) from None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for worker in self._workers:
            worker.join(timeout=5)

    # -- the worker ---------------------------------------------------------------------------

    def _retry_after(self, queued: int) -> int:
        rate = self.stats.items_per_s or 1.0
        return max(1, min(60, math.ceil(queued / rate)))

    def _run(self) -> None:
        while True:
            with self._cond:
                self._idle += 1
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed:
                    self._idle -= 1
                    return
                self._gather()
                batch = self._take(share=self._idle)
                self._idle -= 1
                observe_queue(self.spec.key, len(self._queue))
                if self._queue:
                    self._cond.notify()  # what is left is for the next free replica
            if batch:
                self._execute(batch)
                self._after_batch()

    def _after_batch(self) -> None:
        """The idle hook, when this batch left nothing queued and every other replica waiting for work."""
        if self._on_idle is None:
            return
        with self._cond:
            idle = not self._queue and self._idle == len(self._workers) - 1
        if idle:
            self._on_idle()

    def _gather(self) -> None:
        """Wait briefly for more inputs unless the budget is already met. Holds the condition (another
        replica may take the queue meanwhile: `_take` then finds it empty)."""
        deadline = time.monotonic() + self.limits.max_wait_s
        while self._queue and len(self._queue) < self.limits.max_batch_items and not self._closed:
            padded = len(self._queue) * max(item.tokens for item in self._queue)
            remaining = deadline - time.monotonic()
            if padded >= self.limits.max_batch_tokens or remaining <= 0:
                return
            self._cond.wait(remaining)

    def _take(self, share: int = 1) -> list[_Item]:
        """The oldest input plus its nearest-length neighbours with the same options, within budget.

        With `share` replicas free (this one included), at most a `share`-th of those inputs, so the
        others get the rest at once instead of idling while this one runs everything.
        """
        while self._queue and self._queue[0].future.cancelled():
            self._queue.popleft()
        if not self._queue:
            return []
        oldest = self._queue[0]
        peers = sorted(
            (item for item in self._queue if item.options == oldest.options and not item.future.cancelled()),
            key=lambda item: item.tokens,
        )
        low = high = next(i for i, item in enumerate(peers) if item is oldest)
        most = min(self.limits.max_batch_items, math.ceil(len(peers) / max(1, share)))

        def fits(lo: int, hi: int) -> bool:
            size = hi - lo + 1
            return size <= most and size * peers[hi].tokens <= self.limits.max_batch_tokens

        while True:  # grow the window towards whichever side keeps padding smallest
            grow_low = low > 0 and fits(low - 1, high)
            grow_high = high < len(peers) - 1 and fits(low, high + 1)
            if grow_high and (
                not grow_low or peers[high + 1].tokens - oldest.tokens <= oldest.tokens - peers[low - 1].tokens
            ):
                high += 1
            elif grow_low:
                low -= 1
            else:
                break
        batch = peers[low : high + 1]
        taken = {id(item) for item in batch}
        self._queue = deque(item for item in self._queue if id(item) not in taken)
        return [item for item in batch if item.future.set_running_or_notify_cancel()]

    def _generate(self, batch: list[_Item]) -> list[str]:
        outputs = self.inner.generate([item.input for item in batch], batch[0].options)
        if len(outputs) != len(batch):
            raise RuntimeError(f"{self.spec.key} returned {len(outputs)} outputs for {len(batch)} inputs")
        return outputs

    def _execute(self, batch: list[_Item]) -> None:
        started = time.perf_counter()
        try:
            outputs = self._generate(batch)
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].future.set_exception(exc)
                return
            log.warning(
                "%s: a batch of %d inputs failed (%s: %s); running each alone",
                self.spec.key,
                len(batch),
                type(exc).__name__,
                exc,
            )
            self._execute_alone(batch)
            return
        for item, output in zip(batch, outputs):
            item.future.set_result(output)
        elapsed = max(time.perf_counter() - started, 1e-6)
        observe_batch(self.spec.key, self.spec.task, len(batch), elapsed)
        rate = len(batch) / elapsed * self.replicas  # the model's rate: its replicas run side by side
        with self._cond:
            stats = self.stats
            stats.items_per_s = rate if not stats.batches else 0.8 * stats.items_per_s + 0.2 * rate
            stats.batches += 1
            stats.items += len(batch)
            stats.last_batch_size = len(batch)

    def _execute_alone(self, batch: list[_Item]) -> None:
        """After a failed batch: each input on its own, so an error reaches only the caller it belongs to."""
        for item in batch:
            if item.abandoned:
                item.future.set_exception(GenerationTimeout(f"abandoned by its caller ({self.spec.key})"))
                continue
            try:
                [output] = self._generate([item])
            except BaseException as exc:
                item.future.set_exception(exc)
            else:
                item.future.set_result(output)
