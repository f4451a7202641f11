"""Each entry-point module imports on its own in a fresh interpreter (no import cycle hides behind
another module having been imported first, as it does inside one pytest process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.config import PROJECT_ROOT

ENTRY_POINTS = ["service.auth.keys", "service.auth.cli", "service.api.openapi", "service.jobs.common",
                "service.distributed.worker", "service.db", "service.cli"]


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_module_imports_first(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
