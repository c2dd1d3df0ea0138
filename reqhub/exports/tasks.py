"""Thin export tasks: load by id, call the service."""

import logging

from celery import Task, shared_task

from reqhub.core.jobs import JOB_TASK_OPTIONS, job_run

from . import services
from .models import ExportJob

logger = logging.getLogger(__name__)


@shared_task(**JOB_TASK_OPTIONS)
def export_run_task(self: Task, job_id: str) -> str:
    try:
        return job_run(services.export_run, services.export_fail, job_id)
    except ExportJob.DoesNotExist:
        # Deleted (expired, or its user removed) before a worker got to it: nothing to do.
        logger.warning("Export %s no longer exists; skipped", job_id)
        return "missing"


@shared_task
def exports_expire_task() -> int:
    return services.exports_expire()


@shared_task
def exports_requeue_task() -> int:
    return services.exports_requeue()
