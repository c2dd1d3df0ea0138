"""Customers and contacts from Excel: the export's columns, matched by code / (code, name)."""

import copy
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope
from reqhub.core.exceptions import StaleVersionError
from reqhub.core.sequences import current_year
from reqhub.imports.registry import (
    CHOICE,
    CONFLICT,
    CREATE,
    DATE,
    DECIMAL,
    ERROR,
    INT,
    UNCHANGED,
    UPDATE,
    ImportColumn,
    ImportKind,
    ParsedRow,
    PlanContext,
    RowApplyError,
    RowPlan,
    model_data,
    per_row,
    register,
)

from . import services
from .models import (
    ChannelPreference,
    Contact,
    Customer,
    DecisionRole,
    Industry,
    Lifecycle,
    RevenueBand,
    SizeBand,
    ValueTier,
)
from .selectors import customer_visible


def _verbose(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def not_found(code: str) -> str:
    return _("Customer “%(code)s” not found or not yours.") % {"code": code}


def conflict_message(version: int, current: int) -> str:
    return _(
        "Changed by someone else since the file was exported (version %(old)s, now %(new)s); "
        "not overwritten. Export again and re-apply your change."
    ) % {"old": version, "new": current}


# ---- Customers ----------------------------------------------------------------------------------

CUSTOMER_DATA = [
    "name", "industry", "size", "region", "lifecycle", "value_tier", "revenue_band",
    "purchase_amount_6m", "usage_per_month", "satisfaction", "channel_preference",
    "first_cooperation_on", "founded", "main_business", "products_bought", "notes",
]  # fmt: skip


def customer_columns(user: Any) -> list[ImportColumn]:
    """The export's columns (same labels) plus the fields the export leaves out."""
    reassign = can(user, "customer.reassign")
    financial = can(user, "customer.view_financials")
    c = ImportColumn
    return [
        c("code", gettext_lazy("Code"),
          gettext_lazy("Empty: a new customer is created. A customer code: that customer is "
                       "updated."), width=12),
        c("name", gettext_lazy("Name"), gettext_lazy("The company's name."), required=True,
          width=30),
        c("industry", gettext_lazy("Industry"), cell=CHOICE, choices=Industry, width=12),
        c("size", gettext_lazy("Size"), cell=CHOICE, choices=SizeBand, width=16),
        c("region", gettext_lazy("Region"), width=10),
        c("owner", gettext_lazy("Owner"),
          gettext_lazy("User name of the sales rep who owns the customer; empty means you."),
          read_only=not reassign, template=reassign, width=12),
        c("lifecycle", gettext_lazy("Lifecycle"), cell=CHOICE, choices=Lifecycle, width=12),
        c("value_tier", gettext_lazy("Value tier"), cell=CHOICE, choices=ValueTier, width=12),
        c("revenue_band", gettext_lazy("Revenue band"), cell=CHOICE, choices=RevenueBand,
          read_only=not financial, template=financial, width=18),
        c("purchase_amount_6m", gettext_lazy("Purchases (6 months)"),
          gettext_lazy("Yuan, a number."), cell=DECIMAL, read_only=not financial,
          template=financial, width=16),
        c("usage_per_month", gettext_lazy("Uses per month"), gettext_lazy("A whole number."),
          cell=INT, width=10),
        c("satisfaction", gettext_lazy("Satisfaction"), gettext_lazy("1 to 5."), cell=INT,
          width=10),
        c("channel_preference", gettext_lazy("Channel preference"), cell=CHOICE,
          choices=ChannelPreference, width=12),
        c("first_cooperation_on", gettext_lazy("First cooperation"),
          gettext_lazy("A date, e.g. 2026-03-31."), cell=DATE, width=14),
        c("founded", _verbose(Customer, "founded"), gettext_lazy("A year, e.g. 2008."),
          cell=INT, width=10),
        c("main_business", _verbose(Customer, "main_business"), width=24),
        c("products_bought", _verbose(Customer, "products_bought"), width=24),
        c("notes", gettext_lazy("Notes"),
          gettext_lazy("No ID card, bank card or personal phone numbers."), width=40),
        c("version", gettext_lazy("Version"),
          gettext_lazy("From an export: a row changed by someone else since is not overwritten."),
          cell=INT, template=False),
        c("updated_at", gettext_lazy("Updated"), read_only=True, template=False),
    ]  # fmt: skip


def _customers_by_code(user: Any, codes: set[str]) -> dict[str, Customer]:
    if not codes:
        return {}
    return {c.code: c for c in customer_visible(user).filter(code__in=codes)}


def duplicate_of(ctx: PlanContext, row: int, key: Any) -> str | None:
    """A message when another row of the file names the same record."""
    first = ctx.seen.setdefault(key, row)
    if first != row:
        return _("The same record is also in row %(row)s.") % {"row": first}
    return None


def customer_plan(ctx: PlanContext, rows: list[ParsedRow]) -> list[RowPlan]:
    """Match by code (visible and editable only), compare, validate with the model's rules."""
    user = ctx.user
    existing = _customers_by_code(user, {r.values["code"] for r in rows if r.values.get("code")})
    names = {r.values["owner"] for r in rows if r.values.get("owner")}
    owners = {u.username: u for u in User.objects.filter(username__in=names)} if names else {}
    may_create = can(user, "customer.create")
    plans = []
    for row in rows:
        plan = RowPlan(row.row, ERROR, key=row.values.get("code") or "", errors=list(row.errors))
        data = model_data(Customer, row.values, CUSTOMER_DATA)
        owner: User | None = None
        if row.values.get("owner"):
            owner = owners.get(row.values["owner"])
            if owner is None:
                plan.errors.append(ctx.error(row.row, "owner", _("No user with this name.")))
            elif not owner.is_active:
                plan.errors.append(
                    ctx.error(
                        row.row, "owner", _("This user is inactive and cannot own customers.")
                    )
                )
        target = existing.get(plan.key) if plan.key else None
        if plan.key:
            duplicate = duplicate_of(ctx, row.row, ("customer", plan.key))
            if duplicate:
                plan.errors.append(ctx.error(row.row, "code", duplicate))
            if target is None or not can(user, "customer.edit", owner_id=target.owner_id):
                plan.errors.append(ctx.error(row.row, "code", not_found(plan.key)))
                plans.append(plan)
                continue
            changed = {k: v for k, v in data.items() if getattr(target, k) != v}
            if owner is not None and owner.pk != target.owner_id:
                changed["owner"] = owner
            fin = changed.keys() & services.FINANCIAL_FIELDS
            if fin and not can(user, "customer.view_financials", owner_id=target.owner_id):
                plan.errors.append(
                    ctx.error(row.row, sorted(fin)[0],
                              _("Your role may not see or change financial figures."))
                )  # fmt: skip
            candidate = copy.copy(target)
            for name, value in changed.items():
                setattr(candidate, name, value)
        else:
            if not may_create:
                plan.errors.append(ctx.error(row.row, "", _("Your role may not create customers.")))
            owner = owner or user
            # An empty financial cell sets nothing; the service refuses the key itself.
            data = {
                k: v for k, v in data.items()
                if k not in services.FINANCIAL_FIELDS or v not in (None, "")
            }  # fmt: skip
            if data.keys() & services.FINANCIAL_FIELDS and not can(
                user, "customer.view_financials", owner_id=user.pk
            ):
                plan.errors.append(
                    ctx.error(row.row, "", _("Your role may not see or change financial figures."))
                )
            changed = data
            candidate = Customer(owner=owner, code="C0000000", **data)
        plan.errors.extend(ctx.check(row, candidate))
        if plan.errors:
            plans.append(plan)
            continue
        if target is None:
            plan.action, plan.data, plan.extra = CREATE, changed, {"owner": owner}
        elif not changed:
            plan.action = UNCHANGED
        elif row.values.get("version") not in (None, target.version):
            plan.action = CONFLICT
            plan.message = conflict_message(row.values["version"], target.version)
        else:
            plan.action, plan.target, plan.data = UPDATE, target, changed
            plan.version = target.version
        plans.append(plan)
    return plans


def _codes_take(count: int) -> list[str]:
    """``count`` customer codes in one step: the same counter and format as
    services.customer_code_next, advanced once (a rollback hands them all back)."""
    year = current_year()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_counter (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = core_counter.value + EXCLUDED.value "
            "RETURNING value",
            [f"customer:{year}", count],
        )
        (last,) = cursor.fetchone()
    return [f"C{year}{n:03d}" for n in range(int(last) - count + 1, int(last) + 1)]


def customer_apply(user: Any, plans: list[RowPlan]) -> list[tuple[RowPlan, str]]:
    """Write a chunk in bulk: one insert for the new customers, one locked read and one update
    for the changed ones (a query per row would not import 10,000 rows in seconds).

    The rows were planned inside the same transaction with the services' rules (role and owner
    checks, financial figures, the model's validators, personal-data guard included); what
    customer_create/customer_update add is done here the same way: the next codes, the
    version bump under a row lock, a stale version left alone.
    """
    now = timezone.now()
    creates = [p for p in plans if p.action == CREATE]
    if creates:
        codes = _codes_take(len(creates))
        Customer.objects.bulk_create(
            [
                Customer(owner=p.extra["owner"], code=code, **p.data)
                for p, code in zip(creates, codes, strict=True)
            ],
            batch_size=500,
        )
    updates = [p for p in plans if p.action == UPDATE]
    if not updates:
        return []
    locked = Customer.objects.select_for_update().in_bulk([p.target.pk for p in updates])
    skipped: list[tuple[RowPlan, str]] = []
    changed: list[Customer] = []
    fields: set[str] = set()
    for plan in updates:
        customer = locked.get(plan.target.pk)
        if customer is None or not can(user, "customer.edit", owner_id=customer.owner_id):
            raise RowApplyError(plan, not_found(plan.key))
        if customer.version != plan.version:
            skipped.append((plan, str(StaleVersionError(customer.version).message)))
            continue
        for name, value in plan.data.items():
            setattr(customer, name, value)
        customer.version += 1
        customer.updated_at = now
        fields.update(plan.data)
        changed.append(customer)
    if changed:
        Customer.objects.bulk_update(
            changed, [*sorted(fields), "version", "updated_at"], batch_size=500
        )
    return skipped


def _may_import_customers(user: Any) -> bool:
    return can(user, "customer.create") or has_scope(user, "customer.edit") != Scope.NONE


register(
    ImportKind(
        "customers",
        gettext_lazy("Customers"),
        customer_columns,
        customer_plan,
        customer_apply,
        _may_import_customers,
        gettext_lazy(
            "Rows without a code create customers; rows with a code update that customer. "
            "An exported file can be edited and imported again: the Version column protects "
            "rows someone else changed in the meantime. Read-only columns (Updated, …) are "
            "ignored."
        ),
    )
)


# ---- Contacts -----------------------------------------------------------------------------------

CONTACT_DATA = ["position", "work_phone", "work_email", "decision_role"]


def contact_columns(user: Any) -> list[ImportColumn]:
    c = ImportColumn
    return [
        c("customer_code", gettext_lazy("Customer code"),
          gettext_lazy("The code of a customer you may edit, e.g. C2026001."), required=True,
          width=12),
        c("customer_name", gettext_lazy("Customer"), read_only=True, template=False),
        c("name", gettext_lazy("Name"),
          gettext_lazy("The contact's name; a contact of this customer with this name is "
                       "updated, otherwise one is added."), required=True, width=16),
        c("position", _verbose(Contact, "position"), width=16),
        c("work_phone", _verbose(Contact, "work_phone"),
          gettext_lazy("A landline or switchboard with extension; personal mobile numbers are "
                       "refused."), width=18),
        c("work_email", _verbose(Contact, "work_email"),
          gettext_lazy("At the company's own domain; personal mail boxes (qq.com, 163.com, …) "
                       "are refused."), width=26),
        c("decision_role", _verbose(Contact, "decision_role"), cell=CHOICE,
          choices=DecisionRole, width=14),
    ]  # fmt: skip


def contact_plan(ctx: PlanContext, rows: list[ParsedRow]) -> list[RowPlan]:
    """Match by (customer code, contact name) among the customers the user may edit."""
    user = ctx.user
    customers = _customers_by_code(
        user, {r.values["customer_code"] for r in rows if r.values.get("customer_code")}
    )
    by_key: dict[tuple[int, str], list[Contact]] = {}
    if customers:
        found = Contact.objects.filter(customer__in=list(customers.values())).select_related(
            "customer"
        )
        for contact in found:
            by_key.setdefault((contact.customer_id, contact.name), []).append(contact)
    plans = []
    for row in rows:
        code, name = row.values.get("customer_code") or "", row.values.get("name") or ""
        plan = RowPlan(row.row, ERROR, key=f"{code} {name}".strip(), errors=list(row.errors))
        customer = customers.get(code)
        if not code:
            plan.errors.append(ctx.error(row.row, "customer_code", _("Enter the customer's code.")))
        elif customer is None or not can(user, "customer.edit", owner_id=customer.owner_id):
            plan.errors.append(ctx.error(row.row, "customer_code", not_found(code)))
        if not name:
            plan.errors.append(ctx.error(row.row, "name", _("Enter the contact's name.")))
        if plan.errors or customer is None:
            plans.append(plan)
            continue
        duplicate = duplicate_of(ctx, row.row, ("contact", code, name))
        if duplicate:
            plan.errors.append(ctx.error(row.row, "name", duplicate))
        data = model_data(Contact, row.values, CONTACT_DATA)
        matches = by_key.get((customer.pk, name), [])
        if len(matches) > 1:
            plan.errors.append(
                ctx.error(row.row, "name",
                          _("This customer has several contacts with this name; change them on "
                            "the customer's page."))
            )  # fmt: skip
            plans.append(plan)
            continue
        target = matches[0] if matches else None
        if target is not None:
            changed = {k: v for k, v in data.items() if getattr(target, k) != v}
            candidate = copy.copy(target)
            for key, value in changed.items():
                setattr(candidate, key, value)
        else:
            changed = {"name": name, **data}
            candidate = Contact(customer=customer, **changed)
        plan.errors.extend(ctx.check(row, candidate))
        if plan.errors:
            plans.append(plan)
            continue
        if target is None:
            plan.action, plan.data, plan.extra = CREATE, changed, {"customer": customer}
        elif not changed:
            plan.action = UNCHANGED
        else:
            plan.action, plan.target, plan.data = UPDATE, target, changed
        plans.append(plan)
    return plans


@per_row
def contact_apply(user: Any, plan: RowPlan) -> None:
    if plan.action == CREATE:
        services.contact_create(actor=user, customer=plan.extra["customer"], **plan.data)
    else:
        services.contact_update(actor=user, contact=plan.target, **plan.data)


register(
    ImportKind(
        "contacts",
        gettext_lazy("Contacts"),
        contact_columns,
        contact_plan,
        contact_apply,
        lambda user: has_scope(user, "customer.edit") != Scope.NONE,
        gettext_lazy(
            "Each row is a contact of the customer named by its code. Work phone and work "
            "e-mail only: personal mobile numbers and personal mail boxes are refused."
        ),
    )
)
