"""Small helpers the reminder suites share."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from reqhub.reminders.models import Reminder

# Scores that make a requirement high priority (score 5.0).
HIGH = {"importance": 5, "urgency": 5, "customer_value": 5, "difficulty": 1}


def days(n: float) -> timedelta:
    return timedelta(days=n)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware time on the Shanghai clock."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def reminders(kind: str | None = None) -> list[Reminder]:
    qs = Reminder.objects.select_related("user").order_by("kind", "due_on", "id")
    return list(qs.filter(kind=kind) if kind else qs)


def summary(kind: str | None = None) -> list[tuple[str, str, date]]:
    """(kind, username, due date) of every reminder, to compare in one assert."""
    return [(r.kind, r.user.username, r.due_on) for r in reminders(kind)]
