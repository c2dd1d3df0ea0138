"""The bell in the top bar and the reminders page: list, open, mark done, snooze."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reqhub.reminders import selectors
from reqhub.reminders.models import Kind, Reminder

pytestmark = pytest.mark.django_db

LIST = reverse("reminders:list")


def reminder(user, n: int = 1, **fields) -> Reminder:
    fields.setdefault("due_on", timezone.localdate())
    return Reminder.objects.create(
        user=user, kind=Kind.SLA_BREACH, title=f"回复超时 REQ-2026-{n:06d}",
        link=f"/requirements/REQ-2026-{n:06d}/", key=f"sla_breach:REQ-2026-{n:06d}:user{user.pk}",
        **fields,
    )  # fmt: skip


def bell_count(client: Client, url: str = LIST) -> str | None:
    """The number on the bell, or None when it shows none."""
    html = client.get(url).content.decode()
    assert 'id="reminder-bell"' in html
    if 'class="bell-count"' not in html:
        return None
    return html.split('class="bell-count">', 1)[1].split("<", 1)[0]


def test_the_bell_counts_the_users_unread_open_reminders(client, rep, dev) -> None:
    client.force_login(rep)
    assert bell_count(client) is None
    reminder(rep, 1)
    reminder(rep, 2)
    reminder(rep, 3, read_at=timezone.now())
    reminder(rep, 4, done_at=timezone.now())
    reminder(rep, 5, snoozed_until=timezone.now() + timedelta(hours=1))
    reminder(dev, 6)
    assert bell_count(client) == "2"
    assert bell_count(client, reverse("customers:list")) == "2"  # on every page


def test_the_bell_shows_99_plus_beyond_99(client, rep) -> None:
    for n in range(100):
        reminder(rep, n)
    client.force_login(rep)
    assert bell_count(client) == "99+"


def test_the_bell_costs_one_count_query(client, rep) -> None:
    reminder(rep)
    client.force_login(rep)
    client.get(LIST)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("customers:list"))
    counts = [q["sql"] for q in ctx.captured_queries if "reminders_reminder" in q["sql"]]
    assert len(counts) == 1
    assert counts[0].startswith("SELECT COUNT(*)")


def test_no_bell_for_anonymous_visitors(client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "reminder-bell" not in html


def test_the_page_needs_a_login(client) -> None:
    res = client.get(LIST)
    assert res.status_code == 302
    assert res.url.startswith(reverse("login"))


def test_the_page_lists_open_reminders_earliest_first_and_only_the_users_own(
    client, rep, dev
) -> None:
    today = timezone.localdate()
    later = reminder(rep, 1, due_on=today)
    earlier = reminder(rep, 2, due_on=today - timedelta(days=3))
    reminder(rep, 3, done_at=timezone.now())
    reminder(dev, 4)
    client.force_login(rep)
    res = client.get(LIST)
    assert list(res.context["page"].object_list) == [earlier, later]
    html = res.content.decode()
    assert "REQ-2026-000004" not in html
    assert reverse("reminders:open", args=[earlier.pk]) in html
    assert 'class="badge badge-late"' in html  # the overdue one stands out


def test_an_empty_list_says_so(client, rep) -> None:
    client.force_login(rep)
    res = client.get(LIST)
    assert res.status_code == 200
    assert 'class="empty"' in res.content.decode()
    assert "reminder-table" not in res.content.decode()


def test_the_list_pages_50_at_a_time_with_constant_queries(client, rep) -> None:
    for n in range(1, 56):
        reminder(rep, n)
    client.force_login(rep)
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(LIST)
    assert len(res.context["page"].object_list) == 50
    assert res.context["page"].paginator.count == 55
    assert len(ctx.captured_queries) <= 6
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_opening_a_reminder_marks_it_read_and_goes_to_its_object(client, rep) -> None:
    item = reminder(rep)
    client.force_login(rep)
    res = client.get(reverse("reminders:open", args=[item.pk]))
    assert res.status_code == 302
    assert res.url == "/requirements/REQ-2026-000001/"
    item.refresh_from_db()
    assert item.read_at is not None
    assert bell_count(client) is None


def test_mark_done_removes_it_from_the_list(client, rep) -> None:
    item = reminder(rep)
    client.force_login(rep)
    res = client.post(reverse("reminders:done", args=[item.pk]), {"next": f"{LIST}?page=1"})
    assert res.status_code == 302
    assert res.url == f"{LIST}?page=1"
    item.refresh_from_db()
    assert item.done_at is not None
    assert list(client.get(LIST).context["page"].object_list) == []
    done_at = item.done_at
    client.post(reverse("reminders:done", args=[item.pk]))  # twice: the first time stays
    item.refresh_from_db()
    assert item.done_at == done_at


@pytest.mark.parametrize(("period", "hours"), [("day", 24), ("week", 24 * 7)])
def test_snooze_hides_the_reminder_until_the_time_has_passed(period, hours, client, rep) -> None:
    item = reminder(rep, read_at=timezone.now())
    client.force_login(rep)
    before = timezone.now()
    client.post(reverse("reminders:snooze", args=[item.pk]), {"period": period})
    item.refresh_from_db()
    assert before + timedelta(hours=hours) <= item.snoozed_until
    assert item.snoozed_until <= timezone.now() + timedelta(hours=hours)
    assert list(client.get(LIST).context["page"].object_list) == []
    assert bell_count(client) is None

    just_before = item.snoozed_until - timedelta(minutes=1)
    assert list(selectors.reminder_open(rep, now=just_before)) == []
    assert list(selectors.reminder_open(rep, now=item.snoozed_until)) == [item]
    # Once the time has passed it is back, and unread again.
    Reminder.objects.filter(pk=item.pk).update(snoozed_until=timezone.now() - timedelta(seconds=1))
    assert list(client.get(LIST).context["page"].object_list) == [item]
    assert bell_count(client) == "1"


def test_an_unknown_snooze_period_is_refused(client, rep) -> None:
    item = reminder(rep)
    client.force_login(rep)
    res = client.post(reverse("reminders:snooze", args=[item.pk]), {"period": "year"})
    assert res.status_code == 400
    item.refresh_from_db()
    assert item.snoozed_until is None


@pytest.mark.parametrize("action", ["open", "done", "snooze"])
def test_someone_elses_reminder_is_not_found(action, client, rep, dev) -> None:
    theirs = reminder(dev)
    client.force_login(rep)
    url = reverse(f"reminders:{action}", args=[theirs.pk])
    res = client.get(url) if action == "open" else client.post(url, {"period": "day"})
    assert res.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.read_at, theirs.done_at, theirs.snoozed_until) == (None, None, None)


@pytest.mark.parametrize("action", ["done", "snooze"])
def test_changes_are_post_only_and_need_the_csrf_token(action, rep) -> None:
    item = reminder(rep)
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    url = reverse(f"reminders:{action}", args=[item.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"period": "day"}).status_code == 403
    page = client.get(LIST).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 2


def test_a_foreign_next_address_is_not_followed(client, rep) -> None:
    item = reminder(rep)
    client.force_login(rep)
    res = client.post(
        reverse("reminders:done", args=[item.pk]), {"next": "https://evil.example.com/"}
    )
    assert res.url == LIST
