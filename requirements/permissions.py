"""Requirement policies: plain functions both the pages and the API call."""

from typing import Any

from reqhub.accounts.permissions import can

from . import workflow
from .models import Requirement
from .workflow import Status


def can_view_requirement(user: Any, req: Requirement) -> bool:
    return can(user, "requirement.view", owner_id=req.customer.owner_id)


def can_edit_requirement(user: Any, req: Requirement) -> bool:
    return can(user, "requirement.edit", owner_id=req.customer.owner_id)


def can_transition_requirement(user: Any, req: Requirement, to: str) -> bool:
    """Whether ``user``'s role may make this kind of move (the move itself is checked apart)."""
    move = (Status(req.status), Status(to))
    if move in workflow.SCREENING or move in workflow.REOPEN:
        return can(user, "requirement.screen")
    if move in workflow.DELIVERY:
        return can(user, "requirement.deliver", owner_id=req.owner_id)
    if move in workflow.CUSTOMER_ANSWER or move in workflow.ACCEPTANCE:
        return can(user, "requirement.customer_reply", owner_id=req.customer.owner_id)
    return False


def can_merge_requirement(user: Any) -> bool:
    return can(user, "requirement.screen")
