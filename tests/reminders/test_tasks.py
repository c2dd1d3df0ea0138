"""Reminder tasks: thin, safe to run twice, retried on transient errors, scheduled in the DB."""

import importlib
import smtplib

import pytest
from django.apps import apps
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reqhub.celery import app
from reqhub.reminders import services, tasks
from reqhub.reminders.models import Reminder

from .helpers import days

pytestmark = pytest.mark.django_db

TASK_NAMES = {
    "reqhub.reminders.tasks.reminders_generate_task",
    "reqhub.reminders.tasks.reminders_email_task",
}


@pytest.fixture
def due_for_rep(make_customer, contact_at) -> None:
    contact_at(make_customer(lifecycle="churn_risk"), timezone.now() - days(8))
    contact_at(make_customer(lifecycle="potential"), timezone.now() - days(15))


@pytest.mark.usefixtures("due_for_rep")
def test_the_generate_task_run_twice_creates_each_reminder_once() -> None:
    first = tasks.reminders_generate_task.apply().get()
    second = tasks.reminders_generate_task.apply().get()
    assert first["follow_up_cadence"] == 2
    assert set(second.values()) == {0}
    assert Reminder.objects.count() == 2


@pytest.mark.usefixtures("due_for_rep")
def test_the_email_task_run_twice_sends_one_e_mail(mailoutbox) -> None:
    tasks.reminders_generate_task.apply()
    assert tasks.reminders_email_task.apply().get() == 1
    assert tasks.reminders_email_task.apply().get() == 0
    assert len(mailoutbox) == 1
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("task", "service", "transient"),
    [
        (tasks.reminders_generate_task, "reminders_generate", OperationalError("conn closed")),
        (tasks.reminders_email_task, "reminders_email", OperationalError("conn closed")),
        (tasks.reminders_email_task, "reminders_email", smtplib.SMTPServerDisconnected("bye")),
    ],
)
def test_a_transient_error_is_retried(task, service, transient, monkeypatch) -> None:
    calls = []

    def flaky(now=None):
        calls.append(now)
        if len(calls) == 1:
            raise transient
        return 0

    monkeypatch.setattr(services, service, flaky)
    assert task.apply().get() == 0
    assert len(calls) == 2


def test_a_bug_is_not_retried(monkeypatch) -> None:
    calls = []

    def broken(now=None):
        calls.append(now)
        raise ValueError("a bug")

    monkeypatch.setattr(services, "reminders_generate", broken)
    result = tasks.reminders_generate_task.apply()
    assert result.failed()
    assert isinstance(result.result, ValueError)
    assert len(calls) == 1


@pytest.mark.parametrize("task", [tasks.reminders_generate_task, tasks.reminders_email_task])
def test_the_tasks_ack_late_with_limits_on_time_and_retries(task) -> None:
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert OperationalError in task.autoretry_for
    assert 0 < task.max_retries <= 10
    assert task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit <= 5 * 60


def test_the_schedule_lives_in_the_database_every_5_minutes() -> None:
    rows = PeriodicTask.objects.filter(task__in=TASK_NAMES).select_related("interval")
    assert {row.task for row in rows} == TASK_NAMES
    for row in rows:
        assert row.enabled
        assert (row.interval.every, row.interval.period) == (5, "minutes")
        assert row.task in app.tasks


def test_the_schedule_migration_reverses_and_reapplies_cleanly() -> None:
    migration = importlib.import_module("reqhub.reminders.migrations.0002_beat_schedule")
    migration.delete(apps, None)
    assert not PeriodicTask.objects.filter(task__in=TASK_NAMES).exists()
    migration.create(apps, None)
    migration.create(apps, None)
    assert PeriodicTask.objects.filter(task__in=TASK_NAMES).count() == 2
