"""Reminders: one row per thing due, per person, per due date; the key makes creation idempotent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FOLLOW_UP_CADENCE = "follow_up_cadence", _("Customer follow-up")
    EXECUTIVE_VISIT = "executive_visit", _("Quarterly executive visit")
    INTERACTION_FOLLOW_UP = "interaction_follow_up", _("Planned follow-up")
    SLA_BREACH = "sla_breach", _("Response overdue")
    SLA_NEAR = "sla_near", _("Response due soon")
    PLAN_OVERDUE = "plan_overdue", _("Technical plan overdue")
    STALE_OWNER = "stale_owner", _("Not updated for a week")
    SOLUTION_REVIEW = "solution_review", _("Solution plan to review")


class Reminder(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Written once, in the site's default language, when the reminder is created.
    title = models.CharField(_("title"), max_length=200)
    link = models.CharField(_("link"), max_length=300)
    due_on = models.DateField(_("due on"))
    # What + for whom + which due date, e.g. "sla_breach:REQ-2026-000001:user42:2026-11-23".
    key = models.CharField(_("key"), max_length=255, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "id"]
        indexes = [
            # The bell and the page: a user's open reminders.
            models.Index(
                fields=["user", "due_on", "id"],
                name="reminder_user_open",
                condition=models.Q(done_at__isnull=True),
            ),
            # The e-mail run: reminders nobody has seen or been e-mailed yet.
            models.Index(
                fields=["user"],
                name="reminder_to_email",
                condition=models.Q(
                    emailed_at__isnull=True, done_at__isnull=True, read_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title
