"""Builders the reminder suites share: people, customers by segment, requirements, the clock."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from customers.models import Customer, Interaction
from reqhub.accounts.models import User
from reqhub.accounts.roles import Role
from requirements.models import Requirement
from tests.factories import CustomerFactory, InteractionFactory
from tests.requirements.helpers import new_requirement


@pytest.fixture
def now() -> datetime:
    """Noon today in Shanghai: far enough from midnight that "today" never slips."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def rep(make_user: Callable[..., User]) -> User:
    return make_user(Role.SALES_REP, username="rep", email="rep@reqhub.example.com")


@pytest.fixture
def dev(make_user: Callable[..., User]) -> User:
    return make_user(Role.DELIVERY, username="dev", email="dev@reqhub.example.com")


@pytest.fixture
def make_customer(rep: User) -> Callable[..., Customer]:
    """An active, medium-value customer (no follow-up cadence) unless told otherwise."""

    def make(**fields: Any) -> Customer:
        fields.setdefault("owner", rep)
        fields.setdefault("lifecycle", "active")
        fields.setdefault("value_tier", "medium")
        return CustomerFactory(**fields)

    return make


@pytest.fixture
def contact_at() -> Callable[..., Interaction]:
    def make(customer: Customer, at: datetime, **fields: Any) -> Interaction:
        return InteractionFactory(customer=customer, occurred_at=at, **fields)

    return make


@pytest.fixture
def make_requirement(rep: User, make_customer: Callable[..., Customer]) -> Callable[..., Any]:
    """A requirement logged through the real service, then given the clock values a test
    needs (set directly: the service starts its clocks at the real current time)."""

    def make(customer: Customer | None = None, clocks: dict[str, Any] | None = None,
             **fields: Any) -> Requirement:  # fmt: skip
        fields.setdefault("urgency_class", "deferrable")
        req = new_requirement(rep, customer or make_customer(), **fields)
        if clocks:
            Requirement.objects.filter(pk=req.pk).update(**clocks)
            req.refresh_from_db()
        return req

    return make
