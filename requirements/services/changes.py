"""Change requests on requirements already accepted into the plan."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can
from reqhub.core.exceptions import ConflictError

from .. import workflow
from ..models import ChangeRequest, Decision, HistoryKind, Requirement
from ..permissions import can_edit_requirement
from .common import lock, record


@transaction.atomic
def change_request_create(
    *,
    actor: User,
    requirement: Requirement,
    what: str,
    why: str,
    impact_scope: str = "",
    impact_effort: str = "",
    impact_dates: str = "",
) -> ChangeRequest:
    """Record a proposed change to an accepted requirement with its assessed impact."""
    req = lock(requirement)
    if not can_edit_requirement(actor, req):
        raise PermissionDenied(_("You may not edit this requirement."))
    if req.status not in workflow.ACCEPTED:
        raise ConflictError(
            _("Change requests are for requirements in the plan; edit this one directly.")
        )
    change = ChangeRequest(
        requirement=req, what=what, why=why, impact_scope=impact_scope,
        impact_effort=impact_effort, impact_dates=impact_dates, requested_by=actor,
    )  # fmt: skip
    change.full_clean()
    change.save()
    record(req, by=actor, kind=HistoryKind.CHANGE_REQUEST, new=what, reason=why)
    return change


@transaction.atomic
def change_request_decide(
    *, actor: User, change: ChangeRequest, decision: str, note: str = ""
) -> ChangeRequest:
    """Approve or reject a pending change request (a product decision)."""
    if not can(actor, "requirement.screen"):
        raise PermissionDenied(_("Your role may not decide change requests."))
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.decision != Decision.PENDING:
        raise ConflictError(_("This change request has already been decided."))
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise ValidationError({"decision": _("Choose approved or rejected.")})
    change.decision, change.decision_note = decision, note
    change.decided_by, change.decided_at = actor, timezone.now()
    change.full_clean()
    change.save()
    record(
        change.requirement, by=actor, kind=HistoryKind.CHANGE_REQUEST, field="decision",
        old=Decision.PENDING, new=decision, reason=note,
    )  # fmt: skip
    return change
