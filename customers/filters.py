"""Filters shared by the customer list page and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Customer, Industry, Interaction, InteractionMethod, Lifecycle, Mood, ValueTier
from .selectors import customer_search


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    industry = django_filters.ChoiceFilter(
        choices=Industry.choices, label=_("Industry"), empty_label=_("All industries")
    )
    lifecycle = django_filters.ChoiceFilter(
        choices=Lifecycle.choices, label=_("Lifecycle"), empty_label=_("Any lifecycle")
    )
    value_tier = django_filters.ChoiceFilter(
        choices=ValueTier.choices, label=_("Value tier"), empty_label=_("Any value tier")
    )
    region = django_filters.CharFilter(lookup_expr="icontains", label=_("Region"), max_length=100)
    owner = django_filters.CharFilter(field_name="owner__username", label=_("Owner"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Customer
        fields = ["q", "industry", "size", "lifecycle", "value_tier", "region", "owner"]

    def filter_q(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        return customer_search(queryset, value)


class InteractionFilterSet(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customer__code", label=_("Customer"))
    method = django_filters.ChoiceFilter(choices=InteractionMethod.choices)
    mood = django_filters.ChoiceFilter(choices=Mood.choices)
    is_late = django_filters.BooleanFilter()
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = Interaction
        fields = ["customer", "method", "mood", "is_late"]
