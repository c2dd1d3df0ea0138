"""The scoring model and assignment rules."""

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal

from django import db
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can

from .. import scoring, sla
from ..models import (
    RESCORE_ACTIVE,
    AssignmentRule,
    Priority,
    Requirement,
    RequirementRank,
    RescoreJob,
    RescoreState,
    ScoringModel,
)
from ..workflow import OPEN

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Rows of the id range re-scored per statement and transaction: small enough that progress
# moves every second or two and a batch's row locks are short, large enough to stay set-based.
RESCORE_BATCH = 50_000


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


def scoring_model_update(*, actor: User, weights: scoring.Weights) -> RescoreJob:
    """Save the scoring model and queue the re-scoring of the whole pool; return its job.

    The model is in force at once (new and edited requirements are scored with it); the
    worker re-scores the rest in batches (``rescore_run``). A job still under way for an
    earlier save is superseded: the new one goes over the whole pool anyway.
    """
    if not can(actor, "scoring.manage"):
        raise PermissionDenied(_("Your role may not change the scoring model."))
    _validate(weights)
    with transaction.atomic():
        model, _created = ScoringModel.objects.select_for_update().get_or_create(pk=1)
        model.w_importance, model.w_urgency = weights.importance, weights.urgency
        model.w_customer_value, model.w_ease = weights.customer_value, weights.ease
        model.high_threshold = weights.high_threshold
        model.medium_threshold = weights.medium_threshold
        model.updated_by = actor
        model.save()
        RescoreJob.objects.filter(state__in=RESCORE_ACTIVE).update(
            state=RescoreState.SUPERSEDED, finished_at=timezone.now()
        )
        job = RescoreJob.objects.create(requested_by=actor)
        transaction.on_commit(lambda: _enqueue(str(job.id)))
    return job


def _enqueue(job_id: str) -> None:
    """Send the job to the workers; with the broker down it stays queued for the catch-up."""
    from ..tasks import rescore_run_task

    try:
        rescore_run_task.delay(job_id)
    except KombuOperationalError:
        logger.warning("Broker unavailable; re-scoring %s waits for the catch-up", job_id)


def rescores_requeue(now: datetime | None = None) -> int:
    """Send again a re-scoring no worker holds (queued for a while, or running without a
    heartbeat): run by beat, it catches up after a broker or worker outage."""
    stale = (now or timezone.now()) - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    ids = list(
        RescoreJob.objects.filter(
            Q(state=RescoreState.QUEUED, created_at__lt=stale)
            | Q(state=RescoreState.RUNNING, heartbeat_at__lt=stale)
        ).values_list("id", flat=True)
    )
    for job_id in ids:
        _enqueue(str(job_id))
    return len(ids)


def _claim(job_id: str) -> RescoreJob | None:
    """Mark the job running for this worker; None when it is finished or a live worker has it."""
    with transaction.atomic():
        job = RescoreJob.objects.select_for_update().get(pk=job_id)
        if not job.is_active:
            return None
        now = timezone.now()
        stale = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
        if job.state == RescoreState.RUNNING and job.heartbeat_at and job.heartbeat_at >= stale:
            return None
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            job.state, job.finished_at = RescoreState.FAILED, now
            job.error = _("The re-scoring was interrupted too many times.")
            job.save(update_fields=["state", "error", "attempts", "finished_at"])
            return None
        job.state, job.started_at, job.heartbeat_at = RescoreState.RUNNING, now, now
        job.progress = job.changed = 0
        job.save(
            update_fields=["state", "started_at", "heartbeat_at", "progress", "changed", "attempts"]
        )
        return job


def rescore_run(job_id: str) -> RescoreJob:
    """Re-score the pool in batches of ids, each one set-based statement in its own transaction,
    recording progress after each; safe to run again (rows already right are not written).

    ``settings.RESCORE_CONNECTIONS`` batches run at once, each on its own database connection
    (the statements are CPU-bound in PostgreSQL, so two connections on two cores take about
    half the time). A batch that finds the job no longer running (a later save superseded it)
    is rolled back and the rest are skipped.
    """
    job = _claim(job_id)
    if job is None:
        return RescoreJob.objects.get(pk=job_id)
    weights = scoring.weights_current()
    bounds = RequirementRank.objects.aggregate(
        low=Min("requirement_id"), high=Max("requirement_id"), total=Count("requirement_id")
    )
    low, high = bounds["low"] or 0, bounds["high"] or 0
    RescoreJob.objects.filter(pk=job.pk).update(total=bounds["total"])
    starts = range(low, high + 1, RESCORE_BATCH)
    finished = itertools.count(1)
    superseded = threading.Event()

    def batch(start: int) -> None:
        if superseded.is_set():
            return
        with transaction.atomic():
            changed = scoring.rescore_range(weights, start, start + RESCORE_BATCH)
            progress = min(99, next(finished) * 100 // len(starts))
            still_running = RescoreJob.objects.filter(pk=job.pk, state=RescoreState.RUNNING).update(
                changed=F("changed") + changed,
                progress=Greatest(F("progress"), progress),  # batches may finish out of order
                heartbeat_at=timezone.now(),
            )
            if not still_running:
                superseded.set()
                transaction.set_rollback(True)  # the later job does this batch

    connections_at_once = max(1, settings.RESCORE_CONNECTIONS)
    if connections_at_once == 1:
        for start in starts:
            batch(start)
    else:
        with ThreadPoolExecutor(connections_at_once) as pool:
            # list(): a failing batch raises here, and the job fails with its error
            list(pool.map(_on_own_connection(batch), starts))
    if not superseded.is_set():
        _plan_deadlines_give(weights)
    RescoreJob.objects.filter(pk=job.pk, state=RescoreState.RUNNING).update(
        state=RescoreState.DONE, progress=100, finished_at=timezone.now()
    )
    return RescoreJob.objects.get(pk=job.pk)


def _plan_deadlines_give(weights: scoring.Weights) -> int:
    """Open requirements that are high priority now and have no technical plan nor deadline
    get the 3-working-day deadline from today (after a re-score made them high). Its own
    statement after the batches, so that a batch never locks requirement rows."""
    return Requirement.objects.filter(
        rank__status__in=OPEN,
        rank__priority=Priority.HIGH,
        # the band as a range of the rank's score index, as the pool's priority filter reads it
        rank__score__gte=scoring.priority_bounds(Priority.HIGH, weights)[0],
        plan_due_at__isnull=True,
        plan_submitted_at__isnull=True,
    ).update(plan_due_at=sla.plan_due(timezone.now()))


def _on_own_connection(fn: Callable[[int], None]) -> Callable[[int], None]:
    """``fn`` run on the calling thread's own connection, closed afterwards."""

    def run(arg: int) -> None:
        try:
            fn(arg)
        finally:
            db.connection.close()

    return run


def rescore_fail(job_id: str, error: str) -> None:
    """Record a failure the user will see; the job is not retried after this."""
    RescoreJob.objects.filter(pk=job_id, state__in=RESCORE_ACTIVE).update(
        state=RescoreState.FAILED, error=error[:2000], finished_at=timezone.now()
    )


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
