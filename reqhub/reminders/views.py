"""The reminders page: open reminders, open one, mark done, snooze."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reqhub.core.types import AuthedHttpRequest

from . import selectors, services

PAGE_SIZE = 50


def _back(request: AuthedHttpRequest) -> HttpResponse:
    """Back to the page of the list the form was on."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect("reminders:list")


@login_required
@require_GET
def reminder_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.reminder_open(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reminders/reminder_list.html",
        {"page": page, "query": "", "today": timezone.localdate()},
    )


@login_required
@require_GET
def reminder_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark the reminder read and go to what it is about."""
    reminder = selectors.reminder_get(request.user, pk)
    services.reminder_mark_read(actor=request.user, reminder=reminder)
    # Links are paths the generator wrote; anything else is not followed.
    if reminder.link.startswith("/") and url_has_allowed_host_and_scheme(reminder.link, None):
        return redirect(reminder.link)
    return redirect("reminders:list")


@login_required
@require_POST
def reminder_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get(request.user, pk)
    services.reminder_mark_done(actor=request.user, reminder=reminder)
    messages.success(request, _("Reminder done: %(title)s") % {"title": reminder.title})
    return _back(request)


@login_required
@require_POST
def reminder_snooze(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get(request.user, pk)
    period = request.POST.get("period", "")
    if period not in services.SNOOZE_CHOICES:
        return HttpResponseBadRequest(_("Snooze for a day or a week."))
    services.reminder_snooze(actor=request.user, reminder=reminder, period=period)
    until = timezone.localtime(reminder.snoozed_until).strftime("%Y-%m-%d %H:%M")
    messages.success(request, _("Snoozed until %(until)s.") % {"until": until})
    return _back(request)
