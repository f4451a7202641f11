"""A real `wirebrief serve` in a subprocess on 127.0.0.1, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from service.config import Settings


def settings_env(settings: Settings) -> dict[str, str]:
    """This environment plus every setting as `WIREBRIEF_*`, so a child process sees exactly `settings`, offline."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.update({f"WIREBRIEF_{k.upper()}": str(v) for k, v in settings.model_dump().items()})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, timeout_s: float) -> None:
    """Poll /health until it answers 200; bounded in time, loopback only."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base} did not become healthy within {timeout_s:.0f}s")


@contextmanager
def running_server(
    env: dict[str, str],
    cwd: Path,
    *,
    port: int | None = None,
    startup_timeout_s: float = 120,
    output: int | None = subprocess.DEVNULL,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `python -m service.cli serve` with `env`, yield (base URL, process), stop it after."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT if output else output,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, startup_timeout_s)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
