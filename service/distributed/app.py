"""The Celery application: broker settings that suit long ML tasks and never drop a message."""

from __future__ import annotations

from celery import Celery

from ..config import DistributedSettings, JobSettings

QUEUE = "wirebrief"
RUN_ITEM = "wirebrief.run_item"
DELIVER = "wirebrief.deliver"

#: Retries of one publish when the broker does not answer (then the reconciler takes over).
PUBLISH_RETRY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 2}


def make_celery(settings: DistributedSettings, jobs: JobSettings) -> Celery:
    """A Celery app for `settings.broker_url`; no result backend (results live in the job database)."""
    app = Celery("wirebrief", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A task is acknowledged when it ends, not when it starts: a worker that dies mid-item leaves
        # its message to be delivered again; a worker child killed by the OS or the hard limit too.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only the item it is on: no item waits behind a long one
        task_soft_time_limit=jobs.job_item_soft_time_limit_s,
        task_time_limit=jobs.job_item_time_limit_s,
        worker_max_tasks_per_child=settings.worker_max_tasks_per_child or None,
        worker_concurrency=settings.worker_concurrency,
        # a child that misses this is killed and replaced: under CPU load the default 4 s made a
        # worker replace its children forever without running a task
        worker_proc_alive_timeout=settings.worker_start_timeout_s,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a restarting Redis is waited for, forever
        broker_connection_timeout=settings.broker_connect_timeout_s,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout_s,
            "socket_connect_timeout": settings.broker_connect_timeout_s,
            "socket_timeout": max(settings.broker_connect_timeout_s, 30.0),
            "retry_on_timeout": True,
        },
        task_publish_retry_policy=PUBLISH_RETRY,
    )
    return app
