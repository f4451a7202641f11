"""The `wirebrief` command: serve the API, process files, manage models.

A user's mistake is one line on stderr and an exit code, never a traceback: 0 done, 1 some work failed, 2 the
command line or the configuration is wrong (nothing was done). `--verbose` (anywhere on the line) shows
tracebacks and the libraries' logs, which are otherwise kept off the terminal. Every `--json` prints exactly
one JSON document on stdout: a list as `{"data": [...]}`, like the API's list envelope.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer
from pydantic import ValidationError
from tqdm import tqdm
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from .auth.cli import keys_app
from .config import Settings, get_settings
from .errors import UnknownStyle, UnsupportedLanguage, WirebriefError
from .languages import normalize_code
from .modelstore import (
    Coverage,
    PullError,
    cli_command,
    coverage,
    fetch_hint,
    locate,
    plan_download,
    present_keys,
    pull,
)
from .registry import ModelSpec, Registry, RegistryError

if TYPE_CHECKING:
    from .pipeline import Pipeline

FAILED, USAGE = 1, 2  # exit codes; 0 is success
VERBOSE = "--verbose"
SERVERS = ("serve", "worker")  # they log as servers do (WIREBRIEF_LOG_FORMAT), not as a terminal tool


class CliGroup(TyperGroup):
    """The root command and its error boundary: every failure that reaches it becomes one line and an exit code
    (`--verbose`: the traceback instead)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv, verbose = hoist_verbose(list(sys.argv[1:] if args is None else args))
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()
            code = USAGE
        except UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "wirebrief"
            _error(f"{where}: {exc.format_message()} (see `{where} --help`)")
            code = USAGE
        except typer.TyperException as exc:  # other click errors (an unreadable file argument ...)
            _error(f"wirebrief: {exc.format_message()}")
            code = exc.exit_code
        except typer.Abort:
            _error("wirebrief: aborted")
            code = FAILED
        except Exception as exc:
            if verbose:
                raise
            message, code = describe_failure(exc)
            _error(f"wirebrief: {message}")
        sys.exit(code if isinstance(code, int) else 0)


def hoist_verbose(args: list[str]) -> tuple[list[str], bool]:
    """`--verbose` is the root command's option, but people type it after the command (`process a.txt
    --verbose`): wherever it is (before a `--`), it is moved to the front."""
    end = args.index("--") if "--" in args else len(args)
    if VERBOSE not in args[:end]:
        return args, False
    return [VERBOSE, *(a for i, a in enumerate(args) if i >= end or a != VERBOSE)], True


def describe_failure(exc: Exception) -> tuple[str, int]:
    """One line for a failure no command handled, and its exit code."""
    if isinstance(exc, WirebriefError):
        return f"{exc.code}: {exc.message}", FAILED
    if isinstance(exc, RegistryError):
        return f"bad model registry (WIREBRIEF_REGISTRY_PATH): {exc}", USAGE
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return f"bad configuration: {settings_problems(exc)}", USAGE
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", FAILED
    return f"unexpected error: {type(exc).__name__}: {exc} (`--verbose` shows the traceback)", FAILED


def settings_problems(exc: ValidationError) -> str:
    """`WIREBRIEF_PORT='abc': Input should be a valid integer ...` for each bad setting."""
    problems = []
    for error in exc.errors():
        name = f"WIREBRIEF_{str(error['loc'][0]).upper()}" if error["loc"] else "the settings"
        given = f"={error['input']!r}" if isinstance(error.get("input"), str | int | float) else ""
        problems.append(f"{name}{given}: {error['msg']}")
    return "; ".join(problems)


def _error(line: str) -> None:
    with tqdm.external_write_mode(file=sys.stderr):  # a progress bar, if any, is redrawn after the line
        typer.secho(" ".join(line.split("\n")), fg="red", err=True)


def configure_output(verbose: bool) -> None:
    """Verbose: log records (ours and the libraries') go to stderr. Otherwise library chatter stays off the
    terminal: transformers' progress bars and warnings ("Token indices sequence length ..."), Python warnings
    (torch's), and log records; what matters reaches the user as the command's own lines."""
    root = logging.getLogger()
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        return
    warnings.simplefilter("ignore")
    if not root.handlers:  # with no handler at all, Python prints warnings and errors (and their tracebacks)
        root.addHandler(logging.NullHandler())
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # read when transformers is imported
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()  # transformers' bars follow the hub's setting when it is imported
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()


