"""Customer lists as Excel: the same filters and visibility as the list pages."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reqhub.exports.registry import Column, ExportKind, choice_label, register

from .filters import CustomerFilterSet, InteractionFilterSet
from .models import (
    ChannelPreference,
    Industry,
    InteractionMethod,
    Lifecycle,
    Mood,
    RevenueBand,
    SizeBand,
    ValueTier,
)
from .selectors import can_see_financials, customer_visible, interaction_list


def customer_columns(user: Any) -> list[Column]:
    columns = [
        Column(_("Code"), lambda r: r["code"], 12),
        Column(_("Name"), lambda r: r["name"], 30),
        Column(_("Industry"), choice_label(Industry, "industry"), 12),
        Column(_("Size"), choice_label(SizeBand, "size"), 14),
        Column(_("Region"), lambda r: r["region"], 10),
        Column(_("Owner"), lambda r: r["owner__username"], 12),
        Column(_("Lifecycle"), choice_label(Lifecycle, "lifecycle"), 10),
        Column(_("Value tier"), choice_label(ValueTier, "value_tier"), 10),
        Column(_("Uses per month"), lambda r: r["usage_per_month"], 10),
        Column(_("Satisfaction"), lambda r: r["satisfaction"], 10),
        Column(_("Channel preference"), choice_label(ChannelPreference, "channel_preference"), 12),
        Column(_("First cooperation"), lambda r: r["first_cooperation_on"], 12, "yyyy-mm-dd"),
        Column(_("Notes"), lambda r: r["notes"], 40),
        Column(_("Version"), lambda r: r["version"], 8),
        Column(_("Updated"), lambda r: r["updated_at"], 18, "yyyy-mm-dd hh:mm"),
    ]
    if can_see_financials(user):
        columns[8:8] = [
            Column(_("Revenue band"), choice_label(RevenueBand, "revenue_band"), 14),
            Column(_("Purchases (6 months)"), lambda r: r["purchase_amount_6m"], 16, "#,##0.00"),
        ]
    return columns


def customer_rows(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    filterset = CustomerFilterSet(filters, queryset=customer_visible(user))
    return filterset.qs.order_by("code").values(
        "code", "name", "industry", "size", "region", "owner__username", "lifecycle",
        "value_tier", "revenue_band", "purchase_amount_6m", "usage_per_month", "satisfaction",
        "channel_preference", "first_cooperation_on", "notes", "version", "updated_at",
    )  # fmt: skip


def interaction_columns(user: Any) -> list[Column]:
    return [
        Column(_("Customer code"), lambda r: r["customer__code"], 12),
        Column(_("Customer"), lambda r: r["customer__name"], 28),
        Column(_("When"), lambda r: r["occurred_at"], 18, "yyyy-mm-dd hh:mm"),
        Column(_("How"), choice_label(InteractionMethod, "method"), 10),
        Column(_("Summary"), lambda r: r["summary"], 50),
        Column(_("Customer mood"), choice_label(Mood, "mood"), 10),
        Column(_("Key demands"), lambda r: r["key_demands"], 40),
        Column(_("Next follow-up"), lambda r: r["next_follow_up_on"], 12, "yyyy-mm-dd"),
        Column(_("Logged late"), lambda r: str(_("yes")) if r["is_late"] else "", 8),
        Column(_("Logged by"), lambda r: r["logged_by__username"], 12),
    ]


def interaction_rows(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    filterset = InteractionFilterSet(filters, queryset=interaction_list(user))
    return filterset.qs.order_by("-occurred_at", "-id").values(
        "customer__code", "customer__name", "occurred_at", "method", "summary", "mood",
        "key_demands", "next_follow_up_on", "is_late", "logged_by__username",
    )  # fmt: skip


register(
    ExportKind("customers", _("Customers"), customer_columns, customer_rows, CustomerFilterSet)
)
register(
    ExportKind(
        "interactions",
        _("Interactions"),
        interaction_columns,
        interaction_rows,
        InteractionFilterSet,
    )
)
