"""Thin import tasks: load by id, call the service; safe to run twice (the service checks state)."""

from celery import Task, shared_task

from reqhub.core.jobs import JOB_TASK_OPTIONS, job_run

from . import services


@shared_task(**JOB_TASK_OPTIONS)
def import_validate_task(self: Task, job_id: str) -> str:
    return job_run(services.import_validate, services.import_fail, job_id)


@shared_task(**JOB_TASK_OPTIONS)
def import_commit_task(self: Task, job_id: str) -> str:
    return job_run(services.import_commit, services.import_fail, job_id)


@shared_task
def imports_requeue_task() -> int:
    return services.imports_requeue()


@shared_task
def imports_expire_task() -> int:
    return services.imports_expire()