app = typer.Typer(
    cls=CliGroup,
    help="wirebrief: clean, detect, translate and summarize news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # `--verbose` prints a plain traceback
)
models_app = typer.Typer(help="List, fetch and check the models in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")


@app.callback()
def root(
    ctx: typer.Context,
    verbose: bool = typer.Option(
        False, VERBOSE, help="Show tracebacks and the libraries' logs and warnings (accepted anywhere on the line)."
    ),
) -> None:
    """wirebrief: clean, detect, translate and summarize news articles."""
    if ctx.invoked_subcommand not in SERVERS:
        configure_output(verbose)


def _registry() -> Registry:
    settings = get_settings()
    return Registry.load(settings.registry_path, settings.models.summarizer)


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Default: WIREBRIEF_HOST (127.0.0.1)."),
    port: int | None = typer.Option(None, help="Default: WIREBRIEF_PORT (8000)."),
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from .api.app import create_app
    from .api.server import server_config
    from .observability import logs

    settings = get_settings()
    logs.configure(settings.observability)  # uvicorn's loggers too: it is told below to leave logging alone
    registry = _registry()
    for line, colour in _coverage_lines(registry, _coverage(registry, settings), settings.models_dir):
        typer.secho(line, fg=colour, err=True)
    config = server_config(
        create_app(settings), settings.server, host=host or settings.host, port=port or settings.port
    )
    uvicorn.Server(config).run()


def _coverage(registry: Registry, settings: Settings) -> Coverage:
    return coverage(
        registry, present_keys(registry, settings.models_dir), needs_summarizer=settings.summary_method == "abstractive"
    )


def _coverage_lines(registry: Registry, covered: Coverage, models_dir: Path) -> list[tuple[str, str]]:
    """What is missing, and whether it matters: (line, colour) for the start-up log and `models check`."""
    catch_all = registry.catch_all
    lines = []
    for spec in covered.missing:
        hint = fetch_hint(spec, models_dir)
        if spec in covered.blocking:
            lines.append((f"model missing: {spec.key} ({spec.model_id}): {hint}", "red"))
            continue
        if spec.task == "translation" and catch_all is not None:
            meanwhile = f"{catch_all.key} translates {', '.join(spec.languages)} meanwhile"
        else:
            meanwhile = "summaries are extractive"
        lines.append((f"model missing (optional): {spec.key}: {meanwhile}; {hint}", "yellow"))
    if covered.unserved:
        unserved = ", ".join(covered.unserved)
        line = (
            f"no present model translates {unserved}: such requests answer 503 model_unavailable; "
            f"`{cli_command()} models pull` fetches the default set"
        )
        lines.append((line, "red"))
    return lines


def _method(value: str | None) -> Literal["abstractive", "extractive"] | None:
    if value is None:
        return None
    if value == "abstractive":
        return "abstractive"
    if value == "extractive":
        return "extractive"
    raise typer.BadParameter(f"abstractive or extractive, not {value!r}", param_hint="--method")


class UnreadableFile(WirebriefError):
    """A file `process` cannot read as text: reported for that file, the others are still processed."""

    code = "unreadable_file"


