"""Reads of reminders for the bell and the reminders page, always of one user's own."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reqhub.accounts.models import User

from .models import Reminder


def _showing(now: datetime) -> Q:
    return Q(done_at__isnull=True) & (Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))


def reminder_open(user: User, now: datetime | None = None) -> QuerySet[Reminder]:
    """The user's reminders that are neither done nor snoozed, earliest due first."""
    now = now or timezone.now()
    return Reminder.objects.filter(_showing(now), user=user).order_by("due_on", "id")


def reminder_unread_count(user: User, now: datetime | None = None) -> int:
    """How many of the user's open reminders they have not read (one COUNT query)."""
    now = now or timezone.now()
    return Reminder.objects.filter(_showing(now), user=user, read_at__isnull=True).count()


def reminder_get(user: User, pk: int) -> Reminder:
    """The user's reminder ``pk``; someone else's looks the same as a missing one (404)."""
    try:
        return Reminder.objects.get(pk=pk, user=user)
    except Reminder.DoesNotExist as exc:
        raise Http404 from exc
