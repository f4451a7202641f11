"""The wheel: it carries the registry and prompts (so `pip install .` works outside the source tree, with no
path patched by hand) and none of the test kit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testkit import PROJECT_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")  # keep build/ out of the checkout
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(PROJECT_ROOT)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TMPDIR": str(build)})
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = out.glob("wirebrief-*.whl")
    return built


def test_the_wheel_ships_the_defaults_and_no_test_kit(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"service/defaults/registry.toml", "service/defaults/prompts/styles.toml",
            "service/defaults/prompts/templates.toml", "service/text/boilerplate.toml",
            "service/text/abbreviations.toml", "service/api/static/editor/index.html",
            "service/api/static/editor/editor.css", "service/api/static/editor/js/main.js"} <= names
    assert not any(name.startswith(("testkit/", "tests/", "bench/", "evals/", "service/testing/")) for name in names)


def test_an_installed_wheel_finds_its_data_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
                           str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import service, json; from service.config import Settings; from service.registry import Registry; "
            "from service.summarize import Prompts; s = Settings(); r = Registry.load(s.registry_path); "
            "p = Prompts.load(s.prompts_dir); "
            "print(json.dumps([service.__file__, str(s.registry_path), len(r.models), p.default_style]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREBRIEF_")}
    env["PYTHONPATH"] = str(target)
    done = subprocess.run([sys.executable, "-c", code],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    module, registry, models, style = json.loads(done.stdout.splitlines()[-1])
    assert module.startswith(str(target)) and registry.startswith(str(target)), "the installed copy, not the tree"
    assert models >= 3 and style
