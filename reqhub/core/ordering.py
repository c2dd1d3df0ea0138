"""The API's `ordering` parameter, where a public name may stand for a field elsewhere."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import filters
from rest_framework.request import Request


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering filter; a view's ``ordering_aliases`` maps a public name (``score``) to
    the field that holds it (``rank__score``), so the contract's names never change."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        terms = super().get_ordering(request, queryset, view)
        aliases = getattr(view, "ordering_aliases", {})
        if not terms or not aliases:
            return terms
        return [
            ("-" if term.startswith("-") else "") + aliases.get(term.lstrip("-"), term.lstrip("-"))
            for term in terms
        ]
