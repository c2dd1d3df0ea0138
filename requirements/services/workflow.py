"""Status changes: the one place that writes `status`, plus merging duplicates."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.models import User
from reqhub.core.exceptions import ConflictError, DomainError

from .. import workflow
from ..models import AssignmentRule, HistoryKind, Requirement
from ..permissions import can_merge_requirement, can_transition_requirement
from ..workflow import Status
from .common import check_version, clean_reason, lock, record, record_first_response


def _refuse_move(req: Requirement, to: str) -> ConflictError:
    allowed = sorted(workflow.allowed_targets(req.status))
    names = ", ".join(f"{Status(s).label} ({s})" for s in allowed) or _("none: it is closed")
    return ConflictError(
        _("“%(current)s” (%(code)s) cannot move to “%(to)s”. Allowed: %(allowed)s.")
        % {"current": Status(req.status).label, "code": req.status, "to": to, "allowed": names},
        field="to",
    )


@transaction.atomic
def requirement_transition(
    *,
    actor: User | None,
    requirement: Requirement,
    to: str,
    reason: str = "",
    version: int | None = None,
    on_behalf_of_customer: bool = False,
) -> Requirement:
    """Move a requirement to another status, under a row lock.

    Refused (409, nothing changed) when the move is not in workflow.MOVES or the version is
    stale; refused (403) when the role may not make this kind of move; a move that needs a
    reason without one is a 400. Side effects: the first move out of `new` is the first
    response; waiting on the customer (`needs_info`) pauses the response clock; acceptance
    into the plan assigns the owner from the assignment rules. ``actor`` None is the customer
    (public status page), allowed only the customer's own moves.
    """
    req = lock(requirement)
    check_version(req, version)
    if to not in Status.values:
        raise DomainError(_("Unknown status “%(to)s”.") % {"to": to}, field="to")
    if not workflow.is_allowed(req.status, to):
        raise _refuse_move(req, to)
    source, target = Status(req.status), Status(to)
    if actor is None:
        if (source, target) not in workflow.ACCEPTANCE | workflow.CUSTOMER_ANSWER:
            raise PermissionDenied
    elif not can_transition_requirement(actor, req, to):
        raise PermissionDenied(_("Your role may not make this move."))
    reason = clean_reason(reason)
    if (source, target) in workflow.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Say why: this move needs a reason.")})

    now = timezone.now()
    changed = ["status", "version", "updated_at"]
    if source == Status.NEW:
        changed += record_first_response(req, now)
    if target == Status.NEEDS_INFO:
        req.sla_paused_at = now
        changed.append("sla_paused_at")
    if source == Status.NEEDS_INFO and req.sla_paused_at is not None:
        if req.response_due_at is not None and req.first_response_at is None:
            req.response_due_at += now - req.sla_paused_at
            changed.append("response_due_at")
        req.sla_paused_at = None
        changed.append("sla_paused_at")
    if target == Status.NOT_STARTED and req.owner_id is None:
        rule = AssignmentRule.objects.filter(type=req.type).select_related("owner").first()
        if rule is not None:
            req.owner = rule.owner
            changed.append("owner")
            if rule.collaborator_id:
                req.followers.add(rule.collaborator_id)
            record(req, by=actor, kind=HistoryKind.FIELD, field="owner", new=rule.owner)
    req.status = target
    req.version += 1
    req.save(update_fields=list(dict.fromkeys(changed)))
    record(
        req, by=actor, kind=HistoryKind.STATUS, field="status", old=source, new=target,
        reason=reason, customer_visible=True, at=now,
    )  # fmt: skip
    return req


@transaction.atomic
def requirement_merge(
    *, actor: User, requirement: Requirement, into: Requirement, reason: str
) -> Requirement:
    """Merge a duplicate into a survivor; the duplicate keeps its number and points at it.

    Followers, tags and evidence files move to the survivor; the duplicate's history stays and
    shows in the survivor's history. Both customers see the merge on their status page.
    """
    if not can_merge_requirement(actor):
        raise PermissionDenied(_("Your role may not merge requirements."))
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why these are the same requirement.")})
    if requirement.pk == into.pk:
        raise ConflictError(_("A requirement cannot be merged into itself."), field="into")
    # Lock both rows in id order so two opposite merges cannot deadlock.
    first, second = sorted([requirement, into], key=lambda r: r.pk)
    locked = {r.pk: lock(r) for r in (first, second)}
    dup, survivor = locked[requirement.pk], locked[into.pk]
    if survivor.status == Status.MERGED:
        raise ConflictError(
            _("%(n)s is itself merged into another requirement; merge into that one.")
            % {"n": survivor.number},
            field="into",
        )
    if survivor.status in (Status.REJECTED, Status.OUT_OF_SCOPE):
        raise ConflictError(
            _("%(n)s is “%(s)s”; reopen it first or merge into a live requirement.")
            % {"n": survivor.number, "s": Status(survivor.status).label},
            field="into",
        )
    if dup.status not in workflow.OPEN:
        raise ConflictError(
            _("Only open requirements can be merged; this one is “%(s)s”.")
            % {"s": Status(dup.status).label},
            field="requirement",
        )
    now = timezone.now()
    source = dup.status
    dup.status = Status.MERGED
    dup.merged_into = survivor
    dup.version += 1
    dup.save(update_fields=["status", "merged_into", "version", "updated_at"])
    survivor.followers.add(*dup.followers.all())
    survivor.tags.add(*dup.tags.all())
    dup.files.update(requirement=survivor)
    survivor.version += 1
    survivor.save(update_fields=["version", "updated_at"])
    record(
        dup, by=actor, kind=HistoryKind.STATUS, field="status", old=source, new=Status.MERGED,
        reason=reason, customer_visible=True, at=now,
    )  # fmt: skip
    record(
        survivor, by=actor, kind=HistoryKind.MERGE, field="merged_from", new=dup.number,
        reason=reason, customer_visible=True, at=now,
    )  # fmt: skip
    return dup


@dataclass
class BulkResult:
    number: str
    ok: bool
    error: str = ""


def requirement_bulk_transition(
    *, actor: User, requirements: list[Requirement], to: str, reason: str = ""
) -> list[BulkResult]:
    """Apply one move to many requirements, each in its own transaction; report each outcome."""
    results = []
    for req in requirements:
        try:
            requirement_transition(actor=actor, requirement=req, to=to, reason=reason)
        except (DomainError, PermissionDenied, ValidationError) as exc:
            message = getattr(exc, "message", None) or "; ".join(
                str(m) for m in getattr(exc, "messages", [str(exc) or _("Not allowed.")])
            )
            results.append(BulkResult(req.number, ok=False, error=str(message)))
        else:
            results.append(BulkResult(req.number, ok=True))
    return results
