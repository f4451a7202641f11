"""The command line as a user meets it: a mistake is one line on stderr and an exit code (2: the command line or the
configuration, 1: some work failed), never a traceback unless `--verbose`; library chatter stays off the terminal;
every `--json` is one JSON document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENGLISH_SEEDS, NORWEGIAN_SEED
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.main import get_command
from typer.testing import CliRunner

from service import cli
from service.config import Settings, get_settings
from testkit import PROJECT_ROOT
from testkit.live import free_port

WIREBRIEF = [sys.executable, "-m", "service.cli"]
NORWEGIAN_SHORT = "Nato sier nei til forslaget. Det er ikke bekreftet av regjeringen i Oslo.\n"


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "WIREBRIEF_REGISTRY_PATH": str(settings.registry_path),
            "WIREBRIEF_MODELS_DIR": str(settings.models_dir), "WIREBRIEF_DATA_DIR": str(settings.data_dir), **extra}


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*WIREBRIEF, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture()
def latin1(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café était très bon, selon le maire de la ville.\n".encode("latin-1"))
    return path


# -- per-file errors, and nothing else on the terminal ----------------------------------------------------

def test_process_reports_each_failing_file_and_processes_the_rest(settings, tmp_path: Path, latin1: Path) -> None:
    """The Norwegian seed is long: the summarizer's tokenizer warns about its length and transformers draws
    progress bars while it loads the models; none of that may reach the terminal, only each failure's line."""
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    files = [latin1, NORWEGIAN_SEED, empty, ENGLISH_SEEDS[0]]
    result = _run(["process", *map(str, files)], _env(settings))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{latin1}: unreadable_file: not utf-8 text (byte 6 is 0xe9); give the file's encoding, "
        "e.g. --encoding latin-1",
        f"{empty}: empty_text: text is empty or only whitespace and control characters",
        "2 processed, 2 failed",
    ]
    assert [line for line in result.stdout.splitlines() if line.startswith("== ")] == [
        f"== {NORWEGIAN_SEED}", f"== {ENGLISH_SEEDS[0]}"]


def test_verbose_shows_library_logs_and_the_encoding_option_reads_the_file(settings, latin1: Path) -> None:
    norwegian = latin1.with_name("kort.txt")
    norwegian.write_text(NORWEGIAN_SHORT)
    quiet = _run(["process", str(norwegian), "--method", "extractive"], _env(settings))
    loud = _run(["process", str(norwegian), "--method", "extractive", "--verbose"], _env(settings))
    assert quiet.returncode == loud.returncode == 0, loud.stderr
    assert quiet.stderr == "" and quiet.stdout == loud.stdout
    assert "Loading weights" in loud.stderr and "INFO service.backends.pool: loaded opus-mt-gmq-en" in loud.stderr

    decoded = _run(["process", str(latin1), "--encoding", "latin-1", "--method", "extractive"], _env(settings))
    assert decoded.returncode == 0, decoded.stderr
    assert "language: French (fr" in decoded.stdout


def test_translation_and_progress_are_shown_on_request(settings, tmp_path: Path, monkeypatch) -> None:
    norwegian = tmp_path / "kort.txt"
    norwegian.write_text(NORWEGIAN_SHORT)
    monkeypatch.setenv("WIREBRIEF_REGISTRY_PATH", str(settings.registry_path))
    monkeypatch.setenv("WIREBRIEF_MODELS_DIR", str(settings.models_dir))
    get_settings.cache_clear()
    try:
        plain = CliRunner().invoke(cli.app, ["process", str(norwegian), "--method", "extractive"])
        shown = CliRunner().invoke(cli.app, ["process", str(norwegian), "--method", "extractive", "--translation",
                                             "--progress"])
    finally:
        get_settings.cache_clear()
    assert plain.exit_code == shown.exit_code == 0, shown.output
    assert "translation:" not in plain.stdout and plain.stderr == "", "no bar unless stderr is a terminal"
    lines = shown.stdout.splitlines()
    start = lines.index("translation:")
    assert lines[start - 1].startswith("translated by Helsinki-NLP/opus-mt-gmq-en: 2 sentences")
    assert lines[start + 1].startswith("  ") and lines[start + 2].startswith("headline: ")
    assert "/1 [" in shown.stderr and "kort.txt" in shown.stderr  # tqdm's bar (of 1 file), with the file it is on


# -- usage and configuration mistakes: one line, exit 2 --------------------------------------------------

