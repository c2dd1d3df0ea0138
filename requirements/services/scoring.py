"""The scoring model and assignment rules."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can

from .. import scoring, sla
from ..models import AssignmentRule, Priority, Requirement, ScoringModel


def _validate(w: scoring.Weights) -> None:
    errors: dict[str, str] = {}
    weights = (w.importance, w.urgency, w.customer_value, w.ease)
    if any(x < 0 or x > 1 for x in weights):
        errors["weights"] = _("Each weight is between 0 and 1.")
    elif sum(weights) != Decimal("1"):
        errors["weights"] = _("The weights must add up to 1 (they add up to %(sum)s).") % {
            "sum": sum(weights)
        }
    if not (1 <= w.medium_threshold < w.high_threshold <= 5):
        errors["high_threshold"] = _(
            "Thresholds must satisfy 1 ≤ medium threshold < high threshold ≤ 5."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scoring_model_update(*, actor: User, weights: scoring.Weights) -> int:
    """Save the scoring model and re-score the whole pool in one statement; return rows changed.

    Requirements that become high priority get their technical-plan deadline from now.
    """
    if not can(actor, "scoring.manage"):
        raise PermissionDenied(_("Your role may not change the scoring model."))
    _validate(weights)
    model, _created = ScoringModel.objects.select_for_update().get_or_create(pk=1)
    model.w_importance, model.w_urgency = weights.importance, weights.urgency
    model.w_customer_value, model.w_ease = weights.customer_value, weights.ease
    model.high_threshold, model.medium_threshold = weights.high_threshold, weights.medium_threshold
    model.updated_by = actor
    model.save()
    changed = scoring.rescore_all(weights)
    Requirement.objects.filter(priority=Priority.HIGH, plan_due_at__isnull=True).update(
        plan_due_at=sla.plan_due(timezone.now())
    )
    return changed


@transaction.atomic
def assignment_rule_set(
    *, actor: User, type: str, owner: User, collaborator: User | None = None
) -> AssignmentRule:
    """Who takes requirements of a routing type when they are accepted into the plan."""
    if not can(actor, "scoring.manage"):
        raise PermissionDenied(_("Your role may not change the assignment rules."))
    if not owner.is_active:
        raise ValidationError({"owner": _("This user is inactive.")})
    rule, _created = AssignmentRule.objects.update_or_create(
        type=type, defaults={"owner": owner, "collaborator": collaborator}
    )
    return rule
