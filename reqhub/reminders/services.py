"""Reminders: computed from customers and requirements, created once per key, e-mailed once."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from customers.models import Customer, Interaction, InteractionMethod, Lifecycle, ValueTier
from reqhub.accounts.models import User
from reqhub.accounts.roles import Role
from requirements.models import Priority, Requirement
from requirements.selectors import sla_breached_q, sla_near_q
from requirements.workflow import OPEN

from .models import Kind, Reminder

# Follow-up cadence by segment, strictest first: a customer in several segments (a high-value
# customer at churn risk) follows the strictest one. Lost customers have no cadence.
FOLLOW_UP_CADENCES: tuple[tuple[int, Q, Any], ...] = (
    (7, Q(lifecycle=Lifecycle.CHURN_RISK), gettext_lazy("weekly")),
    (14, Q(lifecycle=Lifecycle.POTENTIAL), gettext_lazy("every two weeks")),
    (30, Q(value_tier=ValueTier.HIGH), gettext_lazy("monthly")),
)
EXECUTIVE_VISIT_DAYS = 90
STALE_DAYS = 7
# How far back a run looks for interactions and requirements that fell due. Something that
# fell due earlier and never became a reminder (before reminders existed, or during an outage
# longer than this) is history, not a to-do; the bound also keeps every run's reading small
# on a large pool. Customers' cadences need no bound: each has at most one due date.
CATCH_UP = timedelta(days=30)
BATCH = 500

_TABLE = Reminder._meta.db_table


# --- Building blocks -------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _local_date(expr: Any) -> TruncDate:
    return TruncDate(expr, tzinfo=timezone.get_default_timezone())


def _only_new(
    qs: QuerySet[Any], *, kind: Kind, ref: Expression | F, user: Any, due: Any
) -> QuerySet[Any]:
    """Annotate each row's recipient (r_user), due date (r_due) and reminder key (r_key), and
    keep the rows whose key has no reminder yet, so a run reads only what is new.

    The key is built here, in SQL, and nowhere else: ``<kind>:<ref>:user<id>:<YYYY-MM-DD>``.
    """
    qs = qs.annotate(r_user=user, r_due=due)
    key = Concat(
        Value(f"{kind.value}:"),
        ref,
        Value(":user"),
        Cast("r_user", CharField()),
        Value(":"),
        Func(F("r_due"), Value("YYYY-MM-DD"), function="to_char", output_field=CharField()),
        output_field=CharField(),
    )
    qs = qs.annotate(r_key=key)
    return qs.filter(~Exists(Reminder.objects.filter(key=OuterRef("r_key"))))


Row = tuple[str, int, date, str, str]  # key, user id, due on, title, link


def _store(kind: Kind, rows: Iterable[Row]) -> int:
    """Insert reminders in batches; a key that exists already is left alone (ON CONFLICT DO
    NOTHING), which is what makes two overlapping runs create each reminder once.
    Returns how many were created."""
    created = 0
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            created += _insert(kind, batch)
            batch = []
    if batch:
        created += _insert(kind, batch)
    return created


def _insert(kind: Kind, batch: list[Row]) -> int:
    now = timezone.now()
    params: list[Any] = []
    for key, user_id, due_on, title, link in batch:
        params += [user_id, kind.value, title[:200], link[:300], due_on, key, now]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(_TABLE)} "  # noqa: S608 -- constant names; values are parameters
        f"(user_id, kind, title, link, due_on, key, created_at) VALUES {values} "
        "ON CONFLICT (key) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def _rows(qs: QuerySet[Any], *fields: str) -> Iterator[dict[str, Any]]:
    return qs.order_by().values("r_key", "r_user", "r_due", *fields).iterator(chunk_size=2000)


def _short(text: str, length: int = 40) -> str:
    return Truncator(text).chars(length)


def _customer_link(code: str) -> str:
    return reverse("customers:detail", args=[code])


def _requirement_link(number: str) -> str:
    return reverse("requirements:detail", args=[number])


# --- Sources: one function per kind, each a few set-based queries ----------------------------


def _last_interaction(**filters: Any) -> Subquery:
    return Subquery(
        Interaction.objects.filter(customer=OuterRef("pk"), **filters)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def _not_contacted_for(days: int, now: datetime) -> Q:
    """The customer's last contact (annotated as ``last``) is ``days`` or more calendar days
    before ``now``'s day, or there is none."""
    # Due when last day + days <= today, i.e. the last contact was before (today - days + 1).
    threshold = _day_start(timezone.localdate(now) - timedelta(days=days - 1))
    return Q(last__isnull=True) | Q(last__lt=threshold)


