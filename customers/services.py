"""Writes for customers, contacts, interactions and missing-data notes."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can
from reqhub.core.exceptions import StaleVersionError
from reqhub.core.sequences import counter_next, current_year
from reqhub.core.services import model_update

from .models import LATE_AFTER, Contact, Customer, Interaction, MissingDataNote

CUSTOMER_FIELDS = {
    "name", "industry", "size", "revenue_band", "region", "founded", "main_business", "owner",
    "first_cooperation_on", "products_bought", "purchase_amount_6m", "usage_per_month",
    "satisfaction", "channel_preference", "lifecycle", "value_tier", "notes",
}  # fmt: skip
FINANCIAL_FIELDS = {"purchase_amount_6m", "revenue_band"}
CONTACT_FIELDS = {"name", "position", "work_phone", "work_email", "decision_role"}
# A contact's clock and ours may differ by a few minutes; a time further ahead is a typo.
FUTURE_TOLERANCE = timedelta(minutes=10)


def customer_code_next(year: int | None = None) -> str:
    """`C` + year (Asia/Shanghai) + a per-year sequence of at least three digits."""
    year = year or current_year()
    return f"C{year}{counter_next(f'customer:{year}'):03d}"


def _check_owner(actor: User, owner: User) -> None:
    if not owner.is_active:
        raise ValidationError({"owner": _("This user is inactive and cannot own customers.")})
    if owner.pk != actor.pk and not can(actor, "customer.reassign"):
        raise ValidationError(
            {"owner": _("You can only create and keep customers as their owner.")}
        )


def _check_financials(actor: User, customer: Customer | None, fields: set[str]) -> None:
    touched = fields & FINANCIAL_FIELDS
    owner_id = customer.owner_id if customer else actor.pk
    if touched and not can(actor, "customer.view_financials", owner_id=owner_id):
        raise PermissionDenied(_("Your role may not see or change financial figures."))


@transaction.atomic
def customer_create(
    *, actor: User, owner: User | None = None, year: int | None = None, **data: Any
) -> Customer:
    """Create a customer with the next code; the owner defaults to the acting user.

    ``year`` numbers a customer brought in from an earlier year's records (imports, demo data).
    Raises PermissionDenied when the role may not create customers (or may not set financial
    figures) and ValidationError, naming the field, for invalid data; nothing is saved then.
    """
    if not can(actor, "customer.create"):
        raise PermissionDenied(_("Your role may not create customers."))
    owner = owner or actor
    _check_owner(actor, owner)
    _check_financials(actor, None, set(data))
    # Taken inside the transaction: if validation fails the number is handed back.
    customer = Customer(owner=owner, code=customer_code_next(year))
    model_update(customer, data=data, allowed=CUSTOMER_FIELDS)
    customer.full_clean(validate_unique=False)
    customer.save()
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, version: int | None = None, **data: Any
) -> Customer:
    """Change a customer's fields under a row lock; a stale ``version`` changes nothing (409)."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not can(actor, "customer.edit", owner_id=locked.owner_id):
        raise PermissionDenied(_("You may not edit this customer."))
    if version is not None and version != locked.version:
        raise StaleVersionError(locked.version)
    if "owner" in data and data["owner"] != locked.owner:
        if not can(actor, "customer.reassign"):
            raise ValidationError({"owner": _("Your role may not give customers to others.")})
        _check_owner(actor, data["owner"])
    _check_financials(actor, locked, set(data))
    changed = model_update(locked, data=data, allowed=CUSTOMER_FIELDS)
    if changed:
        locked.full_clean(validate_unique=False)
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
    return locked


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, **data: Any) -> Contact:
    """Add a contact; work phone and e-mail only (the personal-data guard refuses others)."""
    if not can(actor, "customer.edit", owner_id=customer.owner_id):
        raise PermissionDenied(_("You may not edit this customer."))
    contact = Contact(customer=customer)
    model_update(contact, data=data, allowed=CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, **data: Any) -> Contact:
    if not can(actor, "customer.edit", owner_id=contact.customer.owner_id):
        raise PermissionDenied(_("You may not edit this customer."))
    changed = model_update(contact, data=data, allowed=CONTACT_FIELDS)
    if changed:
        contact.full_clean()
        contact.save(update_fields=[*changed, "updated_at"])
    return contact


@transaction.atomic
def interaction_create(
    *, actor: User, customer: Customer, occurred_at: datetime, **data: Any
) -> Interaction:
    """Log an interaction; one logged more than 24 hours after it happened is flagged late."""
    if not can(actor, "interaction.create", owner_id=customer.owner_id):
        raise PermissionDenied(_("You may not log interactions for this customer."))
    now = timezone.now()
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": _("An interaction cannot be in the future.")})
    interaction = Interaction(
        customer=customer,
        occurred_at=occurred_at,
        logged_by=actor,
        is_late=now - occurred_at > LATE_AFTER,
    )
    model_update(
        interaction,
        data=data,
        allowed={
            "method", "participants", "summary", "mood", "key_demands", "next_follow_up_on",
            "next_follow_up_plan",
        },
    )  # fmt: skip
    interaction.full_clean()
    follow_up = interaction.next_follow_up_on
    if follow_up and follow_up < timezone.localdate(occurred_at):
        raise ValidationError(
            {"next_follow_up_on": _("The next follow-up cannot be before the interaction.")}
        )
    interaction.save()
    return interaction


@transaction.atomic
def missing_data_note_create(
    *, actor: User, customer: Customer, field: str, reason: str, supplier: User | None = None
) -> MissingDataNote:
    """Record why a customer field is empty and who will supply it (one open note per field)."""
    if not can(actor, "customer.edit", owner_id=customer.owner_id):
        raise PermissionDenied(_("You may not edit this customer."))
    if MissingDataNote.objects.filter(customer=customer, field=field, resolved=False).exists():
        raise ValidationError({"field": _("This field already has an open missing-data note.")})
    note = MissingDataNote(customer=customer, field=field, reason=reason, supplier=supplier)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def missing_data_note_resolve(*, actor: User, note: MissingDataNote) -> MissingDataNote:
    if not can(actor, "customer.edit", owner_id=note.customer.owner_id):
        raise PermissionDenied(_("You may not edit this customer."))
    note.resolved = True
    note.save(update_fields=["resolved", "updated_at"])
    return note
