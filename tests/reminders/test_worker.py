"""A real Celery worker on a real Redis broker (not eager) runs the generator twice."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

from reqhub.celery import app
from reqhub.reminders.models import Reminder
from reqhub.reminders.tasks import reminders_generate_task
from tests.celery_fixtures import TEST_BROKER, broker, purge

from .helpers import days

pytestmark = pytest.mark.django_db(transaction=True)


class Finished:
    """Counts tasks the worker has finished, and closes the worker thread's database
    connection after each, so the test database can be dropped at the end."""

    def __init__(self) -> None:
        self.count = 0
        self.threads: set[str] = set()
        self.changed = threading.Condition()

    def __call__(self, **kwargs: Any) -> None:
        connections.close_all()
        with self.changed:
            self.count += 1
            self.threads.add(threading.current_thread().name)
            self.changed.notify_all()

    def wait_for(self, n: int, timeout: float = 60) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count >= n, timeout=timeout)


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Finished]:
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # the suite has run Django's checks
    purge()
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False  # leave the test run's logging alone
    finished = Finished()
    task_postrun.connect(finished, weak=False)
    try:
        with (
            broker(TEST_BROKER),
            start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30),
        ):
            yield finished
    finally:
        task_postrun.disconnect(finished)
        app.conf.worker_hijack_root_logger = hijack
        purge()


def test_two_runs_on_a_real_worker_create_each_reminder_once(
    worker, make_customer, contact_at
) -> None:
    churn = make_customer(lifecycle="churn_risk")
    contact_at(churn, timezone.now() - days(8))
    contact_at(make_customer(lifecycle="potential"), timezone.now() - days(20))

    assert not app.conf.task_always_eager
    reminders_generate_task.delay()
    reminders_generate_task.delay()

    assert worker.wait_for(2), "the worker did not run both tasks within a minute"
    assert threading.current_thread().name not in worker.threads  # run by the worker
    keys = list(Reminder.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 2
    assert any(key.startswith(f"follow_up_cadence:{churn.code}:") for key in keys)