def _cadence_due(days: int) -> Coalesce:
    """The day the cadence ran out; with no contact ever, the day the customer was created."""
    return Coalesce(
        _local_date(ExpressionWrapper(F("last") + timedelta(days=days), DateTimeField())),
        _local_date("created_at"),
    )


def remind_follow_up_cadence(now: datetime) -> int:
    """Customers not contacted within their segment's cadence: churn-risk weekly, potential
    every two weeks, high-value monthly (strictest segment wins; lost customers never).
    One reminder to the customer's owner per missed cadence, dated when it ran out."""
    created = 0
    stricter = Q()
    for days, segment, label in FOLLOW_UP_CADENCES:
        qs = Customer.objects.exclude(lifecycle=Lifecycle.LOST).filter(segment)
        if stricter:
            qs = qs.exclude(stricter)
        stricter |= segment
        qs = qs.annotate(last=_last_interaction()).filter(_not_contacted_for(days, now))
        qs = _only_new(
            qs,
            kind=Kind.FOLLOW_UP_CADENCE,
            ref=F("code"),
            user=F("owner_id"),
            due=_cadence_due(days),
        )
        created += _store(
            Kind.FOLLOW_UP_CADENCE,
            (
                (
                    r["r_key"],
                    r["r_user"],
                    r["r_due"],
                    _("Follow up with %(customer)s (%(cadence)s)")
                    % {"customer": _short(r["name"]), "cadence": label},
                    _customer_link(r["code"]),
                )
                for r in _rows(qs, "code", "name")
            ),
        )
    return created


def remind_executive_visit(now: datetime) -> int:
    """High-value customers without an in-person visit for a quarter (90 days), or ever:
    one reminder to the owner to arrange the quarterly executive visit. Interactions do not
    say who attended, so the last logged visit counts."""
    qs = (
        Customer.objects.exclude(lifecycle=Lifecycle.LOST)
        .filter(value_tier=ValueTier.HIGH)
        .annotate(last=_last_interaction(method=InteractionMethod.VISIT))
    )
    qs = qs.filter(_not_contacted_for(EXECUTIVE_VISIT_DAYS, now))
    qs = _only_new(
        qs,
        kind=Kind.EXECUTIVE_VISIT,
        ref=F("code"),
        user=F("owner_id"),
        due=_cadence_due(EXECUTIVE_VISIT_DAYS),
    )
    return _store(
        Kind.EXECUTIVE_VISIT,
        (
            (
                r["r_key"],
                r["r_user"],
                r["r_due"],
                _("Quarterly executive visit to %(customer)s") % {"customer": _short(r["name"])},
                _customer_link(r["code"]),
            )
            for r in _rows(qs, "code", "name")
        ),
    )


def remind_interaction_follow_up(now: datetime) -> int:
    """Interactions whose planned next follow-up day has come (within the catch-up window): one
    reminder to whoever logged it, or to the customer's owner when an integration account or
    a deactivated user logged it."""
    today = timezone.localdate(now)
    qs = Interaction.objects.filter(
        next_follow_up_on__lte=today, next_follow_up_on__gte=today - CATCH_UP
    )
    recipient = Case(
        When(
            Q(logged_by__is_active=True) & ~Q(logged_by__role=Role.INTEGRATION),
            then=F("logged_by_id"),
        ),
        default=F("customer__owner_id"),
    )
    ref = Concat(F("customer__code"), Value("/"), Cast("id", CharField()), output_field=CharField())
    qs = _only_new(
        qs, kind=Kind.INTERACTION_FOLLOW_UP, ref=ref, user=recipient, due=F("next_follow_up_on")
    )

    def title(r: dict[str, Any]) -> str:
        values = {"customer": _short(r["customer__name"]), "plan": _short(r["next_follow_up_plan"])}
        if r["next_follow_up_plan"]:
            return _("Follow up with %(customer)s: %(plan)s") % values
        return _("Follow up with %(customer)s as planned") % values

    return _store(
        Kind.INTERACTION_FOLLOW_UP,
        (
            (r["r_key"], r["r_user"], r["r_due"], title(r), _customer_link(r["customer__code"]))
            for r in _rows(qs, "customer__code", "customer__name", "next_follow_up_plan")
        ),
    )