def read_article(path: Path, encoding: str) -> str:
    """The file's text in `encoding` (a leading byte order mark dropped); one clear error when it is not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from exc
    try:
        return raw.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"not {encoding} text (byte {exc.start} is 0x{raw[exc.start]:02x}); give the file's encoding, "
            "e.g. --encoding latin-1"
        ) from exc


@app.command()
def process(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="Article text files."),
    as_json: bool = typer.Option(False, "--json", help='Print one JSON document: {"data": [an entry per file]}.'),
    out: Path | None = typer.Option(None, help="Also write FILE.json results into this folder."),
    source_lang: str | None = typer.Option(None, help="Skip detection: ISO 639-1 code."),
    style: str | None = typer.Option(None, help="Summary style: brief | standard | bullets."),
    method: str | None = typer.Option(None, help="abstractive | extractive."),
    translation: bool = typer.Option(False, "--translation", help="Also print the English translation."),
    encoding: str = typer.Option("utf-8", help="The files' text encoding (latin-1, cp1252 ...)."),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="A progress bar on stderr (default: when stderr is a terminal)."
    ),
) -> None:
    """Run articles through the whole pipeline.

    A file that fails is reported (file, error code, message) and the others are still processed; the exit code
    is then 1.
    """
    from .contracts import views
    from .pipeline import ArticleRequest, Pipeline, SummaryRequest

    summary = SummaryRequest(style=style, method=_method(method))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise typer.BadParameter(f"no such encoding: {encoding!r}", param_hint="--encoding") from None
    pipeline = Pipeline.from_settings(get_settings())
    try:  # the options all files share are checked once, before any model work
        pipeline.prompts.style(style)
    except UnknownStyle as exc:
        raise typer.BadParameter(exc.message, param_hint="--style") from None
    lang = _source_lang(pipeline, source_lang)
    if out:
        out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(files, unit="file", file=sys.stderr, disable=not show, dynamic_ncols=True, leave=False) as bar:
        for path in bar:
            bar.set_postfix_str(path.name, refresh=True)
            try:
                raw = read_article(path, encoding)
                result = pipeline.process(ArticleRequest(text=raw, source_lang=lang, summary=summary))
            except Exception as exc:  # this file failed; the next ones may not
                error = exc if isinstance(exc, WirebriefError) else _unexpected(exc, path)
                entries.append(
                    {"type": "error", "file": str(path), "error": {"code": error.code, "message": error.message}}
                )
                _error(f"{path}: {error.code}: {error.message}")
                continue
            payload = views.article(result, raw).model_dump()
            entries.append({"type": "result", "file": str(path), "result": payload})
            if out:
                (out / f"{path.stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
            if not as_json:
                with tqdm.external_write_mode(file=sys.stderr):
                    typer.echo(_readable(path, payload, translation=translation))
    failed = sum(entry["type"] == "error" for entry in entries)
    if as_json:
        typer.echo(json.dumps({"data": entries}, ensure_ascii=False))
    if len(files) > 1:
        typer.echo(f"{len(files) - failed} processed, {failed} failed", err=True)
    raise typer.Exit(FAILED if failed else 0)


def _source_lang(pipeline: Pipeline, code: str | None) -> str | None:
    """`--source-lang` checked: an unknown code is a usage error; a language no present model translates fails
    once here, not once per file."""
    if code is None:
        return None
    try:
        lang = normalize_code(code)
        pipeline.plan(lang, None)
    except UnsupportedLanguage as exc:
        raise _bad_language(exc, "--source-lang") from None
    return lang


def _bad_language(exc: UnsupportedLanguage, option: str) -> typer.BadParameter:
    """The language error with the command that lists languages (not the API's route its message names)."""
    what = exc.message.split(";")[0]
    return typer.BadParameter(
        f"{what}; `{cli_command()} models list` shows the configured languages", param_hint=option
    )


def _unexpected(exc: Exception, path: Path) -> WirebriefError:
    """An error that is our bug, for one file: its line says so, `--verbose` logs the traceback."""
    logging.getLogger(__name__).error("processing %s failed", path, exc_info=exc)
    return WirebriefError(f"unexpected error: {type(exc).__name__}: {exc} (`--verbose` shows the traceback)")


def _readable(path: Path, payload: dict, *, translation: bool = False) -> str:
    lang = payload["language"]
    lines = [
        f"== {path}",
        f"language: {lang['name']} ({lang['code']}, {lang['confidence']:.2f})",
        f"removed:  {len(payload['cleaning']['removed'])} boilerplate item(s)",
    ]
    if payload["translation"]:
        t = payload["translation"]
        lines.append(f"translated by {t['model']}: {t['sentences']} sentences in {t['chunks']} chunks")
        if translation:
            lines += ["translation:", *(f"  {line}" if line else "" for line in t["text"].splitlines())]
    elif translation:
        lines.append("translation: none (the article is in English)")
    if payload["summary"]:
        s = payload["summary"]
        lines += [
            f"headline: {s['headline']}",
            f"summary ({s['method']}, {s['style']}, {s['word_count']} words):",
            f"  {s['summary']}",
            "key points:",
            *[f"  - {p}" for p in s["key_points"]],
        ]
    lines += [f"warning: {w}" for w in payload["warnings"]]
    return "\n".join(lines)


@models_app.command("list")
def models_list(
    as_json: bool = typer.Option(False, "--json", help='One JSON document: {"data": [a row per model]}.'),
) -> None:
    """What is configured, whether it is on disk, and its size."""
    settings = get_settings()
    rows: list[dict[str, Any]] = []
    for spec in _registry().models.values():
        where = locate(spec, settings.models_dir)
        rows.append(
            {
                "key": spec.key,
                "task": spec.task,
                "model_id": spec.model_id,
                "present": where.present,
                "size_mb": round(where.size_bytes / 2**20, 1),
                "path": str(where.path) if where.path else None,
                "languages": list(spec.languages),
            }
        )
    if as_json:
        typer.echo(json.dumps({"data": rows}, indent=2))
        return
    for row in rows:
        state = f"present {row['size_mb']:>8.1f} MB" if row["present"] else "missing"
        langs = ",".join(row["languages"])
        typer.echo(f"{row['key']:<18} {row['task']:<13} {state:<20} {row['model_id']}  {langs}")


def _selected(registry: Registry, lang: str | None, model: str | None, all_models: bool) -> list[ModelSpec]:
    if model:
        if model not in registry.models:
            raise typer.BadParameter(f"no model {model!r}; see `{cli_command()} models list`", param_hint="--model")
        return [registry.models[model]]
    if lang:
        try:
            return [registry.translator_for(lang)]
        except UnsupportedLanguage as exc:
            raise _bad_language(exc, "--lang") from None
    if all_models:
        return list(registry.models.values())
    return registry.defaults  # the registry's `defaults`: what a fresh machine (`make run`) needs


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


@models_app.command("pull")
def models_pull(
    lang: str | None = typer.Option(None, help="Fetch the model that serves this language."),
    model: str | None = typer.Option(None, help="Fetch this registry entry."),
    all_models: bool = typer.Option(False, "--all", help="Fetch every configured model."),
    missing_only: bool = typer.Option(True, help="Skip models already on disk."),
) -> None:
    """Fetch models from the Hugging Face hub into the models folder (WIREBRIEF_MODELS_DIR).

    With no option: the registry's default set. Sizes are asked of the hub first, then each download shows
    its progress.
    """
    from huggingface_hub.utils import enable_progress_bars

    enable_progress_bars()  # the downloads' bars are this command's progress
    settings = get_settings()
    failed = 0
    downloads = []
    for spec in _selected(_registry(), lang, model, all_models):
        if missing_only and locate(spec, settings.models_dir).present:
            typer.echo(f"{spec.key}: present")
            continue
        try:
            download = plan_download(spec, settings.models_dir, timeout_s=settings.hub_timeout_s)
        except PullError as exc:
            failed += 1
            typer.secho(f"{spec.key}: {exc}", fg="red", err=True)
            continue
        downloads.append(download)
        typer.echo(f"{spec.key}: {spec.model_id}, {len(download.files)} files, {_megabytes(download.size_bytes)}")
    if len(downloads) > 1:
        typer.echo(f"fetching {len(downloads)} models, {_megabytes(sum(d.size_bytes for d in downloads))} in all")
    for download in downloads:
        typer.echo(f"{download.spec.key}: fetching {_megabytes(download.size_bytes)} ...")
        try:
            path = pull(download, settings.models_dir, timeout_s=settings.hub_timeout_s)
        except PullError as exc:
            failed += 1
            typer.secho(f"{download.spec.key}: {exc}", fg="red", err=True)
            continue
        typer.echo(f"{download.spec.key}: saved to {path}")
    raise typer.Exit(1 if failed else 0)


@models_app.command("check")
def models_check() -> None:
    """Load every present model and run one tiny generation. Exit 1 if a present model is broken or a language
    has no present model; missing optional models (the catch-all stands in) are warnings."""
    from .backends.base import GenerationOptions
    from .backends.pool import ModelPool

    settings = get_settings()
    registry = _registry()
    covered = _coverage(registry, settings)
    pool = ModelPool(registry, settings.models)
    bad = 0
    for spec in registry.models.values():
        if spec in covered.missing:
            continue
        try:
            backend = pool.get(spec)
            [output] = backend.generate(backend.encode(["Hei."]), GenerationOptions(max_new_tokens=8, num_beams=1))
        except Exception as exc:  # this model is broken; the next ones may not be
            bad += 1
            message = exc.message if isinstance(exc, WirebriefError) else f"{type(exc).__name__}: {exc}"
            typer.secho(f"{spec.key}: {message}", fg="red")
            continue
        typer.secho(
            f"{spec.key}: ok ({backend.engine}, loaded in {pool.load_seconds[spec.key]:.1f}s, "
            f"max input {backend.max_input_tokens} tokens, sample {output[:40]!r})",
            fg="green",
        )
    for line, colour in _coverage_lines(registry, covered, settings.models_dir):
        typer.secho(line, fg=colour)
    raise typer.Exit(1 if bad or not covered.ready else 0)


@models_app.command("convert")
def models_convert(
    model: str | None = typer.Option(None, help="Convert this registry entry."),
    lang: str | None = typer.Option(None, help="Convert the model that serves this language."),
    all_models: bool = typer.Option(False, "--all", help="Convert every present model."),
    quantization: str | None = typer.Option(
        None, help="int8, int8_float16, float16, float32 (default: WIREBRIEF_CT2_QUANTIZATION)."
    ),
) -> None:
    """Convert present models to CTranslate2 (int8 on CPU); `auto` engine then serves them."""
    from .modelstore import convert

    settings = get_settings()
    registry = _registry()
    chosen = quantization or settings.quantization()
    failed = 0
    for spec in _selected(registry, lang, model, all_models):
        where = locate(spec, settings.models_dir)
        if where.path is None:
            failed += 1
            typer.secho(f"{spec.key}: not on disk; {fetch_hint(spec, settings.models_dir)}", fg="red", err=True)
            continue
        try:
            target = convert(spec, where.path, settings.models_dir, chosen)
        except Exception as exc:
            failed += 1
            typer.secho(f"{spec.key}: conversion failed: {type(exc).__name__}: {exc}", fg="red", err=True)
            continue
        typer.echo(f"{spec.key}: {chosen} model written to {target}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def batch(
    input_file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="JSONL: one {custom_id, text, ...} per line."
    ),
    out: Path = typer.Option(..., "--out", help="Results JSONL, one line per item, in input order."),
    workers: int | None = typer.Option(None, help="Worker threads (default: WIREBRIEF_JOB_WORKERS)."),
) -> None:
    """Run a batch job locally with a progress bar; re-run the same command to resume after an interruption."""
    from .jobs.local import run_batch

    raise typer.Exit(run_batch(input_file, out, get_settings(), workers=workers))


