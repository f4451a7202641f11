"""`wirebrief worker`: a Celery worker (prefork) that runs job items and webhook deliveries."""

from __future__ import annotations

import os
import socket

from celery import signals

from ..backends.pool import import_engines
from ..config import Settings
from ..db import Database
from ..observability import logs
from .app import QUEUE, make_celery
from .reconcile import Reconciler
from .tasks import WorkerContext, context, register


def run_worker(settings: Settings, *, loglevel: str) -> None:
    """Block serving the queue until stopped (SIGTERM: warm shutdown, items in flight finish)."""
    if not settings.distributed:
        raise SystemExit("wirebrief worker needs WIREBRIEF_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    logs.configure(settings.observability)  # Celery leaves the root logger to us (worker_hijack_root_logger=False)
    if settings.migrate_on_start:
        Database.from_settings(settings.storage).upgrade()
    celery = make_celery(settings.broker, settings.jobs)
    register(celery, settings)
    main = WorkerContext.build(settings, celery, with_pipeline=False)
    reconciler = Reconciler(main)
    # Seconds of imports (torch, transformers) happen once, here, before the pool forks: every child
    # inherits them, so a child reports ready quickly even on a loaded machine.
    import_engines(settings.models)

    @signals.worker_process_init.connect(weak=False)
    def _child_started(**_: object) -> None:
        # A forked child must not touch the parent's pooled connections; it builds its own context,
        # pipeline included, once: every task it runs after that reuses the loaded models. Until this
        # returns the child has not reported ready (see worker_start_timeout_s): no heavy work here.
        main.db.engine.dispose(close=False)
        context(settings, celery)

    @signals.worker_ready.connect(weak=False)
    def _ready(**_: object) -> None:
        reconciler.start()

    @signals.worker_shutdown.connect(weak=False)
    def _shutdown(**_: object) -> None:
        reconciler.stop()

    celery.worker_main(
        [
            "worker",
            "--pool=prefork",
            f"--concurrency={settings.worker_concurrency}",
            f"--loglevel={loglevel}",
            "--queues",
            QUEUE,
            "--hostname",
            f"wirebrief-{os.getpid()}@{socket.gethostname()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
