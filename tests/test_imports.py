"""Imports follow the layers: each entry point imports on its own in a fresh interpreter (no cycle hides behind
another module having been imported first, as it does inside one pytest process), lower layers never load the
HTTP stack, and the import-linter contract in pyproject.toml holds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import PROJECT_ROOT

ENTRY_POINTS = ["service.auth.keys", "service.auth.cli", "service.api.openapi", "service.api.app",
                "service.common.clock", "service.contracts.views", "service.jobs.store", "service.jobs.runner",
                "service.webhooks.sender", "service.distributed.worker", "service.distributed.tasks", "service.db",
                "service.migrations", "service.cli"]

#: modules below the HTTP layer, and the packages they must not pull in
LIGHT = {"service.common.clock": ("fastapi", "starlette", "service.api", "service.jobs", "sqlalchemy"),
         "service.jobs.store": ("fastapi", "starlette", "service.api"),
         "service.jobs.runner": ("fastapi", "starlette", "service.api"),
         "service.webhooks.sender": ("fastapi", "service.api"),
         "service.contracts.views": ("fastapi", "starlette", "service.api", "service.jobs"),
         "service.pipeline": ("fastapi", "starlette", "service.api", "service.contracts", "sqlalchemy"),
         # scikit-learn (~80 MB) loads when the desk first files or writes a brief, not with the server;
         # trafilatura (18 MB) with the first HTML page, numpy (12) with the first extractive summary, and
         # transformers (20) only with a tokenizer sentencepiece alone cannot reproduce (BART's)
         "service.api.app": ("sklearn", "trafilatura", "numpy", "transformers", "torch"),
         "service.distributed.tasks": ("sklearn",)}


def _loaded_after(module: str) -> list[str]:
    code = f"import sys, json; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_module_imports_first(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("module", sorted(LIGHT))
def test_lower_layers_do_not_load_the_layers_above(module: str) -> None:
    loaded = _loaded_after(module)
    pulled = sorted(name for name in loaded for banned in LIGHT[module] if name == banned
                    or name.startswith(banned + "."))
    assert pulled == [], f"importing {module} loads {pulled[:10]}"


def test_the_layer_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [shutil.which("lint-imports") or "lint-imports"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout
