"""Faults: a worker killed mid-export, the broker down, stalled jobs caught up."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer
from reqhub.exports import services
from reqhub.exports.models import ExportJob
from tests.celery_fixtures import PREFIX, TEST_BROKER, broker, purge
from tests.requirements.helpers import new_requirement

ROOT = Path(__file__).resolve().parents[2]
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def wait_for(check, seconds: float = 60.0, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


@pytest.mark.django_db
@override_settings(EXPORT_STALE_SECONDS=60)
def test_only_jobs_nobody_holds_are_sent_again(users, monkeypatch) -> None:
    sent: list[str] = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    now = timezone.now()
    old, _fresh, held, lost = (
        ExportJob.objects.create(user=users["manager"], kind="customers") for _ in range(4)
    )
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(minutes=5))
    ExportJob.objects.filter(pk=held.pk).update(state="running", heartbeat_at=now)
    ExportJob.objects.filter(pk=lost.pk).update(
        state="running", heartbeat_at=now - timedelta(minutes=5)
    )
    assert services.exports_requeue(now) == 2
    assert sorted(sent) == sorted([str(old.pk), str(lost.pk)])


@pytest.mark.django_db
def test_a_job_a_live_worker_holds_is_not_run_twice(users) -> None:
    job = ExportJob.objects.create(
        user=users["manager"], kind="customers", state="running", heartbeat_at=timezone.now()
    )
    assert services.export_run(str(job.pk)).attempts == 0


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_staff_still_log_customers_and_requirements(users, api_client_for) -> None:
    down = broker(DOWN, task_publish_retry_policy={"max_retries": 0})
    with down, override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": DOWN}}
    ):  # fmt: skip
        client = api_client_for(users["sales_rep"])
        res = client.post("/api/v1/customers/", {"name": "断网也能录入"}, format="json")
        assert res.status_code == 201
        customer = Customer.objects.get(code=res.json()["code"])
        new_requirement(users["sales_rep"], customer)
        # an export asked for meanwhile waits, queued, for the catch-up
        job = services.export_start(actor=users["sales_rep"], kind="customers")
    assert ExportJob.objects.get(pk=job.pk).state == "queued"


@pytest.fixture
def worker_process(transactional_db):
    """Start (and restart) a real `celery worker` process on the test database."""
    prefix = f"{PREFIX}kill:"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reqhub.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        ),
        "CELERY_BROKER_URL": TEST_BROKER,
        "CELERY_BROKER_KEY_PREFIX": prefix,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "EXPORT_STALE_SECONDS": "2",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "reqhub", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(proc)
        return proc

    try:
        purge(prefix)
        with broker(TEST_BROKER, prefix):
            yield start
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        purge(prefix)


def test_a_worker_killed_mid_export_finishes_after_restart(users, worker_process) -> None:
    owner = users["manager"]
    Customer.objects.bulk_create(
        Customer(code=f"C2099{i:05d}", name=f"批量客户{i}", owner=owner, region="上海")
        for i in range(15_000)
    )
    customer_services.customer_create(actor=owner, name="最后一个")
    first = worker_process()
    job = services.export_start(actor=owner, kind="customers")
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).rows > 0, 120)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed = ExportJob.objects.get(pk=job.pk)
    assert killed.state == "running"
    worker_process()
    done = wait_for(
        lambda: (j := ExportJob.objects.get(pk=job.pk)).state in ("done", "failed") and j, 180
    )
    assert (done.state, done.rows, done.attempts) == ("done", 15_001, 2)
    files = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "exports").glob(f"{job.pk}*"))
    assert files == [f"{job.pk}.xlsx"]
    assert ExportJob.objects.count() == 1
