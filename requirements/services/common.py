"""Pieces every requirement service shares: locking, versions, history rows, derived fields."""

from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.models import User
from reqhub.core.exceptions import StaleVersionError
from reqhub.core.pii import validate_no_personal_data

from .. import notify, scoring, search, sla
from ..models import HistoryKind, Priority, Requirement, RequirementEvent, RequirementRank


def lock(req: Requirement) -> Requirement:
    """Re-read ``req`` under a row lock; every write to a requirement starts here."""
    return Requirement.objects.select_for_update().select_related("customer").get(pk=req.pk)


def check_version(req: Requirement, version: int | None) -> None:
    if version is not None and version != req.version:
        raise StaleVersionError(req.version)


def record(
    req: Requirement,
    *,
    by: User | None,
    kind: str,
    field: str = "",
    old: Any = "",
    new: Any = "",
    reason: str = "",
    customer_visible: bool = False,
    at: datetime | None = None,
) -> RequirementEvent:
    event = RequirementEvent.objects.create(
        requirement=req, at=at or timezone.now(), by=by, kind=kind, field=field,
        old=_text(old), new=_text(new), reason=reason, customer_visible=customer_visible,
    )  # fmt: skip
    if customer_visible:
        notify.customer_contact(req, note=event.new if kind == HistoryKind.NOTE else "")
    return event


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, User):
        return value.username
    if hasattr(value, "number"):
        return str(value.number)
    return str(value)


MAX_REASON = 2_000


def clean_reason(reason: str) -> str:
    """A reason lands in the history and may reach the customer: bounded, no personal data."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    try:
        validate_no_personal_data(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    return reason


def apply_score(req: Requirement, w: scoring.Weights | None = None) -> list[str]:
    """Recompute score, priority and quadrant from the inputs onto ``req.rank`` (the caller
    saves it after the requirement); return the requirement's own fields that changed.

    A requirement that scores high gets its technical-plan deadline."""
    w = w or scoring.weights_current()
    try:
        rank = req.rank
    except RequirementRank.DoesNotExist:
        rank = RequirementRank(requirement=req, status=req.status)
        req.rank = rank
    inputs = (req.importance, req.urgency, req.customer_value, req.difficulty)
    rank.inputs_key = scoring.inputs_key(*inputs)
    rank.score = scoring.score_of(*inputs, w)
    rank.priority = scoring.priority_of(rank.score, w).value
    rank.quadrant = scoring.quadrant_of(req.importance, req.customer_value, req.difficulty).value
    if rank.priority == Priority.HIGH and req.plan_due_at is None:
        req.plan_due_at = sla.plan_due(timezone.now())
        return ["plan_due_at"]
    return []


def refresh_search(req: Requirement) -> None:
    doc = search.document(req.title, req.description, req.background, req.evidence)
    Requirement.objects.filter(pk=req.pk).update(search=SearchVector(Value(doc), config="simple"))


def record_first_response(req: Requirement, at: datetime) -> list[str]:
    if req.first_response_at is None:
        req.first_response_at = at
        return ["first_response_at"]
    return []


__all__ = ["HistoryKind", "apply_score", "check_version", "lock", "record", "refresh_search"]
