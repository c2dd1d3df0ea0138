"""The Celery app: Redis broker, settings from Django's (CELERY_*), tasks found per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reqhub.settings.local")

app = Celery("reqhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