def _requirement_recipient() -> Case:
    """The requirement's owner; the customer's owner when nobody (active) owns it."""
    return Case(When(owner__is_active=True, then=F("owner_id")), default=F("customer__owner_id"))


def _remind_requirements(
    kind: Kind, due_rows: Q, *, due: Any, title: Callable[[dict[str, Any]], str]
) -> int:
    qs: QuerySet[Any] = Requirement.objects.filter(due_rows, status__in=OPEN)
    qs = _only_new(qs, kind=kind, ref=F("number"), user=_requirement_recipient(), due=due)
    return _store(
        kind,
        (
            (r["r_key"], r["r_user"], r["r_due"], title(r), _requirement_link(r["number"]))
            for r in _rows(qs, "number", "title")
        ),
    )


def _req(r: dict[str, Any]) -> dict[str, str]:
    return {"number": r["number"], "title": _short(r["title"])}


def remind_sla_breach(now: datetime) -> int:
    """Open requirements past their response deadline (within the catch-up window) with no
    response, clock not paused: one reminder to the owner (or the customer's owner), dated on
    the deadline's day."""
    return _remind_requirements(
        Kind.SLA_BREACH,
        sla_breached_q(now) & Q(response_due_at__gte=now - CATCH_UP),
        due=_local_date("response_due_at"),
        title=lambda r: _("Response overdue: %(number)s %(title)s") % _req(r),
    )


def remind_sla_near(now: datetime) -> int:
    """Open requirements whose response deadline falls within the near-breach window."""
    return _remind_requirements(
        Kind.SLA_NEAR,
        sla_near_q(now),
        due=_local_date("response_due_at"),
        title=lambda r: _("Response due soon: %(number)s %(title)s") % _req(r),
    )


def remind_plan_overdue(now: datetime) -> int:
    """Open high-priority requirements with no technical plan after the plan deadline (3
    working days on the Chinese calendar, set when the requirement became high priority),
    passed within the catch-up window: one reminder to the owner (or the customer's owner)."""
    return _remind_requirements(
        Kind.PLAN_OVERDUE,
        Q(rank__priority=Priority.HIGH, plan_submitted_at__isnull=True)
        & Q(plan_due_at__lt=now, plan_due_at__gte=now - CATCH_UP),
        due=_local_date("plan_due_at"),
        title=lambda r: _("Technical plan overdue: %(number)s %(title)s") % _req(r),
    )


def remind_stale_owner(now: datetime) -> int:
    """Open requirements with an active owner and no change for 7 days (gone quiet within the
    catch-up window): one reminder to the owner per quiet spell; the key carries the day it
    went quiet, so after an update a new spell gets a new reminder."""
    stale = timedelta(days=STALE_DAYS)
    return _remind_requirements(
        Kind.STALE_OWNER,
        Q(owner__isnull=False, owner__is_active=True)
        & Q(updated_at__lt=now - stale, updated_at__gte=now - stale - CATCH_UP),
        due=_local_date(ExpressionWrapper(F("updated_at") + stale, DateTimeField())),
        title=lambda r: (
            ngettext(
                "No update for %(days)d day: %(number)s %(title)s",
                "No update for %(days)d days: %(number)s %(title)s",
                STALE_DAYS,
            )
            % {"days": STALE_DAYS, **_req(r)}
        ),
    )


def remind_solution_review(now: datetime) -> int:
    """Solution plans waiting for a reviewer's decision.

    Waits for the solutions module: it has no models yet, so there is nothing to read. Once
    plans and their reviews exist, this reads the pending reviews and reminds each reviewer.
    """
    return 0


SOURCES: dict[Kind, Callable[[datetime], int]] = {
    Kind.FOLLOW_UP_CADENCE: remind_follow_up_cadence,
    Kind.EXECUTIVE_VISIT: remind_executive_visit,
    Kind.INTERACTION_FOLLOW_UP: remind_interaction_follow_up,
    Kind.SLA_BREACH: remind_sla_breach,
    Kind.SLA_NEAR: remind_sla_near,
    Kind.PLAN_OVERDUE: remind_plan_overdue,
    Kind.STALE_OWNER: remind_stale_owner,
    Kind.SOLUTION_REVIEW: remind_solution_review,
}


