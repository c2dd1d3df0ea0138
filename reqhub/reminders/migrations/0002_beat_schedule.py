"""Run the reminder generator and the reminder e-mails every 5 minutes.

The schedule lives in django_celery_beat's tables (DatabaseScheduler), so it can be changed,
paused or re-timed in the admin without a deployment.
"""

from django.db import migrations
from django.utils import timezone

EVERY_MINUTES = 5
TASKS = [
    ("reminders: create due reminders", "reqhub.reminders.tasks.reminders_generate_task"),
    ("reminders: e-mail new reminders", "reqhub.reminders.tasks.reminders_email_task"),
]


def _schedule_changed(apps):
    # Beat reloads its schedule when this timestamp moves; the admin's signal does the same,
    # but signals do not fire for the historical models a migration uses.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule = IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes").first()
    if schedule is None:
        schedule = IntervalSchedule.objects.create(every=EVERY_MINUTES, period="minutes")
    for name, task in TASKS:
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": schedule,
                # A run queued while the workers were down is dropped rather than piling up;
                # the next one catches up on everything that fell due meanwhile.
                "expire_seconds": EVERY_MINUTES * 60,
                "description": "Reminders: see reqhub/reminders/services.py",
            },
        )
    _schedule_changed(apps)


def delete(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task in TASKS]).delete()
    IntervalSchedule.objects.filter(
        every=EVERY_MINUTES, period="minutes", periodictask__isnull=True
    ).delete()
    _schedule_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_reminder"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, delete)]