@pytest.mark.parametrize(("args", "says"), [
    (["process", "/no/such/file.txt"], "process: Invalid value for 'files': file '/no/such/file.txt' does not exist"),
    (["process", "--bogus"], "process: No such option: --bogus"),
    (["process", str(NORWEGIAN_SEED), "--method", "nope"], "Invalid value for --method: abstractive or extractive"),
    (["process", str(NORWEGIAN_SEED), "--style", "nope"], "Invalid value for --style: unknown summary style 'nope'"),
    (["process", str(NORWEGIAN_SEED), "--source-lang", "xx"], "Invalid value for --source-lang: unknown language"),
    (["process", str(NORWEGIAN_SEED), "--encoding", "nope"], "Invalid value for --encoding: no such encoding"),
    (["models", "pull", "--lang", "xx"], "Invalid value for --lang: unknown language code 'xx'; `"),
    (["models", "pull", "--model", "nope"], "Invalid value for --model: no model 'nope'"),
    (["procss"], "No such command 'procss'. Did you mean 'process'?"),
])
def test_usage_mistakes_are_one_line_and_exit_2(settings, args: list[str], says: str) -> None:
    result = _run(args, _env(settings), timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert says in line and line.endswith("--help`)")


@pytest.mark.parametrize(("env", "says"), [
    ({"WIREBRIEF_PORT": "abc", "WIREBRIEF_JOB_WORKERS": "-1"},
     "wirebrief: bad configuration: WIREBRIEF_JOB_WORKERS='-1': Input should be greater than or equal to 0; "
     "WIREBRIEF_PORT='abc': Input should be a valid integer, unable to parse string as an integer"),
    ({"WIREBRIEF_REGISTRY_PATH": "/no/such/registry.toml"},
     "wirebrief: bad model registry (WIREBRIEF_REGISTRY_PATH): cannot read model registry /no/such/registry.toml: "
     "[Errno 2] No such file or directory: '/no/such/registry.toml'"),
])
def test_configuration_mistakes_are_one_line_and_exit_2(settings, env: dict[str, str], says: str) -> None:
    result = _run(["models", "list"], _env(settings, **env), timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", says + "\n")
    verbose = _run(["models", "list", "--verbose"], _env(settings, **env), timeout=60)
    assert verbose.returncode == 1 and "Traceback (most recent call last)" in verbose.stderr


def test_a_broken_registry_file_is_one_line(settings, tmp_path: Path) -> None:
    broken = tmp_path / "registry.toml"
    broken.write_text("summarizer = [unclosed\n")
    result = _run(["process", str(NORWEGIAN_SEED)], _env(settings, WIREBRIEF_REGISTRY_PATH=str(broken)), timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("wirebrief: bad model registry (WIREBRIEF_REGISTRY_PATH): "
                           f"cannot read model registry {broken}")


def test_an_unreachable_hub_is_one_line_per_model_and_exit_1(settings) -> None:
    env = {k: v for k, v in _env(settings).items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["HF_ENDPOINT"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there: refused at once
    result = _run(["models", "pull", "--model", "opus-mt-de-en"], env, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("opus-mt-de-en: could not fetch Helsinki-NLP/opus-mt-de-en from the Hugging Face hub")


# -- the error boundary, as data --------------------------------------------------------------------------

@given(st.lists(st.sampled_from(["process", "a.txt", "--json", "--", "--verbose"]), max_size=8))
def test_verbose_is_hoisted_from_anywhere_before_a_double_dash(args: list[str]) -> None:
    hoisted, verbose = cli.hoist_verbose(args)
    end = args.index("--") if "--" in args else len(args)
    assert verbose == ("--verbose" in args[:end])
    if verbose:
        assert hoisted[0] == "--verbose"
        assert hoisted[1:] == [a for a in args[:end] if a != "--verbose"] + args[end:]
    else:
        assert hoisted == args


def test_settings_errors_name_the_variables() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(port="x", summary_method="both")  # type: ignore[arg-type]
    message, code = cli.describe_failure(caught.value)
    assert code == 2
    assert message == ("bad configuration: WIREBRIEF_SUMMARY_METHOD='both': Input should be 'abstractive' or "
                       "'extractive'; WIREBRIEF_PORT='x': Input should be a valid integer, unable to parse string as "
                       "an integer")


# -- --json: one document everywhere ------------------------------------------------------------------------

def _json_commands() -> set[str]:
    """Every command with a --json option, as `models list`."""
    found: set[str] = set()

    def walk(command, path: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))
        if any("--json" in getattr(param, "opts", ()) for param in command.params):
            found.add(" ".join(path))

    walk(get_command(cli.app), ())
    return found


def test_every_json_output_is_one_document(settings, tmp_path: Path, latin1: Path, monkeypatch) -> None:
    assert _json_commands() == {"process", "models list", "keys list"}, "a new --json command: test it here"
    monkeypatch.setenv("WIREBRIEF_REGISTRY_PATH", str(settings.registry_path))
    monkeypatch.setenv("WIREBRIEF_MODELS_DIR", str(settings.models_dir))
    monkeypatch.setenv("WIREBRIEF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WIREBRIEF_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        runner.invoke(cli.app, ["keys", "create", "--name", "cms"])
        processed = runner.invoke(cli.app, ["process", str(ENGLISH_SEEDS[0]), str(latin1), "--json",
                                            "--method", "extractive"])
        models = runner.invoke(cli.app, ["models", "list", "--json"])
        keys = runner.invoke(cli.app, ["keys", "list", "--json"])
    finally:
        get_settings.cache_clear()
    assert processed.exit_code == 1
    entries = json.loads(processed.stdout)["data"]
    assert [(e["type"], e["file"]) for e in entries] == [("result", str(ENGLISH_SEEDS[0])), ("error", str(latin1))]
    assert entries[0]["result"]["summary"]["method"] == "extractive"
    assert entries[1]["error"]["code"] == "unreadable_file" and set(entries[1]) == {"type", "file", "error"}
    assert [row["key"] for row in json.loads(models.stdout)["data"]] == ["opus-mt-gmq-en", "opus-mt-de-en",
                                                                           "opus-mt-mul-en", "distilbart-cnn"]
    assert [key["name"] for key in json.loads(keys.stdout)["data"]] == ["cms"]
