"""Thin import tasks: load by id, call the service; safe to run twice (the service checks state)."""

from celery import Task, shared_task
from django.db import OperationalError

from . import services

_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
}


@shared_task(**_OPTIONS)
def import_validate_task(self: Task, job_id: str) -> str:
    try:
        job = services.import_validate(job_id)
    except OperationalError:
        raise
    except Exception as exc:  # any other error is a bug or bad data: show it, don't loop
        services.import_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return str(job.state)


@shared_task(**_OPTIONS)
def import_commit_task(self: Task, job_id: str) -> str:
    try:
        job = services.import_commit(job_id)
    except OperationalError:
        raise
    except Exception as exc:  # any other error is a bug or bad data: show it, don't loop
        services.import_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return str(job.state)


@shared_task
def imports_requeue_task() -> int:
    return services.imports_requeue()
