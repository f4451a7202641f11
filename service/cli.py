"""The `wirebrief` command: serve the API, process files, manage models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typer

from .auth.cli import keys_app
from .config import Settings, get_settings
from .errors import WirebriefError
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
from .registry import ModelSpec, Registry

app = typer.Typer(help="wirebrief: clean, detect, translate and summarize news articles.", no_args_is_help=True)
models_app = typer.Typer(help="List, fetch and check the models in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")


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
    raise typer.BadParameter(f"--method is abstractive or extractive, not {value!r}")


@app.command()
def process(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of readable text."),
    out: Path | None = typer.Option(None, help="Also write FILE.json results into this folder."),
    source_lang: str | None = typer.Option(None, help="Skip detection: ISO 639-1 code."),
    style: str | None = typer.Option(None, help="Summary style: brief | standard | bullets."),
    method: str | None = typer.Option(None, help="abstractive | extractive."),
) -> None:
    """Run articles through the whole pipeline."""
    from .contracts import views
    from .pipeline import ArticleRequest, Pipeline, SummaryRequest

    if method not in (None, "abstractive", "extractive"):
        raise typer.BadParameter("method must be abstractive or extractive", param_hint="--method")
    pipeline = Pipeline.from_settings(get_settings())
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for path in files:
        raw = path.read_text(encoding="utf-8")
        try:
            result = pipeline.process(
                ArticleRequest(
                    text=raw, source_lang=source_lang, summary=SummaryRequest(style=style, method=_method(method))
                )
            )
        except WirebriefError as exc:
            failures += 1
            typer.secho(f"{path}: {exc.code}: {exc.message}", fg="red", err=True)
            continue
        payload = views.article(result, raw).model_dump()
        if out:
            (out / f"{path.stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        if as_json:
            typer.echo(json.dumps({"file": str(path), **payload}, ensure_ascii=False))
        else:
            typer.echo(_readable(path, payload))
    raise typer.Exit(1 if failures else 0)


def _readable(path: Path, payload: dict) -> str:
    lang = payload["language"]["language"]
    lines = [
        f"== {path}",
        f"language: {lang['name']} ({lang['code']}, {lang['confidence']:.2f})",
        f"removed:  {len(payload['cleaning']['removed'])} boilerplate item(s)",
    ]
    if payload["translation"]:
        t = payload["translation"]
        lines.append(f"translated by {t['model']}: {t['sentences']} sentences in {t['chunks']} chunks")
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
def models_list(as_json: bool = typer.Option(False, "--json")) -> None:
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
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = f"present {row['size_mb']:>8.1f} MB" if row["present"] else "missing"
        langs = ",".join(row["languages"])
        typer.echo(f"{row['key']:<18} {row['task']:<13} {state:<20} {row['model_id']}  {langs}")


def _selected(registry: Registry, lang: str | None, model: str | None, all_models: bool) -> list[ModelSpec]:
    if model:
        if model not in registry.models:
            raise typer.BadParameter(f"no model {model!r}; see `wirebrief models list`", param_hint="--model")
        return [registry.models[model]]
    if lang:
        return [registry.translator_for(lang)]
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
        except WirebriefError as exc:
            bad += 1
            typer.secho(f"{spec.key}: {exc.message}", fg="red")
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
