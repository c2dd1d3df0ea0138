"""Reads of customers that pages and the API share, already scoped to the user."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope

from .models import Customer, Interaction


def customer_visible(user: Any) -> QuerySet[Customer]:
    """Customers ``user`` may see: all, the ones they own, or none."""
    scope = has_scope(user, "customer.view")
    qs = Customer.objects.select_related("owner")
    if scope == Scope.ALL:
        return qs
    if scope == Scope.OWN:
        return qs.filter(owner=user)
    return qs.none()


def customer_search(qs: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Narrow ``qs`` to customers whose name or region contains ``text``, or whose code is it."""
    text = text.strip()
    if not text:
        return qs
    return qs.filter(Q(name__icontains=text) | Q(code__iexact=text) | Q(region__icontains=text))


def customer_get(user: Any, code: str) -> Customer:
    """The customer with ``code``; unknown and not-yours look the same (404)."""
    try:
        return customer_visible(user).get(code=code)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


def interaction_list(user: Any) -> QuerySet[Interaction]:
    return Interaction.objects.filter(customer__in=customer_visible(user)).select_related(
        "customer", "logged_by"
    )


def can_see_financials(user: Any, customer: Customer | None = None) -> bool:
    """Whether purchase amounts and revenue bands are shown (for ``customer`` if given)."""
    if customer is None:
        return can(user, "customer.view_financials")
    return can(user, "customer.view_financials", owner_id=customer.owner_id)
