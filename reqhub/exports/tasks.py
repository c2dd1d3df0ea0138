"""Thin export tasks: load by id, call the service."""

import logging

from celery import Task, shared_task
from django.db import OperationalError

from . import services
from .models import ExportJob

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def export_run_task(self: Task, job_id: str) -> str:
    try:
        job = services.export_run(job_id)
    except ExportJob.DoesNotExist:
        # Deleted (expired, or its user removed) before a worker got to it: nothing to do.
        logger.warning("Export %s no longer exists; skipped", job_id)
        return "missing"
    except OperationalError:
        raise
    except Exception as exc:  # any other error is a bug or bad data: show it, don't loop
        services.export_fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return str(job.state)


@shared_task
def exports_expire_task() -> int:
    return services.exports_expire()


@shared_task
def exports_requeue_task() -> int:
    return services.exports_requeue()