@app.command()
def worker(
    concurrency: int | None = typer.Option(None, help="Child processes; default WIREBRIEF_WORKER_CONCURRENCY."),
    loglevel: str | None = typer.Option(None, help="Default: WIREBRIEF_LOG_LEVEL (INFO)."),
) -> None:
    """Run job items and webhook deliveries from the queue (distributed mode: WIREBRIEF_BROKER_URL)."""
    from .distributed.worker import run_worker

    settings = get_settings()
    if concurrency:
        settings = settings.model_copy(update={"worker_concurrency": concurrency})
    run_worker(settings, loglevel=loglevel or settings.log_level)


db_app = typer.Typer(help="The job database: migrations and integrity.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply the Alembic migrations (SQLite or PostgreSQL, from WIREBRIEF_DATABASE_URL)."""
    from .db import Database

    database = Database.from_settings(get_settings().storage)
    database.upgrade(revision)
    typer.echo(f"database at revision {database.revision()}")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from .db import Database

    typer.echo(Database.from_settings(get_settings().storage).revision() or "none")


@db_app.command("check")
def db_check() -> None:
    """Check the database: SQLite `PRAGMA integrity_check`; PostgreSQL: connect and read from each table.

    Exits 0 when intact, 1 when corrupt or unreachable (each problem on its own line).
    """
    from .db import Database

    database = Database.from_settings(get_settings().storage)
    health = database.check(full=True)
    database.dispose()
    typer.echo(f"database {health.state}")
    for problem in health.problems:
        typer.echo(f"  {problem}")
    raise typer.Exit(0 if health.ok else 1)


if __name__ == "__main__":  # pragma: no cover
    app()
