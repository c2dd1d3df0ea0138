"""Building requirements for tests through the real services."""

from typing import Any

from customers.models import Customer
from reqhub.accounts.models import User
from requirements import services
from requirements.models import Requirement


def new_requirement(actor: User, customer: Customer, **fields: Any) -> Requirement:
    fields.setdefault("title", "报表支持Excel导出")
    fields.setdefault("channel", "sales_visit")
    req, _code = services.requirement_create(actor=actor, customer=customer, **fields)
    return req


def move(req: Requirement, actor: User, *targets: str, reason: str = "测试") -> Requirement:
    for target in targets:
        req = services.requirement_transition(
            actor=actor, requirement=req, to=target, reason=reason
        )
    return req
