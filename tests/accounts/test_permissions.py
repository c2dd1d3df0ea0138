"""Walk the permission matrix: every role × action, through the real endpoints."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.test import APIClient

from reqhub.accounts.management.commands.permission_matrix import render
from reqhub.accounts.models import User
from reqhub.accounts.roles import ACTIONS, Role, Scope, scope_of
from requirements import scoring, selectors, services
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def _view(client: APIClient, user: User, customer) -> bool:
    return client.get(f"{URL}{customer.code}/").status_code == 200


def _edit(client: APIClient, user: User, customer) -> bool:
    return client.patch(f"{URL}{customer.code}/", {"region": "上海"}).status_code == 200


def _reassign(client: APIClient, user: User, customer) -> bool:
    target = "sales_rep" if customer.owner.username != "sales_rep" else "sales_rep_2"
    return client.patch(f"{URL}{customer.code}/", {"owner": target}).status_code == 200


def _financials(client: APIClient, user: User, customer) -> bool:
    body = client.get(f"{URL}{customer.code}/").json()
    return "purchase_amount_6m" in body


def _log(client: APIClient, user: User, customer) -> bool:
    res = client.post(
        "/api/v1/interactions/",
        {"customer": customer.code, "occurred_at": "2026-01-05T10:00:00Z", "method": "phone",
         "summary": "电话"},
    )  # fmt: skip
    return res.status_code == 201


def _create(client: APIClient, user: User, customer) -> bool:
    return client.post(URL, {"name": "新客户"}).status_code == 201


def _manage_users(client: APIClient, user: User, customer) -> bool:
    from django.test import Client

    web = Client()
    web.force_login(user)
    return web.get("/admin/accounts/user/").status_code == 200


def _service_allows(call: Callable[[], object]) -> bool:
    try:
        call()
    except (PermissionDenied, Http404):
        return False
    return True


def _requirement(customer, *route: str):
    """A requirement of ``customer`` owned by the customer's owner, moved along ``route``."""
    admin = User.objects.get(username="admin")
    req, _code = services.requirement_create(
        actor=admin, customer=customer, title="探针需求", channel="api", owner=customer.owner
    )
    for target in route:
        req = services.requirement_transition(actor=admin, requirement=req, to=target, reason="x")
    return req


def _req_view(client: APIClient, user: User, customer) -> bool:
    number = _requirement(customer).number
    return _service_allows(lambda: selectors.requirement_get(user, number))


def _req_create(client: APIClient, user: User, customer) -> bool:
    return _service_allows(
        lambda: services.requirement_create(
            actor=user, customer=customer, title="新需求", channel="api"
        )
    )


def _req_edit(client: APIClient, user: User, customer) -> bool:
    req = _requirement(customer)
    return _service_allows(
        lambda: services.requirement_update(actor=user, requirement=req, title="改")
    )


def _req_screen(client: APIClient, user: User, customer) -> bool:
    req = _requirement(customer)
    return _service_allows(
        lambda: services.requirement_transition(actor=user, requirement=req, to="not_started")
    )


def _req_deliver(client: APIClient, user: User, customer) -> bool:
    req = _requirement(customer, "not_started")
    return _service_allows(
        lambda: services.requirement_transition(actor=user, requirement=req, to="in_progress")
    )


def _req_customer_reply(client: APIClient, user: User, customer) -> bool:
    req = _requirement(customer, "needs_info")
    return _service_allows(
        lambda: services.requirement_transition(actor=user, requirement=req, to="new")
    )


def _scoring(client: APIClient, user: User, customer) -> bool:
    return _service_allows(
        lambda: services.scoring_model_update(actor=user, weights=scoring.DEFAULT)
    )


PROBES: dict[str, Callable[[APIClient, User, object], bool]] = {
    "customer.view": _view,
    "customer.create": _create,
    "customer.edit": _edit,
    "customer.reassign": _reassign,
    "customer.view_financials": _financials,
    "interaction.create": _log,
    "user.manage": _manage_users,
    "requirement.view": _req_view,
    "requirement.create": _req_create,
    "requirement.edit": _req_edit,
    "requirement.screen": _req_screen,
    "requirement.deliver": _req_deliver,
    "requirement.customer_reply": _req_customer_reply,
    "scoring.manage": _scoring,
}
# Actions whose OWN scope is about the object: the user's customer (or, for delivery, the
# requirement the user owns, which _requirement makes the customer's owner).
OBJECT_SCOPED = {
    "customer.view", "customer.edit", "customer.view_financials", "interaction.create",
    "requirement.view", "requirement.create", "requirement.edit", "requirement.deliver",
    "requirement.customer_reply",
}  # fmt: skip


def test_every_action_in_the_matrix_has_a_probe() -> None:
    assert set(PROBES) == set(ACTIONS)


def test_the_written_matrix_is_the_one_the_code_uses() -> None:
    with open("docs/permissions.md", encoding="utf-8") as doc:
        assert doc.read() == render()


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_matrix_cell(role: Role, action: str, users, api_client_for) -> None:
    user = users[role.value]
    client = api_client_for(user)
    own = CustomerFactory(owner=user, purchase_amount_6m=1000)
    other = CustomerFactory(owner=users["sales_rep_2"], purchase_amount_6m=1000)
    scope = scope_of(role, action) if not user.is_superuser else Scope.ALL
    if action in OBJECT_SCOPED:
        assert PROBES[action](client, user, own) == (scope != Scope.NONE)
        assert PROBES[action](client, user, other) == (scope == Scope.ALL)
    else:
        assert PROBES[action](client, user, other) == (scope != Scope.NONE)
