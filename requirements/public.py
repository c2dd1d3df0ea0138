"""What a customer sees of a requirement on the public status page: nothing more.

No customer name, owners, scores, internal notes or other requirements ever leave here.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from . import access
from .models import HistoryKind, Requirement, RequirementEvent
from .workflow import Status

NUMBER_RE = re.compile(r"REQ-\d{4}-\d{6,9}")

CUSTOMER_LABELS = {
    Status.NEW: _("Received, being reviewed"),
    Status.NEEDS_INFO: _("Waiting for information from you"),
    Status.NOT_STARTED: _("Planned"),
    Status.IN_PROGRESS: _("In progress"),
    Status.TESTING: _("Being tested"),
    Status.AWAITING_ACCEPTANCE: _("Ready for your acceptance"),
    Status.DONE: _("Done"),
    Status.MERGED: _("Combined with a matching request"),
    Status.OUT_OF_SCOPE: _("Not planned for now"),
    Status.REJECTED: _("Declined"),
}


def customer_label(status: str) -> str:
    return str(CUSTOMER_LABELS[Status(status)])


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status: str
    status_label: str
    note: str


@dataclass(frozen=True)
class PublicStatus:
    requirement: Requirement
    number: str
    title: str
    status: str
    status_label: str
    updated_at: datetime
    planned_completion: date | None
    can_accept: bool
    can_rate: bool
    satisfaction: int | None
    timeline: list[TimelineEntry]


def status_lookup(number: str, code: str) -> Requirement | None:
    """The requirement for a number and access code, or None; one indexed read.

    A malformed number, an unknown one and a wrong code all give None, and the code is
    compared in constant time against its stored hash.
    """
    number = (number or "").strip().upper()
    code = (code or "").strip()
    if not NUMBER_RE.fullmatch(number) or not code or len(code) > 64:
        return None
    req = (
        Requirement.objects.only(
            "id",
            "number",
            "title",
            "status",
            "updated_at",
            "planned_completion",
            "access_code_hash",
            "satisfaction",
            "merged_into_id",
        )
        .filter(number=number)
        .first()
    )
    if req is None or not access.code_matches(code, req.access_code_hash):
        return None
    return req


def public_status(req: Requirement) -> PublicStatus:
    """The customer's view: status label, dates and the customer-visible timeline."""
    status = req.status
    if status == Status.MERGED and req.merged_into_id:
        # The survivor's progress is what the customer waits for; its number and title stay
        # hidden (it may belong to another customer).
        survivor = Requirement.objects.only("status", "updated_at", "planned_completion").get(
            pk=req.merged_into_id
        )
        label = f"{customer_label(Status.MERGED)} · {customer_label(survivor.status)}"
        planned, updated = survivor.planned_completion, max(req.updated_at, survivor.updated_at)
    else:
        label, planned, updated = customer_label(status), req.planned_completion, req.updated_at
    return PublicStatus(
        requirement=req, number=req.number, title=req.title, status=status, status_label=label,
        updated_at=updated, planned_completion=planned,
        can_accept=status == Status.AWAITING_ACCEPTANCE,
        can_rate=status == Status.DONE and req.satisfaction is None,
        satisfaction=req.satisfaction, timeline=timeline(req),
    )  # fmt: skip


def timeline(req: Requirement) -> list[TimelineEntry]:
    """Customer-visible events, oldest first: status changes and notes marked visible."""
    events = RequirementEvent.objects.filter(requirement=req, customer_visible=True).only(
        "at", "kind", "new", "field"
    )
    entries = []
    current = Status.NEW.value
    for event in events.order_by("at", "id"):
        note = ""
        if event.kind in (HistoryKind.STATUS, HistoryKind.CREATED):
            current = event.new or current
        elif event.kind == HistoryKind.NOTE:
            note = event.new
        else:
            continue
        entries.append(TimelineEntry(event.at, current, customer_label(current), note))
    return entries
