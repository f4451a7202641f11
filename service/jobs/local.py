"""`wirebrief batch`: a JSONL file through a job on this machine, with a progress bar, resumable.

The job lives in a state database next to the output (`OUT.state.db`). Re-running the same
command after an interruption (Ctrl-C, kill -9, a reboot) finds the job by the input's fingerprint
and runs only what is not done; the results file is written once, at the end, from the store.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from tqdm import tqdm

from ..common.owners import OPEN
from ..config import Settings
from ..db import Database
from ..errors import WirebriefError
from ..pipeline import Pipeline
from .intake import JSONL, parse_request
from .models import LIVE_JOB
from .schemas import JobOut
from .service import JobService

PROGRESS_EVERY_S = 0.2


def state_path(out: Path) -> Path:
    return out.with_name(out.name + ".state.db")


def run_batch(input_path: Path, out: Path, settings: Settings, *, workers: int | None = None) -> int:
    """Process `input_path` into `out`; the exit code (0 all done, 1 some items failed, 2 bad input, 130 stopped)."""
    pipeline = Pipeline.from_settings(settings)
    try:
        draft = parse_request(input_path.read_bytes(), JSONL[0], {}, pipeline, settings.jobs)
    except WirebriefError as exc:
        typer.secho(f"{input_path}: {exc.code}: {exc.message}", fg="red", err=True)
        return 2
    state = state_path(out)
    with _exclusive(state.with_name(state.name + ".lock")):
        db = Database(f"sqlite:///{state}")
        db.upgrade()
        jobs = JobService(db, pipeline, settings.jobs, workers=max(1, workers or settings.job_workers))
        jobs.store.release_all()  # we hold the lock: whatever is "running" was left by a killed run
        job, created = jobs.submit(draft, OPEN, idempotency_key=f"batch:{draft.fingerprint}")
        if not created:
            typer.echo(
                f"resuming {job.id}: {job.counts.completed + job.counts.failed} of {job.counts.total} done ({state})",
                err=True,
            )
        _cancel_others(jobs, job.id)
        try:
            with jobs.running():
                job = _follow(jobs, job)
        except KeyboardInterrupt:
            typer.echo(f"\ninterrupted; run the same command again to resume ({state})", err=True)
            return 130
        finally:
            pipeline.pool.close()
        _write_atomically(out, jobs.store.result_lines(job.id))
        db.dispose()
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    typer.echo(f"{job.counts.completed} processed, {job.counts.failed} failed -> {out}", err=True)
    return 1 if job.counts.failed else 0


def _cancel_others(jobs: JobService, keep: str) -> None:
    """The input changed since an interrupted run: its job is abandoned, not run alongside."""
    for other in jobs.store.page(OPEN, jobs.settings.job_page_max, None)[0]:
        if other.id != keep and other.state in LIVE_JOB:
            jobs.store.cancel(other.id, OPEN)
            typer.echo(f"the input changed since {other.id} was started; starting over", err=True)


def _follow(jobs: JobService, job: JobOut) -> JobOut:
    """Show progress (items/s, ETA) until the job is final."""
    done = job.counts.completed + job.counts.failed
    with tqdm(total=job.counts.total, initial=done, unit="item", file=sys.stderr, dynamic_ncols=True) as bar:
        while job.state in ("queued", "running"):
            time.sleep(PROGRESS_EVERY_S)
            job = jobs.get(job.id, OPEN)
            now_done = job.counts.completed + job.counts.failed
            bar.update(now_done - done)
            bar.set_postfix(failed=job.counts.failed, refresh=False)
            done = now_done
    return job


def _write_atomically(out: Path, lines: Iterator[str]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(out)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One `wirebrief batch` per output at a time: the lock is what makes requeueing its items safe."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise typer.BadParameter(f"another `wirebrief batch` is writing this output ({lock_path})") from None
        yield
