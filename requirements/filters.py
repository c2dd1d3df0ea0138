"""Filters shared by the pool page and the requirements API (names as in API.md)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import (
    Category,
    Channel,
    Nature,
    Priority,
    Quadrant,
    Requirement,
    RequirementType,
    UrgencyClass,
)
from .selectors import requirement_text_search, sla_breached_q, sla_near_q
from .workflow import Status

SLA_CHOICES = [("breached", _("Response overdue")), ("near", _("Response due within 4 hours"))]


class RequirementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    # The rank's copy of the status, so that its (status, score) index serves the pool's
    # usual question. A 1:1 join, so no duplicate rows: DISTINCT (django-filter's default
    # here) would keep that index from serving the sort and read the whole pool.
    status = django_filters.MultipleChoiceFilter(
        field_name="rank__status", choices=Status.choices, label=_("Status"), distinct=False
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Category"), empty_label=_("All categories")
    )
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("Nature"))
    type = django_filters.ChoiceFilter(choices=RequirementType.choices, label=_("Type"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices,
        method="filter_priority",
        label=_("Priority"),
        empty_label=_("All priorities"),
    )
    quadrant = django_filters.ChoiceFilter(
        field_name="rank__quadrant",
        choices=Quadrant.choices,
        label=_("Quadrant"),
        empty_label=_("All quadrants"),
    )
    urgency_class = django_filters.ChoiceFilter(
        choices=UrgencyClass.choices, label=_("Urgency class")
    )
    customer = django_filters.CharFilter(field_name="customer__code", label=_("Customer code"))
    owner = django_filters.CharFilter(field_name="owner__username", label=_("Owner"))
    tag = django_filters.CharFilter(field_name="tags__name", label=_("Tag"))
    sla = django_filters.ChoiceFilter(
        choices=SLA_CHOICES, method="filter_sla", label=_("SLA"), empty_label=_("Any SLA state")
    )
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Requirement
        fields = [
            "q", "status", "category", "nature", "type", "channel", "priority", "quadrant",
            "urgency_class", "customer", "owner", "tag", "sla",
        ]  # fmt: skip

    def filter_q(self, qs: QuerySet[Requirement], name: str, value: str) -> QuerySet[Requirement]:
        value = value.strip()
        if value.upper().startswith("REQ-"):
            # numbers are stored upper-case; iexact would scan the pool instead of the index
            return qs.filter(number=value.upper())
        return requirement_text_search(qs, value)

    def filter_priority(
        self, qs: QuerySet[Requirement], name: str, value: str
    ) -> QuerySet[Requirement]:
        # The band's score range as well, so that the rank's score index finds the band
        # (the stored priority alone would be read row by row down the index).
        low, high = scoring.priority_bounds(value, scoring.weights_current())
        qs = qs.filter(rank__priority=value)
        if low is not None:
            qs = qs.filter(rank__score__gte=low)
        return qs.filter(rank__score__lt=high) if high is not None else qs

    def filter_sla(self, qs: QuerySet[Requirement], name: str, value: str) -> QuerySet[Requirement]:
        return qs.filter(sla_breached_q() if value == "breached" else sla_near_q())
