"""The Celery app: Redis broker, settings from Django's (CELERY_*), tasks found per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reqhub.settings.local")

app = Celery("reqhub")
# shared_task proxies resolve against the default app, in workers and web processes alike.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
