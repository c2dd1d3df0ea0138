"""Requirements from Excel: the export's columns, matched by number (empty: a new one)."""

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.imports import conflict_message, duplicate_of, not_found
from customers.models import Customer
from customers.selectors import customer_visible
from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope
from reqhub.imports.registry import (
    CHOICE,
    CONFLICT,
    CREATE,
    DATE,
    ERROR,
    INT,
    UNCHANGED,
    UPDATE,
    ImportColumn,
    ImportKind,
    ParsedRow,
    PlanContext,
    RowPlan,
    model_data,
    per_row,
    register,
)

from . import services, workflow
from .forms import split_tags
from .models import Category, Channel, Nature, Requirement, RequirementType, Tag, UrgencyClass
from .permissions import can_edit_requirement
from .selectors import requirement_visible
from .services.intake import SCOPE_FIELDS
from .workflow import Status

REQUIREMENT_DATA = [
    "title", "channel", "category", "nature", "type", "importance", "urgency", "customer_value",
    "difficulty", "urgency_class", "planned_completion", "description", "background", "evidence",
]  # fmt: skip


def _verbose(name: str) -> Any:
    field: Any = Requirement._meta.get_field(name)
    return capfirst(field.verbose_name)


def requirement_columns(user: Any) -> list[ImportColumn]:
    """The export's columns (same labels; computed ones read-only) plus background, evidence
    and tags."""
    c = ImportColumn
    one_to_five = gettext_lazy("1 to 5.")
    read_only = [
        ("customer_name", gettext_lazy("Customer")), ("status", gettext_lazy("Status")),
        ("score", gettext_lazy("Score")), ("priority", gettext_lazy("Priority")),
        ("quadrant", gettext_lazy("Quadrant")), ("response_due_at", gettext_lazy("Response due")),
        ("owner", gettext_lazy("Owner")), ("created_at", gettext_lazy("Created")),
        ("updated_at", gettext_lazy("Updated")),
    ]  # fmt: skip
    return [
        c("number", gettext_lazy("Number"),
          gettext_lazy("Empty: a new requirement is logged. A number: that requirement is "
                       "updated."), width=18),
        c("customer_code", gettext_lazy("Customer code"),
          gettext_lazy("The code of the customer who asked, e.g. C2026001 (new rows only)."),
          width=12),
        c("title", gettext_lazy("Title"), required=True, width=40),
        c("channel", gettext_lazy("Channel"), cell=CHOICE, choices=Channel, width=14),
        c("category", gettext_lazy("Category"), cell=CHOICE, choices=Category, width=12),
        c("nature", gettext_lazy("Nature"), cell=CHOICE, choices=Nature, width=10),
        c("type", gettext_lazy("Type"), cell=CHOICE, choices=RequirementType, width=10),
        c("importance", gettext_lazy("Importance"), one_to_five, cell=INT, width=10),
        c("urgency", gettext_lazy("Urgency"), one_to_five, cell=INT, width=10),
        c("customer_value", gettext_lazy("Customer value"), one_to_five, cell=INT, width=10),
        c("difficulty", gettext_lazy("Difficulty"), gettext_lazy("1 to 5, higher is harder."),
          cell=INT, width=10),
        c("urgency_class", gettext_lazy("Urgency class"), cell=CHOICE, choices=UrgencyClass,
          width=22),
        c("planned_completion", gettext_lazy("Planned completion"),
          gettext_lazy("A date, e.g. 2026-03-31."), cell=DATE, width=14),
        c("description", gettext_lazy("Description"), Requirement._meta.get_field(
            "description").help_text, width=50),
        c("background", _verbose("background"), Requirement._meta.get_field(
            "background").help_text, width=30),
        c("evidence", _verbose("evidence"), width=30),
        c("tags", _verbose("tags"),
          gettext_lazy("Separate with commas, e.g. 功能优化, 紧急bug, 定制需求."), width=20),
        c("version", gettext_lazy("Version"),
          gettext_lazy("From an export: a row changed by someone else since is not overwritten."),
          cell=INT, template=False),
        *[c(name, header, read_only=True, template=False) for name, header in read_only],
    ]  # fmt: skip


def _tag_errors(ctx: PlanContext, row: int, names: list[str]) -> list[Any]:
    errors = []
    for name in names:
        try:
            Tag(name=name).full_clean(validate_unique=False)
        except ValidationError as exc:
            errors += [ctx.error(row, "tags", f"{name}: {m}") for m in exc.messages]
    return errors


