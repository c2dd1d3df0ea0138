"""Reminder sources, exactly-once creation, catch-up after an outage, e-mail delivery."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import ngettext

from reqhub.accounts.roles import Role
from reqhub.reminders import services
from reqhub.reminders.models import Kind, Reminder
from requirements import sla
from requirements.models import Requirement
from tests.requirements.helpers import move

from .helpers import HIGH, days, local, reminders, summary

pytestmark = pytest.mark.django_db


# --- Follow-up cadence by segment ------------------------------------------------------------

CADENCES = [
    pytest.param("churn_risk", "medium", 7, id="churn-risk-weekly"),
    pytest.param("potential", "low", 14, id="potential-every-two-weeks"),
    pytest.param("active", "high", 30, id="high-value-monthly"),
]


@pytest.mark.parametrize(("lifecycle", "tier", "cadence"), CADENCES)
def test_a_customer_is_due_when_its_last_contact_is_one_cadence_old(
    lifecycle, tier, cadence, now, rep, make_customer, contact_at
) -> None:
    customer = make_customer(lifecycle=lifecycle, value_tier=tier)
    last = now - days(cadence)
    contact_at(customer, last)
    contact_at(customer, last - days(3))  # an older contact does not count

    services.remind_follow_up_cadence(now - days(1))
    assert reminders(Kind.FOLLOW_UP_CADENCE) == []

    assert services.remind_follow_up_cadence(now) == 1
    [reminder] = reminders(Kind.FOLLOW_UP_CADENCE)
    assert reminder.user == rep
    assert reminder.due_on == timezone.localdate(now)
    assert reminder.link == f"/customers/{customer.code}/"
    assert reminder.key == f"follow_up_cadence:{customer.code}:user{rep.pk}:{reminder.due_on}"
    assert customer.name[:10] in reminder.title


@pytest.mark.parametrize(("lifecycle", "tier", "cadence"), CADENCES)
def test_a_customer_contacted_within_its_cadence_is_not_due(
    lifecycle, tier, cadence, now, make_customer, contact_at
) -> None:
    customer = make_customer(lifecycle=lifecycle, value_tier=tier)
    contact_at(customer, now - days(cadence - 1))
    assert services.remind_follow_up_cadence(now) == 0


def test_the_due_date_is_the_day_the_cadence_ran_out_whatever_the_hour(
    now, make_customer, contact_at
) -> None:
    customer = make_customer(lifecycle="churn_risk")
    contact_at(customer, now.replace(hour=23, minute=30) - days(10))
    services.remind_follow_up_cadence(now)
    [reminder] = reminders(Kind.FOLLOW_UP_CADENCE)
    assert reminder.due_on == timezone.localdate(now) - timedelta(days=3)


def test_a_customer_never_contacted_is_due_from_the_day_it_was_created(
    now, rep, make_customer
) -> None:
    customer = make_customer(lifecycle="potential")
    services.remind_follow_up_cadence(now)
    assert summary(Kind.FOLLOW_UP_CADENCE) == [
        ("follow_up_cadence", "rep", timezone.localdate(customer.created_at))
    ]


@pytest.mark.parametrize(
    ("lifecycle", "tier"),
    [("active", "medium"), ("active", "low"), ("lost", "high"), ("lost", "medium")],
)
def test_active_ordinary_and_lost_customers_have_no_cadence(
    lifecycle, tier, now, make_customer, contact_at
) -> None:
    customer = make_customer(lifecycle=lifecycle, value_tier=tier)
    contact_at(customer, now - days(200))
    services.reminders_generate(now)
    assert reminders(Kind.FOLLOW_UP_CADENCE) == []
    assert reminders(Kind.EXECUTIVE_VISIT) == []


def test_a_customer_in_two_segments_follows_the_stricter_cadence(
    now, make_customer, contact_at
) -> None:
    customer = make_customer(lifecycle="churn_risk", value_tier="high")
    contact_at(customer, now - days(8), method="visit")
    assert services.remind_follow_up_cadence(now) == 1
    [reminder] = reminders(Kind.FOLLOW_UP_CADENCE)
    assert reminder.due_on == timezone.localdate(now) - timedelta(days=1)  # weekly, not monthly


def test_a_new_contact_starts_the_cadence_again(now, make_customer, contact_at) -> None:
    customer = make_customer(lifecycle="churn_risk")
    contact_at(customer, now - days(7))
    services.remind_follow_up_cadence(now)
    contact_at(customer, now + timedelta(hours=1))
    for day in range(1, 7):
        services.remind_follow_up_cadence(now + days(day))
    assert len(reminders(Kind.FOLLOW_UP_CADENCE)) == 1
    services.remind_follow_up_cadence(now + days(7))
    due = [r.due_on for r in reminders(Kind.FOLLOW_UP_CADENCE)]
    today = timezone.localdate(now)
    assert due == [today, today + timedelta(days=7)]


def test_a_high_value_customer_gets_a_quarterly_executive_visit(
    now, rep, make_customer, contact_at
) -> None:
    customer = make_customer(value_tier="high")
    contact_at(customer, now - days(89), method="visit")
    contact_at(customer, now - days(2), method="phone")
    services.reminders_generate(now)
    assert reminders(Kind.EXECUTIVE_VISIT) == []  # last visit 89 days ago
    assert reminders(Kind.FOLLOW_UP_CADENCE) == []  # called 2 days ago

    services.reminders_generate(now + days(1))
    [visit] = reminders(Kind.EXECUTIVE_VISIT)
    assert (visit.user, visit.due_on) == (rep, timezone.localdate(now) + timedelta(days=1))
    assert visit.link == f"/customers/{customer.code}/"


def test_calls_and_meetings_do_not_count_as_the_executive_visit(
    now, make_customer, contact_at
) -> None:
    customer = make_customer(value_tier="high")
    for method in ("phone", "online_meeting", "email", "chat"):
        contact_at(customer, now - days(1), method=method)
    services.reminders_generate(now)
    assert [r.kind for r in reminders()] == ["executive_visit"]


# --- Planned follow-ups on interactions ------------------------------------------------------


def test_a_planned_follow_up_becomes_a_reminder_on_its_day(
    now, users, rep, make_customer, contact_at
) -> None:
    customer = make_customer()
    today = timezone.localdate(now)
    contact_at(
        customer, now - days(3), logged_by=users["customer_success"],
        next_follow_up_on=today, next_follow_up_plan="发送报价单",
    )  # fmt: skip
    contact_at(customer, now - days(3), next_follow_up_on=today + timedelta(days=1))

    assert services.remind_interaction_follow_up(now) == 1
    [reminder] = reminders(Kind.INTERACTION_FOLLOW_UP)
    assert (reminder.user, reminder.due_on) == (users["customer_success"], today)
    assert "发送报价单" in reminder.title
    assert reminder.link == f"/customers/{customer.code}/"


def test_a_follow_up_logged_by_an_integration_goes_to_the_customer_owner(
    now, users, rep, make_customer, contact_at
) -> None:
    customer = make_customer()
    contact_at(
        customer, now - days(1), logged_by=users["integration"],
        next_follow_up_on=timezone.localdate(now),
    )  # fmt: skip
    services.remind_interaction_follow_up(now)
    assert summary() == [("interaction_follow_up", "rep", timezone.localdate(now))]


def test_follow_ups_planned_more_than_30_days_ago_are_history(
    now, make_customer, contact_at
) -> None:
    customer = make_customer()
    today = timezone.localdate(now)
    contact_at(customer, now - days(40), next_follow_up_on=today - timedelta(days=31))
    contact_at(customer, now - days(40), next_follow_up_on=today - timedelta(days=30))
    services.remind_interaction_follow_up(now)
    assert [r.due_on for r in reminders()] == [today - timedelta(days=30)]


# --- Response SLA ----------------------------------------------------------------------------


def test_a_breached_response_sla_reminds_the_requirement_owner(now, dev, make_requirement) -> None:
    due = now - timedelta(hours=1)
    req = make_requirement(owner=dev, urgency_class="urgent", clocks={"response_due_at": due})
    assert services.remind_sla_breach(now) == 1
    [reminder] = reminders(Kind.SLA_BREACH)
    assert (reminder.user, reminder.due_on) == (dev, timezone.localdate(due))
    assert reminder.key == f"sla_breach:{req.number}:user{dev.pk}:{timezone.localdate(due)}"
    assert reminder.link == f"/requirements/{req.number}/"
    assert req.number in reminder.title


def test_an_unowned_breached_requirement_reminds_the_customer_owner(
    now, rep, make_requirement
) -> None:
    make_requirement(urgency_class="urgent", clocks={"response_due_at": now - days(1)})
    services.remind_sla_breach(now)
    assert summary() == [("sla_breach", "rep", timezone.localdate(now - days(1)))]


def test_a_deactivated_owner_hands_the_reminder_to_the_customer_owner(
    now, rep, dev, make_requirement
) -> None:
    make_requirement(owner=dev, urgency_class="urgent", clocks={"response_due_at": now - days(1)})
    dev.is_active = False
    dev.save()
    services.remind_sla_breach(now)
    assert [r.user for r in reminders()] == [rep]


@pytest.mark.parametrize(
    "clocks",
    [
        pytest.param({"first_response_at": "answered"}, id="answered"),
        pytest.param({"sla_paused_at": "paused"}, id="paused-waiting-for-the-customer"),
        pytest.param({}, id="deadline-not-reached"),
    ],
)
def test_no_breach_reminder_when_answered_paused_or_not_yet_due(
    clocks, now, dev, make_requirement
) -> None:
    due = now + timedelta(hours=5) if not clocks else now - timedelta(hours=1)
    values = {name: now - timedelta(hours=2) for name in clocks}
    make_requirement(owner=dev, urgency_class="urgent", clocks={"response_due_at": due, **values})
    services.reminders_generate(now)
    assert reminders(Kind.SLA_BREACH) == []
    assert reminders(Kind.SLA_NEAR) == []


def test_a_closed_requirement_no_longer_reminds_of_its_deadline(
    now, users, dev, make_requirement
) -> None:
    req = make_requirement(
        owner=dev, urgency_class="urgent", clocks={"response_due_at": now - timedelta(hours=1)}
    )
    move(req, users["product_manager"], "rejected")
    services.reminders_generate(now)
    assert reminders(Kind.SLA_BREACH) == []


def test_a_response_due_within_4_hours_is_near(now, dev, make_requirement) -> None:
    make_requirement(owner=dev, clocks={"response_due_at": now + timedelta(hours=3)})
    make_requirement(owner=dev, clocks={"response_due_at": now + timedelta(hours=9)})
    assert services.remind_sla_near(now) == 1
    assert summary() == [("sla_near", "dev", timezone.localdate(now + timedelta(hours=3)))]
    # Hours later the same requirement breaches: a second reminder, of the other kind.
    services.reminders_generate(now + timedelta(hours=4))
    assert [r.kind for r in reminders()] == ["sla_breach", "sla_near"]


# --- Technical plan, across the National Day holiday -----------------------------------------


def test_the_plan_deadline_skips_the_national_day_holiday(now, dev, make_requirement) -> None:
    accepted = local(2026, 9, 30, 10)  # the last working day before 1-7 October 2026
    plan_due = sla.plan_due(accepted)
    assert plan_due == local(2026, 10, 10, 10)  # 8, 9 and 10 October (a make-up Saturday)
    req = make_requirement(owner=dev, **HIGH, clocks={"plan_due_at": plan_due})
    assert req.priority == "high"

    for day in (1, 3, 5, 7, 8, 9):  # three calendar days would have been 3 October
        services.reminders_generate(local(2026, 10, day, 18))
    services.reminders_generate(local(2026, 10, 10, 9, 59))
    assert reminders(Kind.PLAN_OVERDUE) == []

    services.reminders_generate(local(2026, 10, 10, 10, 1))
    [reminder] = reminders(Kind.PLAN_OVERDUE)
    assert (reminder.user, reminder.due_on) == (dev, local(2026, 10, 10).date())
    assert reminder.key == f"plan_overdue:{req.number}:user{dev.pk}:2026-10-10"


def test_a_response_deadline_on_a_holiday_still_breaches(now, dev, make_requirement) -> None:
    # The response clock counts hours, holidays included; only the plan clock counts working days.
    make_requirement(owner=dev, clocks={"response_due_at": local(2026, 10, 2, 9)})
    services.reminders_generate(local(2026, 10, 2, 9, 5))
    assert summary(Kind.SLA_BREACH) == [("sla_breach", "dev", local(2026, 10, 2).date())]


def test_no_plan_reminder_once_the_plan_is_in_or_for_lower_priorities(
    now, dev, make_requirement
) -> None:
    late = {"plan_due_at": now - days(1)}
    make_requirement(owner=dev, **HIGH, clocks={**late, "plan_submitted_at": now - days(2)})
    make_requirement(owner=dev, clocks=late)  # medium priority: no plan clock
    services.reminders_generate(now)
    assert reminders(Kind.PLAN_OVERDUE) == []


# --- Owner silent for a week -----------------------------------------------------------------


def test_an_owner_silent_for_7_days_is_reminded_once(now, rep, dev, make_requirement) -> None:
    quiet = make_requirement(owner=dev)
    recent = make_requirement(owner=dev)
    unowned = make_requirement()
    Requirement.objects.filter(pk__in=[quiet.pk, unowned.pk]).update(updated_at=now - days(8))
    Requirement.objects.filter(pk=recent.pk).update(updated_at=now - days(6))

    assert services.remind_stale_owner(now) == 1
    [reminder] = reminders(Kind.STALE_OWNER)
    assert (reminder.user, reminder.due_on) == (dev, timezone.localdate(now) - timedelta(days=1))
    assert quiet.number in reminder.title

    for day in range(1, 10):  # one reminder per quiet spell, however long it lasts
        services.remind_stale_owner(now + days(day))
    today = timezone.localdate(now)
    assert [(r.link, r.due_on) for r in reminders(Kind.STALE_OWNER)] == [
        (f"/requirements/{quiet.number}/", today - timedelta(days=1)),
        (f"/requirements/{recent.number}/", today + timedelta(days=1)),
    ]


def test_a_closed_requirement_is_never_stale(now, users, dev, make_requirement) -> None:
    req = make_requirement(owner=dev)
    move(req, users["product_manager"], "rejected")
    Requirement.objects.filter(pk=req.pk).update(updated_at=now - days(30))
    assert services.remind_stale_owner(now) == 0


@pytest.mark.parametrize(
    ("kind", "fields", "clocks"),
    [
        ("sla_breach", {}, lambda at: {"response_due_at": at}),
        ("plan_overdue", HIGH, lambda at: {"plan_due_at": at}),
        ("stale_owner", {}, lambda at: {"updated_at": at - days(7)}),
    ],
)
def test_requirement_sources_look_back_30_days(
    kind, fields, clocks, now, dev, make_requirement
) -> None:
    inside = make_requirement(owner=dev, **fields, clocks=clocks(now - days(29)))
    make_requirement(owner=dev, **fields, clocks=clocks(now - days(31)))
    services.reminders_generate(now)
    assert [r.link for r in reminders(kind)] == [f"/requirements/{inside.number}/"]


def test_solution_reviews_wait_for_the_solutions_module(now) -> None:
    assert services.remind_solution_review(now) == 0
    assert "solutions module" in (services.remind_solution_review.__doc__ or "")


# --- Exactly once ----------------------------------------------------------------------------


@pytest.fixture
def one_of_each(now, users, rep, dev, make_customer, contact_at, make_requirement) -> None:
    """Something due for every source that has one."""
    contact_at(make_customer(lifecycle="churn_risk"), now - days(9))
    contact_at(make_customer(lifecycle="potential"), now - days(15))
    contact_at(
        make_customer(value_tier="high"), now - days(31),
        next_follow_up_on=timezone.localdate(now) - timedelta(days=2),
    )  # fmt: skip
    make_requirement(owner=dev, clocks={"response_due_at": now - days(2)})
    make_requirement(owner=dev, clocks={"response_due_at": now + timedelta(hours=1)})
    make_requirement(owner=dev, **HIGH, clocks={"plan_due_at": now - days(1)})
    stale = make_requirement(owner=dev)
    Requirement.objects.filter(pk=stale.pk).update(updated_at=now - days(10))


EXPECTED = {
    "follow_up_cadence": 3,
    "executive_visit": 1,
    "interaction_follow_up": 1,
    "sla_breach": 1,
    "sla_near": 1,
    "plan_overdue": 1,
    "stale_owner": 1,
    "solution_review": 0,
}


@pytest.mark.usefixtures("one_of_each")
def test_running_the_generator_ten_times_creates_each_reminder_once(now) -> None:
    assert services.reminders_generate(now) == EXPECTED
    first = sorted(Reminder.objects.values_list("key", flat=True))
    for minute in range(1, 10):
        counts = services.reminders_generate(now + timedelta(minutes=5 * minute))
        assert set(counts.values()) == {0}
    assert sorted(Reminder.objects.values_list("key", flat=True)) == first
    assert len(first) == sum(EXPECTED.values())


@pytest.mark.usefixtures("one_of_each")
def test_a_key_that_exists_is_left_alone_even_when_inserted_again(now) -> None:
    services.reminders_generate(now)
    existing = Reminder.objects.first()
    assert existing is not None
    existing.done_at = now
    existing.save()
    row = (existing.key, existing.user_id, existing.due_on, "again", existing.link)
    assert services._insert(Kind(existing.kind), [row, row]) == 0  # ON CONFLICT DO NOTHING
    existing.refresh_from_db()
    assert existing.title != "again"
    assert existing.done_at == now
    assert Reminder.objects.filter(key=existing.key).count() == 1


def test_a_reminder_marked_done_is_not_created_again(now, make_customer, contact_at) -> None:
    contact_at(make_customer(lifecycle="churn_risk"), now - days(7))
    services.reminders_generate(now)
    Reminder.objects.update(done_at=now)
    services.reminders_generate(now + days(1))
    assert Reminder.objects.count() == 1


def test_after_a_three_week_outage_each_due_item_appears_once_with_its_own_date(
    now, dev, make_customer, contact_at, make_requirement
) -> None:
    before = now - days(21)  # the last run before the outage
    churn = make_customer(lifecycle="churn_risk")
    contact_at(churn, before)
    planned = make_customer()
    contact_at(planned, before, next_follow_up_on=timezone.localdate(before) + timedelta(days=4))
    late = make_requirement(owner=dev, clocks={"response_due_at": before + days(2)})
    quiet = make_requirement(owner=dev)
    Requirement.objects.filter(pk=quiet.pk).update(updated_at=before)
    services.reminders_generate(before)
    assert Reminder.objects.count() == 0

    services.reminders_generate(now)  # the first run after three weeks
    start = timezone.localdate(before)
    assert summary() == [
        ("follow_up_cadence", "rep", start + timedelta(days=7)),  # not one per missed week
        ("interaction_follow_up", "rep", start + timedelta(days=4)),
        ("sla_breach", "dev", start + timedelta(days=2)),
        ("stale_owner", "dev", start + timedelta(days=7)),
    ]
    assert Reminder.objects.get(kind="sla_breach").key.endswith(str(start + timedelta(days=2)))
    assert late.number in Reminder.objects.get(kind="sla_breach").key

    for hour in range(1, 24):
        services.reminders_generate(now + timedelta(hours=hour))
    assert Reminder.objects.count() == 4


def test_runs_every_day_through_the_same_weeks_create_the_same_reminders(
    now, make_customer, contact_at
) -> None:
    churn = make_customer(lifecycle="churn_risk")
    contact_at(churn, now - days(21))
    for day in range(21, -1, -1):
        services.reminders_generate(now - days(day))
    assert [r.due_on for r in reminders()] == [timezone.localdate(now) - timedelta(days=14)]


def test_the_generator_writes_in_the_default_language_whoever_runs_it(
    now, monkeypatch, settings
) -> None:
    seen = []

    def source(at):
        seen.append(translation.get_language())
        return 0

    monkeypatch.setitem(services.SOURCES, Kind.SOLUTION_REVIEW, source)
    with translation.override("en"):
        services.reminders_generate(now)
    assert seen == [settings.LANGUAGE_CODE]


# --- E-mail ----------------------------------------------------------------------------------


@pytest.fixture
def two_for_rep(now, make_customer, contact_at) -> None:
    contact_at(make_customer(lifecycle="churn_risk"), now - days(7))
    contact_at(make_customer(lifecycle="potential"), now - days(14))
    services.reminders_generate(now)


@pytest.mark.usefixtures("two_for_rep")
def test_each_user_gets_one_e_mail_with_their_new_reminders_and_never_again(
    now, rep, mailoutbox, make_customer, contact_at, settings
) -> None:
    assert services.reminders_email(now) == 1
    [mail] = mailoutbox
    assert mail.to == ["rep@reqhub.example.com"]
    assert "2" in mail.subject
    assert mail.body.count(settings.SITE_URL) == 3  # two reminders and the list
    assert all(r.emailed_at == now for r in reminders())

    for _ in range(5):
        assert services.reminders_email(now + timedelta(minutes=5)) == 0
    assert len(mailoutbox) == 1

    contact_at(make_customer(lifecycle="churn_risk"), now - days(8))
    services.reminders_generate(now + timedelta(minutes=10))
    assert services.reminders_email(now + timedelta(minutes=10)) == 1
    assert len(mailoutbox) == 2
    assert "1" in mailoutbox[1].subject
    assert mailoutbox[1].body.count("/customers/") == 1


def test_users_without_an_address_or_inactive_get_no_e_mail(
    now, make_user, make_customer, contact_at, mailoutbox
) -> None:
    no_address = make_user(Role.SALES_REP, username="no_address")
    gone = make_user(Role.SALES_REP, username="gone", email="gone@reqhub.example.com")
    for owner in (no_address, gone):
        contact_at(make_customer(owner=owner, lifecycle="churn_risk"), now - days(7))
    gone.is_active = False
    gone.save()
    services.reminders_generate(now)
    assert services.reminders_email(now) == 0
    assert mailoutbox == []
    assert Reminder.objects.filter(emailed_at__isnull=False).count() == 0


@pytest.mark.usefixtures("two_for_rep")
def test_reminders_already_read_done_or_snoozed_are_not_e_mailed(now, mailoutbox) -> None:
    first, second = reminders()
    Reminder.objects.filter(pk=first.pk).update(read_at=now)
    Reminder.objects.filter(pk=second.pk).update(snoozed_until=now + days(1))
    assert services.reminders_email(now) == 0
    assert mailoutbox == []


@pytest.mark.usefixtures("two_for_rep")
def test_a_failed_send_leaves_the_reminders_for_the_next_run(now, mailoutbox, monkeypatch) -> None:
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.reminders_email(now)
    assert Reminder.objects.filter(emailed_at__isnull=False).count() == 0
    assert services.reminders_email(now) == 1
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("two_for_rep")
def test_a_long_list_is_cut_short_in_the_e_mail_but_all_are_marked(
    now, mailoutbox, monkeypatch, settings
) -> None:
    monkeypatch.setattr(services, "EMAIL_LIST_MAX", 1)
    assert services.reminders_email(now) == 1
    [mail] = mailoutbox
    assert mail.body.count("/customers/") == 1
    with translation.override(settings.LANGUAGE_CODE):
        more = ngettext("… and %(counter)s more.", "… and %(counter)s more.", 1) % {"counter": 1}
    assert more in mail.body
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 0
