"""What every background job task shares: how it runs a job and records an unexpected failure."""

from collections.abc import Callable
from typing import Any

from django.db import OperationalError

# Task options for a long job: acknowledged only when done (a lost worker gives it back),
# transient database errors retried with backoff, hard limits on time.
JOB_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
}


def job_run(run: Callable[[str], Any], fail: Callable[[str, str], None], job_id: str) -> str:
    """Run ``run(job_id)``; a transient database error is retried by the task, any other error
    is a bug or bad data, so it is shown on the job (``fail``) instead of retried for ever."""
    try:
        job = run(job_id)
    except OperationalError:
        raise
    except Exception as exc:  # recorded for the user, then re-raised: nothing is hidden
        fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return str(job.state)
