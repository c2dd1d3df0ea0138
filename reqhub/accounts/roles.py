"""Roles and the permission matrix (role x action): the one table every policy reads.

`docs/permissions.md` is this table written out; tests/accounts/test_permissions.py walks it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    SALES_REP = "sales_rep", _("Sales rep")
    CUSTOMER_SUCCESS = "customer_success", _("Customer success")
    DELIVERY = "delivery", _("Delivery owner")
    REVIEWER = "reviewer", _("Reviewer")
    MANAGER = "manager", _("Manager")
    INTEGRATION = "integration", _("Integration")


class Scope(models.TextChoices):
    """How far an allowed action reaches."""

    ALL = "all", _("all")
    OWN = "own", _("own customers only")
    NONE = "none", _("no")


A, OWN = Scope.ALL, Scope.OWN

# action -> {role: scope}. Roles missing from a row have no access.
ACTIONS: dict[str, tuple[str, dict[Role, Scope]]] = {
    "customer.view": (
        "See customers, their contacts and interactions",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.DELIVERY: A, Role.REVIEWER: A, Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "customer.create": (
        "Create customers",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: A, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "customer.edit": (
        "Edit customers and add or change their contacts and missing-data notes",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "customer.reassign": (
        "Give a customer to another sales rep",
        {Role.ADMIN: A, Role.MANAGER: A, Role.PRODUCT_MANAGER: A},
    ),
    "customer.view_financials": (
        "See purchase amounts and revenue bands",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.MANAGER: A,
            Role.INTEGRATION: A,
        },
    ),
    "interaction.create": (
        "Log interactions with a customer",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "requirement.view": (
        "See requirements (own = of the customers the user owns)",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.DELIVERY: A, Role.REVIEWER: A, Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "requirement.create": (
        "Log requirements (own = for the customers the user owns)",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "requirement.edit": (
        "Edit a requirement's content, classification, scores, owner and plan; add notes",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "requirement.screen": (
        "Screen: accept, ask for information, put out of scope, reject, merge, reopen",
        {Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.MANAGER: A},
    ),
    "requirement.deliver": (
        "Move through delivery: start, test, hand over for acceptance, put back "
        "(own = requirements the user owns)",
        {Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.DELIVERY: OWN, Role.MANAGER: A},
    ),
    "requirement.customer_reply": (
        "Record the customer's answer or acceptance on their behalf",
        {
            Role.ADMIN: A, Role.PRODUCT_MANAGER: A, Role.SALES_REP: OWN, Role.CUSTOMER_SUCCESS: A,
            Role.MANAGER: A, Role.INTEGRATION: A,
        },
    ),
    "scoring.manage": (
        "Change the scoring model and the assignment rules",
        {Role.ADMIN: A, Role.PRODUCT_MANAGER: A},
    ),
    "user.manage": ("Manage users and roles", {Role.ADMIN: A}),
}  # fmt: skip


def scope_of(role: str | None, action: str) -> Scope:
    """The scope ``role`` has for ``action`` (NONE when the matrix does not grant it)."""
    if role is None:
        return Scope.NONE
    return ACTIONS[action][1].get(Role(role), Scope.NONE)
