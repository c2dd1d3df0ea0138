"""A real Celery worker validates and commits an upload started from the page."""

import time

import pytest
from django.urls import reverse

from customers.models import Customer
from reqhub.imports.models import ImportJob

from .helpers import xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_state(job_id, *states: str, seconds: float = 60.0) -> ImportJob:
    deadline = time.monotonic() + seconds
    job = ImportJob.objects.get(pk=job_id)
    while job.state not in states and time.monotonic() < deadline:
        time.sleep(0.2)
        job = ImportJob.objects.get(pk=job_id)
    return job


def test_a_real_worker_validates_and_commits(users, client, celery_worker) -> None:
    client.force_login(users["manager"])
    rows = [["Name", "Industry"]] + [[f"导入公司{i}", "零售"] for i in range(50)]
    res = client.post(reverse("imports:upload"), {"kind": "customers", "file": xlsx(rows)})
    assert res.status_code == 302
    job = wait_for_state(ImportJob.objects.get().pk, "ready", "failed")
    assert (job.state, job.counts["created"], job.progress) == ("ready", 50, 100)
    assert not Customer.objects.exists()
    assert client.post(reverse("imports:commit", args=[job.id])).status_code == 302
    job = wait_for_state(job.pk, "done", "failed")
    assert (job.state, job.counts["created"]) == ("done", 50), job.error
    assert Customer.objects.filter(industry="retail").count() == 50
