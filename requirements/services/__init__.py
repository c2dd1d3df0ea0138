"""Every write to requirements; import from here (`from requirements import services`)."""

from .changes import change_request_create, change_request_decide
from .intake import (
    requirement_access_code_renew,
    requirement_create,
    requirement_evidence_add,
    requirement_note_add,
    requirement_update,
)
from .portal import portal_acceptance, portal_feedback
from .scoring import (
    assignment_rule_set,
    rescore_fail,
    rescore_run,
    rescores_requeue,
    scoring_model_update,
)
from .workflow import requirement_bulk_transition, requirement_merge, requirement_transition

__all__ = [
    "assignment_rule_set", "change_request_create", "change_request_decide",
    "portal_acceptance", "portal_feedback", "requirement_access_code_renew",
    "requirement_bulk_transition", "requirement_create",
    "requirement_evidence_add", "requirement_merge", "requirement_note_add",
    "requirement_transition", "requirement_update", "rescore_fail", "rescore_run",
    "rescores_requeue", "scoring_model_update",
]  # fmt: skip
