"""Priority scoring: one formula, used row by row and, for re-scoring the pool, as one SQL UPDATE.

score = importance*w_i + urgency*w_u + customer_value*w_v + (6 - difficulty)*w_e, 2 decimals.
priority: high at or above the high threshold, medium at or above the medium one, else low.
quadrant: value = (importance + customer_value) / 2 and cost = difficulty, each high when > 3.
"""

from dataclasses import dataclass
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


# The same formula as score_of/priority_of, in SQL, for many requirements at once. The score
# depends only on the four 1-5 inputs, so it is worked out once for each of their 625
# combinations and joined in memory, and only rank rows whose score or priority changes are
# written. Only rank rows: a requirement row is never locked here, so a re-score cannot
# deadlock with an edit (which locks the requirement, then its rank).
_RESCORE_SQL = """
WITH scored AS (
    SELECT i, u, v, d, ROUND(i * %(wi)s + u * %(wu)s + v * %(wv)s + (6 - d) * %(we)s, 2) AS score
    FROM generate_series(1, 5) AS i, generate_series(1, 5) AS u, generate_series(1, 5) AS v,
         generate_series(1, 5) AS d
), banded AS (
    SELECT (i - 1) * 125 + (u - 1) * 25 + (v - 1) * 5 + d - 1 AS inputs_key, score,
           CASE WHEN score >= %(high)s THEN 'high' WHEN score >= %(medium)s THEN 'medium'
                ELSE 'low' END AS priority
    FROM scored
)
UPDATE requirements_requirementrank AS k
SET score = b.score, priority = b.priority
FROM banded AS b
WHERE k.inputs_key = b.inputs_key
  AND k.requirement_id >= %(low)s AND k.requirement_id < %(high_id)s
  AND (k.score <> b.score OR k.priority <> b.priority)
"""


def rescore_range(w: Weights, low: int, high: int) -> int:
    """Re-score the requirements with ``low <= id < high`` in one statement; return how many
    changed score or priority.

    Quadrants depend only on the inputs, never on the weights, so they stay as they are. The
    change is recorded once, on the re-scoring job, not as a million history rows; the
    requirement rows themselves (and their versions) are untouched, since nobody edits a score.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _RESCORE_SQL,
            {"wi": w.importance, "wu": w.urgency, "wv": w.customer_value, "we": w.ease,
             "high": w.high_threshold, "medium": w.medium_threshold, "low": low, "high_id": high},
        )  # fmt: skip
        return int(cursor.rowcount)
