"""Priority scoring: one formula, used row by row and, for re-scoring the pool, as one SQL UPDATE.

score = importance*w_i + urgency*w_u + customer_value*w_v + (6 - difficulty)*w_e, 2 decimals.
priority: high at or above the high threshold, medium at or above the medium one, else low.
quadrant: value = (importance + customer_value) / 2 and cost = difficulty, each high when > 3.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

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


# The same formula as score_of/priority_of, in SQL, for many requirements at once. The score
# depends only on the four 1-5 inputs, so it is worked out once for each of their 625
# combinations and joined in memory, and only rows whose score or priority changes are written.
_RESCORE_SQL = """
WITH scored AS (
    SELECT i, u, v, d, ROUND(i * %(wi)s + u * %(wu)s + v * %(wv)s + (6 - d) * %(we)s, 2) AS score
    FROM generate_series(1, 5) AS i, generate_series(1, 5) AS u, generate_series(1, 5) AS v,
         generate_series(1, 5) AS d
), banded AS (
    SELECT i, u, v, d, score,
           CASE WHEN score >= %(high)s THEN 'high' WHEN score >= %(medium)s THEN 'medium'
                ELSE 'low' END AS priority
    FROM scored
)
UPDATE requirements_requirement AS r
SET score = b.score, priority = b.priority,
    plan_due_at = CASE WHEN b.priority = 'high' AND r.plan_due_at IS NULL THEN %(plan_due)s
                       ELSE r.plan_due_at END,
    -- an edit page opened before the re-score must not overwrite it unnoticed
    version = r.version + 1
FROM banded AS b
WHERE (r.importance, r.urgency, r.customer_value, r.difficulty) = (b.i, b.u, b.v, b.d)
  AND r.id >= %(low)s AND r.id < %(high_id)s
  AND (r.score <> b.score OR r.priority <> b.priority)
"""


def rescore_range(w: Weights, low: int, high: int, plan_due: datetime) -> int:
    """Re-score the requirements with ``low <= id < high`` in one statement; return how many
    changed. Those that become high priority without a technical-plan deadline get ``plan_due``.

    Quadrants depend only on the inputs, never on the weights, so they stay as they are.
    Changed rows get a new version (stale edit pages get a conflict); the change itself is
    recorded once, on the re-scoring job, not as a million history rows.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _RESCORE_SQL,
            {"wi": w.importance, "wu": w.urgency, "wv": w.customer_value, "we": w.ease,
             "high": w.high_threshold, "medium": w.medium_threshold, "plan_due": plan_due,
             "low": low, "high_id": high},
        )  # fmt: skip
        return int(cursor.rowcount)
