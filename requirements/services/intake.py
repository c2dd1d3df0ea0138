"""Intake and editing: create, change fields, notes, evidence files, access codes."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from reqhub.accounts.models import User
from reqhub.accounts.permissions import can
from reqhub.core.exceptions import ConflictError
from reqhub.core.sequences import counter_next, current_year
from reqhub.core.services import model_update

from .. import access, sla, uploads, workflow
from ..models import EvidenceFile, HistoryKind, Requirement, RequirementNote, Tag
from ..permissions import can_edit_requirement
from ..workflow import Status
from .common import apply_score, check_version, lock, record, record_first_response, refresh_search

CONTENT_FIELDS = {
    "title", "description", "background", "evidence", "contact", "channel", "category",
    "nature", "type", "importance", "urgency", "customer_value", "difficulty", "urgency_class",
    "owner", "planned_completion", "plan_submitted_at", "notify_contact",
}  # fmt: skip
SCORE_INPUTS = {"importance", "urgency", "customer_value", "difficulty"}
TEXT_FIELDS = {"title", "description", "background", "evidence"}
# What the customer asked for; once accepted into the plan it changes by change request only.
SCOPE_FIELDS = {"title", "description", "evidence"}


def requirement_number_next() -> str:
    year = current_year()
    return f"REQ-{year}-{counter_next(f'requirement:{year}'):06d}"


def _tags(names: list[str]) -> list[Tag]:
    cleaned = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    for name in cleaned:
        try:
            Tag(name=name).full_clean(validate_unique=False)
        except ValidationError as exc:
            raise ValidationError({"tags": exc.message_dict.get("name", exc.messages)}) from exc
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=cleaned))


def _check_contact(req: Requirement) -> None:
    if req.contact_id and req.contact and req.contact.customer_id != req.customer_id:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})


@transaction.atomic
def requirement_create(
    *, actor: User, customer: Customer, tags: list[str] | None = None, **data: Any
) -> tuple[Requirement, str]:
    """Log a requirement; returns it and its access code (shown once, stored only as a hash).

    Gives it the next number, scores it with the model in force, starts the response clock of
    its urgency class and, when it scores high, the 3-working-day technical-plan clock.
    """
    if not can(actor, "requirement.create", owner_id=customer.owner_id):
        raise PermissionDenied(_("You may not log requirements for this customer."))
    code = access.code_new()
    now = timezone.now()
    req = Requirement(
        customer=customer, number=requirement_number_next(), created_by=actor,
        access_code_hash=access.code_hash(code),
    )  # fmt: skip
    model_update(req, data=data, allowed=CONTENT_FIELDS)
    _check_contact(req)
    apply_score(req)
    req.response_due_at = sla.response_due(req.urgency_class, now)
    req.full_clean(validate_unique=False, validate_constraints=False)
    req.save()
    req.rank.save(force_insert=True)
    if tags:
        req.tags.set(_tags(tags))
    refresh_search(req)
    record(req, by=actor, kind=HistoryKind.CREATED, new=req.status, customer_visible=True, at=now)
    return req, code


@transaction.atomic
def requirement_update(
    *,
    actor: User,
    requirement: Requirement,
    version: int | None = None,
    reason: str = "",
    tags: list[str] | None = None,
    **data: Any,
) -> Requirement:
    """Change fields under a row lock, one history line per changed field.

    A stale ``version`` changes nothing (409). Changing a score input re-scores; changing the
    urgency class before the first response restarts the response clock from the creation time.
    """
    req = lock(requirement)
    if not can_edit_requirement(actor, req):
        raise PermissionDenied(_("You may not edit this requirement."))
    check_version(req, version)
    if req.status == Status.MERGED:
        raise ConflictError(
            _("This requirement was merged into %(n)s; edit that one.")
            % {"n": req.merged_into.number if req.merged_into else "?"}
        )
    scope_changes = SCOPE_FIELDS & {k for k, v in data.items() if getattr(req, k) != v}
    if req.status in workflow.ACCEPTED and scope_changes:
        raise ConflictError(
            _(
                "This requirement is in the plan: record a change request (what, why, impact) "
                "instead of editing %(fields)s."
            )
            % {"fields": ", ".join(sorted(scope_changes))},
            field=sorted(scope_changes)[0],
        )
    before = {name: getattr(req, name) for name in data}
    changed = model_update(req, data=data, allowed=CONTENT_FIELDS)
    old_tags = sorted(t.name for t in req.tags.all()) if tags is not None else []
    new_tags = sorted({t.strip() for t in tags if t.strip()}) if tags is not None else []
    if not changed and old_tags == new_tags:
        return req
    _check_contact(req)
    rescored = bool(SCORE_INPUTS & set(changed))
    if rescored:
        changed += apply_score(req)
    if "urgency_class" in changed and req.first_response_at is None:
        req.response_due_at = sla.response_due(req.urgency_class, req.created_at)
        changed.append("response_due_at")
    req.full_clean(validate_unique=False, validate_constraints=False)
    req.version += 1
    req.save(update_fields=[*dict.fromkeys(changed), "version", "updated_at"])
    if rescored:
        req.rank.save()
    for name in data:
        if name in changed:
            record(
                req, by=actor, kind=HistoryKind.FIELD, field=name, old=before[name],
                new=getattr(req, name), reason=reason,
            )  # fmt: skip
    if old_tags != new_tags:
        req.tags.set(_tags(new_tags))
        record(
            req, by=actor, kind=HistoryKind.FIELD, field="tags", old=", ".join(old_tags),
            new=", ".join(new_tags), reason=reason,
        )  # fmt: skip
    if TEXT_FIELDS & set(changed):
        refresh_search(req)
    return req


@transaction.atomic
def requirement_note_add(
    *, actor: User, requirement: Requirement, text: str, customer_visible: bool = False
) -> RequirementNote:
    """Add a note; a customer-visible note is a response to the customer (stops the SLA clock)."""
    req = lock(requirement)
    if not can(actor, "requirement.view", owner_id=req.customer.owner_id) or not (
        can(actor, "requirement.edit", owner_id=req.customer.owner_id)
        or can(actor, "requirement.deliver", owner_id=req.owner_id)
    ):
        raise PermissionDenied(_("You may not add notes to this requirement."))
    note = RequirementNote(
        requirement=req, text=text, customer_visible=customer_visible, author=actor
    )
    note.full_clean()
    note.save()
    record(
        req, by=actor, kind=HistoryKind.NOTE, new=text, customer_visible=customer_visible,
        at=note.created_at,
    )  # fmt: skip
    if customer_visible and record_first_response(req, note.created_at):
        req.save(update_fields=["first_response_at"])
    return note


@transaction.atomic
def requirement_evidence_add(
    *, actor: User, requirement: Requirement, upload: UploadedFile
) -> EvidenceFile:
    """Attach a file the customer supplied; type and size are checked by its content."""
    req = lock(requirement)
    if not can_edit_requirement(actor, req):
        raise PermissionDenied(_("You may not edit this requirement."))
    content_type = uploads.check(upload)
    evidence = EvidenceFile(
        requirement=req, original_name=(upload.name or "file")[:200],
        content_type=content_type, size=upload.size or 0, uploaded_by=actor,
    )  # fmt: skip
    evidence.file.save(uploads.safe_name(upload.name or "file"), upload, save=False)
    evidence.save()
    record(req, by=actor, kind=HistoryKind.FIELD, field="evidence_file", new=evidence.original_name)
    return evidence


@transaction.atomic
def requirement_access_code_renew(*, actor: User, requirement: Requirement) -> str:
    """Issue a new access code (returned once); the old one stops working at once."""
    req = lock(requirement)
    if not can_edit_requirement(actor, req):
        raise PermissionDenied(_("You may not edit this requirement."))
    code = access.code_new()
    req.access_code_hash = access.code_hash(code)
    req.save(update_fields=["access_code_hash", "updated_at"])
    record(req, by=actor, kind=HistoryKind.ACCESS_CODE)
    return code
