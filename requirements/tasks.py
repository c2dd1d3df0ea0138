"""Thin requirement tasks: load by id, call the service."""

import logging

from celery import Task, shared_task

from reqhub.core.jobs import JOB_TASK_OPTIONS, job_run

from . import services
from .models import RescoreJob

logger = logging.getLogger(__name__)


@shared_task(**JOB_TASK_OPTIONS)
def rescore_run_task(self: Task, job_id: str) -> str:
    try:
        return job_run(services.rescore_run, services.rescore_fail, job_id)
    except RescoreJob.DoesNotExist:
        logger.warning("Re-scoring %s no longer exists; skipped", job_id)
        return "missing"


@shared_task
def rescores_requeue_task() -> int:
    return services.rescores_requeue()