def reminders_generate(now: datetime | None = None) -> dict[str, int]:
    """Create a reminder for everything due at ``now``, at most once per key (what, for whom,
    which due date), whenever and however often it runs; returns how many each source created.

    Something that fell due while the generator was not running appears once, dated on its
    original due day. Titles are written in the site's default language.
    """
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        return {kind.value: source(now) for kind, source in SOURCES.items()}


# --- Delivery by e-mail ----------------------------------------------------------------------


def _unseen(now: datetime) -> Q:
    """Not e-mailed, not read, not done, not snoozed."""
    return Q(emailed_at__isnull=True, read_at__isnull=True, done_at__isnull=True) & (
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    )


# An e-mail lists this many reminders at most and points to the page for the rest.
EMAIL_LIST_MAX = 50


def reminders_email(now: datetime | None = None) -> int:
    """E-mail each active user with an address one message listing their reminders that are
    new (not yet e-mailed, read, done or snoozed); returns how many e-mails were sent.

    Each user's reminders are locked (skipping rows another run holds), sent, and marked
    ``emailed_at`` in one transaction: a re-run or an overlapping run never sends them again;
    a failed send leaves them unmarked for the next run. Users without an address are skipped.
    """
    now = now or timezone.now()
    user_ids = list(
        Reminder.objects.filter(_unseen(now), user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not user_ids:
        return 0
    sent = 0
    with get_connection() as mail, translation.override(settings.LANGUAGE_CODE):
        for user_id in user_ids:
            sent += _email_user(user_id, now, mail)
    return sent


def _email_user(user_id: int, now: datetime, mail: BaseEmailBackend) -> int:
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(_unseen(now), user_id=user_id)
            .order_by("due_on", "id")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        user = User.objects.get(pk=user_id)
        shown = Reminder.objects.filter(pk__in=ids[:EMAIL_LIST_MAX]).order_by("due_on", "id")
        count = len(ids)
        subject = ngettext(
            "ReqHub: %(count)d new reminder", "ReqHub: %(count)d new reminders", count
        ) % {"count": count}
        body = render_to_string(
            "reminders/email/new_reminders.txt",
            {
                "user": user,
                "reminders": shown,
                "more": max(count - EMAIL_LIST_MAX, 0),
                "site_url": settings.SITE_URL,
            },
        )
        EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=mail
        ).send()
        Reminder.objects.filter(pk__in=ids).update(emailed_at=now)
    return 1


# --- What a user does with a reminder --------------------------------------------------------


def _check(actor: User, reminder: Reminder) -> None:
    if reminder.user_id != actor.pk:
        raise PermissionDenied(_("This reminder is not yours."))


@transaction.atomic
def reminder_mark_read(*, actor: User, reminder: Reminder) -> Reminder:
    """Mark the reminder read (it leaves the bell's count); reading it again changes nothing."""
    _check(actor, reminder)
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(
            read_at=reminder.read_at
        )
    return reminder


@transaction.atomic
def reminder_mark_done(*, actor: User, reminder: Reminder) -> Reminder:
    """Close the reminder for good; the first time it was closed is kept."""
    _check(actor, reminder)
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, done_at__isnull=True).update(
        done_at=now, read_at=Coalesce(F("read_at"), Value(now))
    )
    reminder.refresh_from_db()
    return reminder


SNOOZE_CHOICES = {"day": timedelta(days=1), "week": timedelta(days=7)}


@transaction.atomic
def reminder_snooze(*, actor: User, reminder: Reminder, period: str) -> Reminder:
    """Hide the reminder for a day or a week (``period`` "day" or "week"); it comes back
    unread when the time has passed. Raises ValueError for another period."""
    _check(actor, reminder)
    if period not in SNOOZE_CHOICES:
        raise ValueError(f"Unknown snooze period: {period!r}")
    reminder.snoozed_until = timezone.now() + SNOOZE_CHOICES[period]
    reminder.read_at = None
    reminder.save(update_fields=["snoozed_until", "read_at"])
    return reminder
