"""Admission: a bound on model requests in flight, so overload is refused at once, not queued for a thread.

Without it a burst waits for one of the server's worker threads before the batcher's bounded queue can
refuse it, so even a 429 takes seconds. Past `max_inflight_requests`, a request that would run a model
is answered `429 overloaded` with `Retry-After` straight away; everything else (health, jobs, results,
metrics) is never held back by it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import Overloaded
from .errors import render

#: The routes that run models (or detection over a whole article) synchronously inside the request.
MODEL_ROUTES = frozenset({"/v1/articles", "/v1/detect", "/v1/translate", "/v1/summarize"})
RETRY_AFTER_S = 1


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.inflight = 0  # one event loop: plain counting is safe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.limit or scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in MODEL_ROUTES:
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.limit:
            refusal = Overloaded(
                f"{self.inflight} model requests are in flight (limit {self.limit}, "
                "WIREBRIEF_MAX_INFLIGHT_REQUESTS); retry shortly",
                retry_after_s=RETRY_AFTER_S,
            )
            await render(refusal, scope["path"])(scope, receive, send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1
