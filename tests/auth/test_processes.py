"""Two real `wirebrief serve` processes sharing one Redis and one database: one limit, one set of keys."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx

from auth.support import bearer, detect
from service.config import Settings
from testkit import PROJECT_ROOT
from testkit.live import running_server

PER_MINUTE = 5
TEXT = "The council met on Tuesday to discuss the budget."


def test_limit_and_keys_are_shared_across_processes(settings: Settings, redis_server,  # noqa: ANN001
                                                     tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path), "WIREBRIEF_MODELS_DIR": str(settings.models_dir),
           "WIREBRIEF_DATA_DIR": str(tmp_path / "data"),
           "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
           "WIREBRIEF_JOB_WORKERS": "0", "WIREBRIEF_WEBHOOK_WORKERS": "0", "WIREBRIEF_AUTH_REQUIRED": "true",
           "WIREBRIEF_RATE_LIMIT_PER_MINUTE": str(PER_MINUTE), "WIREBRIEF_RATE_LIMIT_STORAGE_URL": redis_server.url}
    created = subprocess.run([sys.executable, "-m", "service.cli", "keys", "create", "--name", "cms"], env=env,
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()

    with ExitStack() as stack:
        bases = [stack.enter_context(running_server(env, PROJECT_ROOT, startup_timeout_s=60))[0] for _ in range(2)]
        clients = [stack.enter_context(httpx.Client(base_url=base, timeout=30)) for base in bases]
        first, second = clients

        assert detect(first, TEXT).status_code == 401  # auth is on in both
        # PER_MINUTE - 1 article requests spread over both, then the usage call: all within the one limit
        statuses = [detect(clients[i % 2], TEXT, key).status_code for i in range(PER_MINUTE - 1)]
        assert statuses == [200] * (PER_MINUTE - 1)
        usage = second.get("/v1/usage", headers=bearer(key))
        assert usage.status_code == 200
        assert usage.json()["requests"] == PER_MINUTE - 1  # usage from both processes, in the shared database
        assert usage.json()["character_count"] == (PER_MINUTE - 1) * len(TEXT)

        for client in clients:  # the limit is spent in total: the next request fails on either process
            refused = detect(client, TEXT, key)
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
            assert 1 <= int(refused.headers["retry-after"]) <= 60