def requirement_plan(ctx: PlanContext, rows: list[ParsedRow]) -> list[RowPlan]:
    """Match by number (visible and editable only); new rows need a customer the user may log
    requirements for. The service's refusals (merged, accepted into the plan) are checked too."""
    user = ctx.user
    numbers = {r.values["number"] for r in rows if r.values.get("number")}
    existing: dict[str, Requirement] = {}
    if numbers:
        found = (
            requirement_visible(user)
            .filter(number__in=numbers)
            .select_related("customer", "merged_into")
            .prefetch_related("tags")
        )
        existing = {r.number: r for r in found}
    codes = {r.values["customer_code"] for r in rows if r.values.get("customer_code")}
    customers: dict[str, Customer] = (
        {c.code: c for c in customer_visible(user).filter(code__in=codes)} if codes else {}
    )
    plans = []
    for row in rows:
        number = row.values.get("number") or ""
        code = row.values.get("customer_code") or ""
        plan = RowPlan(row.row, ERROR, key=number, errors=list(row.errors))
        customer: Customer | None = None
        data = model_data(Requirement, row.values, REQUIREMENT_DATA)
        tags: list[str] | None = None
        if "tags" in row.values:
            tags = split_tags(row.values["tags"] or "")
            plan.errors += _tag_errors(ctx, row.row, tags)
        target = existing.get(number) if number else None
        if number:
            duplicate = duplicate_of(ctx, row.row, ("requirement", number))
            if duplicate:
                plan.errors.append(ctx.error(row.row, "number", duplicate))
            if target is None or not can_edit_requirement(user, target):
                message = _("Requirement “%(number)s” not found or not yours.") % {"number": number}
                plan.errors.append(ctx.error(row.row, "number", message))
                plans.append(plan)
                continue
            if code and code != target.customer.code:
                plan.errors.append(
                    ctx.error(row.row, "customer_code",
                              _("The customer of a requirement cannot be changed."))
                )  # fmt: skip
            changed = {k: v for k, v in data.items() if getattr(target, k) != v}
            tags_changed = tags is not None and sorted(set(tags)) != sorted(
                t.name for t in target.tags.all()
            )
            if (changed or tags_changed) and target.status == Status.MERGED:
                merged = target.merged_into.number if target.merged_into else "?"
                plan.errors.append(
                    ctx.error(row.row, "number",
                              _("This requirement was merged into %(n)s; edit that one.")
                              % {"n": merged})
                )  # fmt: skip
            scope = sorted(SCOPE_FIELDS & changed.keys())
            if scope and target.status in workflow.ACCEPTED:
                plan.errors.append(
                    ctx.error(row.row, scope[0],
                              _("This requirement is in the plan: record a change request (what, "
                                "why, impact) instead of editing %(fields)s.")
                              % {"fields": ", ".join(scope)})
                )  # fmt: skip
            candidate = copy.copy(target)
            for name, value in changed.items():
                setattr(candidate, name, value)
        else:
            customer = customers.get(code)
            if not code:
                plan.errors.append(
                    ctx.error(row.row, "customer_code", _("Enter the customer's code."))
                )
            elif customer is None or not can(
                user, "requirement.create", owner_id=customer.owner_id
            ):
                plan.errors.append(ctx.error(row.row, "customer_code", not_found(code)))
            changed, tags_changed = data, False
            parent = {"customer": customer} if customer is not None else {}
            candidate = Requirement(
                number="REQ-0000-000000", created_by=user, access_code_hash="-",
                **parent, **data,
            )  # fmt: skip
        plan.errors.extend(ctx.check(row, candidate))
        if plan.errors:
            plans.append(plan)
            continue
        if target is None:
            plan.action, plan.data = CREATE, changed
            plan.extra = {"customer": customer, "tags": tags or []}
        elif not changed and not tags_changed:
            plan.action = UNCHANGED
        elif row.values.get("version") not in (None, target.version):
            plan.action = CONFLICT
            plan.message = conflict_message(row.values["version"], target.version)
        else:
            plan.action, plan.target, plan.data = UPDATE, target, changed
            plan.version, plan.extra = target.version, {"tags": tags}
        plans.append(plan)
    return plans


@per_row
def requirement_apply(user: Any, plan: RowPlan) -> None:
    if plan.action == CREATE:
        services.requirement_create(
            actor=user, customer=plan.extra["customer"], tags=plan.extra["tags"], **plan.data
        )
    else:
        services.requirement_update(
            actor=user, requirement=plan.target, version=plan.version, tags=plan.extra["tags"],
            reason=_("Excel import"), **plan.data,
        )  # fmt: skip


def _may_import_requirements(user: Any) -> bool:
    return any(has_scope(user, a) != Scope.NONE for a in ("requirement.create", "requirement.edit"))


register(
    ImportKind(
        "requirements",
        gettext_lazy("Requirements"),
        requirement_columns,
        requirement_plan,
        requirement_apply,
        _may_import_requirements,
        gettext_lazy(
            "Rows without a number log new requirements for the customer in Customer code; "
            "rows with a number update that requirement. Score, priority, quadrant, status, "
            "owner and dates are worked out by ReqHub and ignored here."
        ),
    )
)
