"""The requirement workflow: states and the moves allowed between them, nothing else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New (to screen)")
    NEEDS_INFO = "needs_info", _("Needs information")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    TESTING = "testing", _("Testing")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting customer acceptance")
    DONE = "done", _("Done")
    MERGED = "merged", _("Merged")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    REJECTED = "rejected", _("Rejected")


S = Status
OPEN = frozenset(
    {S.NEW, S.NEEDS_INFO, S.NOT_STARTED, S.IN_PROGRESS, S.TESTING, S.AWAITING_ACCEPTANCE}
)
# Accepted into the plan: changes to these go through change requests.
ACCEPTED = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.TESTING, S.AWAITING_ACCEPTANCE})

# from -> allowed targets. `merged` is reached only through the merge service.
MOVES: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.NEEDS_INFO, S.NOT_STARTED, S.OUT_OF_SCOPE, S.REJECTED}),
    S.NEEDS_INFO: frozenset({S.NEW, S.REJECTED}),
    S.NOT_STARTED: frozenset({S.IN_PROGRESS, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.TESTING, S.NOT_STARTED, S.REJECTED}),
    S.TESTING: frozenset({S.AWAITING_ACCEPTANCE, S.REJECTED}),
    S.AWAITING_ACCEPTANCE: frozenset({S.DONE, S.IN_PROGRESS, S.REJECTED}),
    S.DONE: frozenset(),
    S.MERGED: frozenset(),
    S.OUT_OF_SCOPE: frozenset({S.NEW}),
    S.REJECTED: frozenset({S.NEW}),
}

# Moves that must say why.
REASON_REQUIRED = frozenset(
    {
        (S.NEW, S.NEEDS_INFO),
        (S.NEW, S.OUT_OF_SCOPE),
        (S.AWAITING_ACCEPTANCE, S.IN_PROGRESS),
        *((source, S.REJECTED) for source in OPEN),
    }
)

# Who may make a move, by kind: screening and reopening are product decisions, delivery moves
# belong to the owner (and product), acceptance to the customer or product on their behalf.
SCREENING = frozenset({(S.NEW, t) for t in MOVES[S.NEW]} | {(s, S.REJECTED) for s in OPEN})
REOPEN = frozenset({(S.OUT_OF_SCOPE, S.NEW), (S.REJECTED, S.NEW)})
CUSTOMER_ANSWER = frozenset({(S.NEEDS_INFO, S.NEW)})
ACCEPTANCE = frozenset({(S.AWAITING_ACCEPTANCE, S.DONE), (S.AWAITING_ACCEPTANCE, S.IN_PROGRESS)})
DELIVERY = frozenset(
    {
        (S.NOT_STARTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.TESTING),
        (S.IN_PROGRESS, S.NOT_STARTED),
        (S.TESTING, S.AWAITING_ACCEPTANCE),
    }
)


def allowed_targets(source: str) -> frozenset[Status]:
    return MOVES[Status(source)]


def is_allowed(source: str, target: str) -> bool:
    return Status(target) in MOVES[Status(source)]
