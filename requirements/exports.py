"""The requirement pool as Excel: the same filters and visibility as the pool page."""

from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from reqhub.exports.registry import Column, ExportKind, choice_label, register

from .filters import RequirementFilterSet
from .models import Category, Channel, Nature, Priority, Quadrant, RequirementType, UrgencyClass
from .selectors import requirement_visible
from .workflow import Status


def requirement_columns(user: Any) -> list[Column]:
    return [
        Column(_("Number"), lambda r: r["number"], 18),
        Column(_("Customer code"), lambda r: r["customer__code"], 12),
        Column(_("Customer"), lambda r: r["customer__name"], 24),
        Column(_("Title"), lambda r: r["title"], 40),
        Column(_("Status"), choice_label(Status, "status"), 12),
        Column(_("Channel"), choice_label(Channel, "channel"), 12),
        Column(_("Category"), choice_label(Category, "category"), 10),
        Column(_("Nature"), choice_label(Nature, "nature"), 8),
        Column(_("Type"), choice_label(RequirementType, "type"), 8),
        Column(_("Importance"), lambda r: r["importance"], 8),
        Column(_("Urgency"), lambda r: r["urgency"], 8),
        Column(_("Customer value"), lambda r: r["customer_value"], 8),
        Column(_("Difficulty"), lambda r: r["difficulty"], 8),
        Column(_("Score"), lambda r: r["score"], 8, "0.00"),
        Column(_("Priority"), choice_label(Priority, "priority"), 8),
        Column(_("Quadrant"), choice_label(Quadrant, "quadrant"), 14),
        Column(_("Urgency class"), choice_label(UrgencyClass, "urgency_class"), 14),
        Column(_("Response due"), lambda r: r["response_due_at"], 18, "yyyy-mm-dd hh:mm"),
        Column(_("Owner"), lambda r: r["owner__username"] or "", 12),
        Column(_("Planned completion"), lambda r: r["planned_completion"], 12, "yyyy-mm-dd"),
        Column(_("Description"), lambda r: r["description"], 50),
        Column(_("Version"), lambda r: r["version"], 8),
        Column(_("Created"), lambda r: r["created_at"], 18, "yyyy-mm-dd hh:mm"),
        Column(_("Updated"), lambda r: r["updated_at"], 18, "yyyy-mm-dd hh:mm"),
    ]


def requirement_rows(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    filterset = RequirementFilterSet(filters, queryset=requirement_visible(user))
    return filterset.qs.order_by("-created_at", "-id").values(
        "number", "customer__code", "customer__name", "title", "status", "channel", "category",
        "nature", "type", "importance", "urgency", "customer_value", "difficulty",
        "urgency_class", "response_due_at", "owner__username", "planned_completion",
        "description", "version", "created_at", "updated_at",
        score=F("rank__score"), priority=F("rank__priority"), quadrant=F("rank__quadrant"),
    )  # fmt: skip


register(
    ExportKind(
        "requirements",
        _("Requirements"),
        requirement_columns,
        requirement_rows,
        RequirementFilterSet,
    )
)
