"""Priority scoring: one formula, used row by row and, for the whole pool, through its table of
the 625 input combinations (one SQL UPDATE joins it).

score = importance*w_i + urgency*w_u + customer_value*w_v + (6 - difficulty)*w_e, 2 decimals.
priority: high at or above the high threshold, medium at or above the medium one, else low.
quadrant: value = (importance + customer_value) / 2 and cost = difficulty, each high when > 3.
"""

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from .models import Priority, Quadrant, ScoringModel

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Weights:
    importance: Decimal
    urgency: Decimal
    customer_value: Decimal
    ease: Decimal
    high_threshold: Decimal
    medium_threshold: Decimal

    @classmethod
    def of(cls, model: ScoringModel) -> "Weights":
        return cls(
            model.w_importance, model.w_urgency, model.w_customer_value, model.w_ease,
            model.high_threshold, model.medium_threshold,
        )  # fmt: skip


DEFAULT = Weights(
    Decimal("0.30"), Decimal("0.25"), Decimal("0.25"), Decimal("0.20"), Decimal("4.0"),
    Decimal("3.0"),
)  # fmt: skip


def weights_current() -> Weights:
    """The scoring model in force (the defaults until someone saves one)."""
    model = ScoringModel.objects.filter(pk=1).first()
    return Weights.of(model) if model else DEFAULT


def score_of(
    importance: int, urgency: int, customer_value: int, difficulty: int, w: Weights
) -> Decimal:
    raw = (
        importance * w.importance
        + urgency * w.urgency
        + customer_value * w.customer_value
        + (6 - difficulty) * w.ease
    )
    return Decimal(raw).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def priority_of(score: Decimal, w: Weights) -> Priority:
    if score >= w.high_threshold:
        return Priority.HIGH
    if score >= w.medium_threshold:
        return Priority.MEDIUM
    return Priority.LOW


def quadrant_of(importance: int, customer_value: int, difficulty: int) -> Quadrant:
    high_value = (importance + customer_value) / 2 > 3
    high_cost = difficulty > 3
    if high_value:
        return Quadrant.STRATEGIC if high_cost else Quadrant.QUICK_WIN
    return Quadrant.DEPRIORITIZE if high_cost else Quadrant.FILL_IN


def explain(
    importance: int, urgency: int, customer_value: int, difficulty: int, w: Weights
) -> list[dict[str, object]]:
    """Each factor's value, weight and contribution, for the detail page."""
    rows = [
        (_("Importance"), importance, w.importance),
        (_("Urgency"), urgency, w.urgency),
        (_("Customer value"), customer_value, w.customer_value),
        (_("Ease (6 − difficulty)"), 6 - difficulty, w.ease),
    ]
    return [
        {"factor": label, "value": value, "weight": weight,
         "contribution": (value * weight).quantize(Decimal("0.001"))}
        for label, value, weight in rows
    ]  # fmt: skip


def inputs_key(importance: int, urgency: int, customer_value: int, difficulty: int) -> int:
    """The four 1-5 inputs as one number 0-624 (base 5), as the rank row stores them."""
    return (importance - 1) * 125 + (urgency - 1) * 25 + (customer_value - 1) * 5 + difficulty - 1


def priority_bounds(priority: str, w: Weights) -> tuple[Decimal | None, Decimal | None]:
    """The score range (low inclusive, high exclusive; None = open) of a priority band, so
    that a filter on the band can read the rank's score index."""
    if priority == Priority.HIGH:
        return w.high_threshold, None
    if priority == Priority.MEDIUM:
        return w.medium_threshold, w.high_threshold
    return None, w.medium_threshold


@dataclass(frozen=True)
class Scored:
    score: Decimal
    priority: Priority
    quadrant: Quadrant


def score_table(w: Weights) -> dict[tuple[int, int, int, int], Scored]:
    """Score, priority and quadrant of each of the 625 combinations of the four 1-5 inputs:
    what a whole pool is scored from (the bulk seeder, re-scoring), with this module's rules."""
    table = {}
    for i, u, v, d in itertools.product(range(1, 6), repeat=4):
        score = score_of(i, u, v, d, w)
        table[(i, u, v, d)] = Scored(score, priority_of(score, w), quadrant_of(i, v, d))
    return table


# SQL over many requirements joins each rank row, by its inputs_key, to the score table above,
# passed as arrays (SCORE_TABLE_SQL), so that the formula and the bands exist only in Python.
SCORE_TABLE_SQL = (
    "unnest(%(keys)s::smallint[], %(scores)s::numeric[], %(priorities)s::varchar[]) "
    "AS t (inputs_key, score, priority)"
)


def score_table_params(w: Weights) -> dict[str, list[Any]]:
    """The query parameters of SCORE_TABLE_SQL for the model ``w``."""
    table = score_table(w)
    return {
        "keys": [inputs_key(*inputs) for inputs in table],
        "scores": [row.score for row in table.values()],
        "priorities": [row.priority.value for row in table.values()],
    }


# Re-scoring: Only rank rows whose score
# or priority changes are written, and never a requirement row, so a re-score cannot deadlock
# with an edit (which locks the requirement, then its rank).
_RESCORE_SQL = f"""
UPDATE requirements_requirementrank AS k
SET score = t.score, priority = t.priority
FROM {SCORE_TABLE_SQL}
WHERE k.inputs_key = t.inputs_key
  AND k.requirement_id >= %(low)s AND k.requirement_id < %(high)s
  AND (k.score <> t.score OR k.priority <> t.priority)
"""  # noqa: S608 -- built from constants, not from input


def rescore_range(w: Weights, low: int, high: int) -> int:
    """Re-score the requirements with ``low <= id < high`` in one statement; return how many
    changed score or priority.

    Quadrants depend only on the inputs, never on the weights, so they stay as they are. The
    change is recorded once, on the re-scoring job, not as a million history rows; the
    requirement rows themselves (and their versions) are untouched, since nobody edits a score.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RESCORE_SQL, {**score_table_params(w), "low": low, "high": high})
        return int(cursor.rowcount)
