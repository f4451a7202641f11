"""How uvicorn serves the app: deadlines that bound slow clients, and which proxies are believed.

uvicorn's h11 protocol bounds an idle keep-alive connection, but not one whose request headers never
finish: a client sending a byte now and then (or nothing after connecting) holds its connection for good.
`BoundedH11Protocol` gives every request's headers a deadline; the body has its own (`body.read_limited`).
Forwarded headers (`X-Forwarded-For`, `-Proto`) are believed only from WIREBRIEF_FORWARDED_ALLOW_IPS, so a
client cannot pick its own address for the per-client limits.
"""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import ServerSettings

REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class BoundedH11Protocol(H11Protocol):
    """h11 with a header deadline, armed when a connection opens and after each response, disarmed once a
    request's headers are in (the app then runs under the body and request timeouts)."""

    header_timeout_s = 10.0  # set per server by `bounded_protocol`
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._arm()  # first: a pipelined request handled below disarms it again
        super().on_response_complete()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:  # a request's headers are complete
            self._disarm()

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        self.transport.write(REQUEST_TIMEOUT)  # outside h11: the request it would answer never began
        self.transport.close()


def bounded_protocol(header_timeout_s: float) -> type[H11Protocol]:
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"header_timeout_s": header_timeout_s})


def server_config(app: ASGIApp, settings: ServerSettings, *, host: str, port: int) -> uvicorn.Config:
    """uvicorn's configuration for `wirebrief serve` (and the tests that serve the app the same way)."""
    proxies = settings.forwarded_allow_ips.strip()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=bounded_protocol(settings.header_timeout_s),
        timeout_keep_alive=settings.keep_alive_timeout_s,  # type: ignore[arg-type]  # a float works (call_later)
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=None,
        access_log=False,  # our middleware writes the access lines
    )
