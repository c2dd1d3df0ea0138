"""Thin reminder tasks: create what is due, e-mail what is new; both safe to run twice."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import services

# Worth another try: the database or broker restarting, a dropped connection.
TRANSIENT = (OperationalError, InterfaceError, BrokerError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def reminders_generate_task() -> dict[str, int]:
    """Create the reminders due now; returns how many each source created."""
    return services.reminders_generate()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # Mail servers also fail for a moment (connection refused, 4xx replies).
    autoretry_for=(*TRANSIENT, smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def reminders_email_task() -> int:
    """E-mail each user their new reminders; returns how many e-mails were sent."""
    return services.reminders_email()
