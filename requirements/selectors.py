"""Reads of requirements that pages and the API share, already scoped to the user."""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customer_visible
from reqhub.accounts.permissions import has_scope
from reqhub.accounts.roles import Scope

from . import scoring, search, sla
from .models import Requirement, RequirementEvent, RescoreJob
from .workflow import OPEN, Status

NUMBER_PATTERN = r"REQ-\d{4}-\d{6,}"


def requirement_visible(user: Any) -> QuerySet[Requirement]:
    """Requirements ``user`` may see: all, those of the customers they own, or none; with their
    rank. The search vector is left out: it is only ever searched, never read back."""
    scope = has_scope(user, "requirement.view")
    qs = Requirement.objects.ranked().defer("search")
    if scope == Scope.ALL:
        return qs
    if scope == Scope.OWN:
        return qs.filter(customer__owner=user)
    return qs.none()


def requirement_get(user: Any, number: str) -> Requirement:
    """The requirement with ``number``; unknown and not-yours look the same (404).

    A merged requirement answers at its own number (status merged, merged_into set).
    """
    try:
        return (
            requirement_visible(user)
            .select_related("customer", "customer__owner", "owner", "contact", "merged_into")
            .get(number=number)
        )
    except Requirement.DoesNotExist as exc:
        raise Http404 from exc


def requirement_api_rows(user: Any) -> QuerySet[Requirement]:
    """Requirements ``user`` may see, as the API presents them: the customer's code, the owner's
    name, the survivor's number and the tag names come as columns of the one query, not as
    related objects or a second query (a page of 50 costs a third less that way)."""
    tag_names = (
        Requirement.tags.through.objects.filter(requirement_id=OuterRef("pk"))
        .order_by("tag__name")
        .values("tag__name")
    )
    return requirement_visible(user).annotate(
        customer_code=F("customer__code"),
        owner_username=F("owner__username"),
        merged_into_number=F("merged_into__number"),
        tag_names=ArraySubquery(tag_names),
    )


def requirement_api_get(user: Any, number: str) -> Requirement:
    """One requirement as the API presents it; unknown and not-yours look the same (404)."""
    try:
        return requirement_api_rows(user).get(number=number)
    except Requirement.DoesNotExist as exc:
        raise Http404 from exc


def requirement_text_search(qs: QuerySet[Requirement], text: str) -> QuerySet[Requirement]:
    """Narrow to requirements whose text holds every token of ``text`` (Chinese included)."""
    tsquery = search.query(text)
    if tsquery is None:
        return qs
    return qs.filter(search=SearchQuery(tsquery, config="simple", search_type="raw"))


def sla_breached_q(now: Any = None) -> Q:
    """Requirements past their response deadline without a response, clock not paused."""
    now = now or timezone.now()
    return Q(first_response_at__isnull=True, sla_paused_at__isnull=True, response_due_at__lt=now)


def sla_near_q(now: Any = None) -> Q:
    now = now or timezone.now()
    return Q(
        first_response_at__isnull=True,
        sla_paused_at__isnull=True,
        response_due_at__gte=now,
        response_due_at__lt=now + sla.NEAR_BREACH,
    )


def requirement_sla_state(req: Requirement, now: Any = None) -> str:
    """`breached`, `near`, `ok`, `paused`, `answered` or `none` (no clock)."""
    now = now or timezone.now()
    if req.response_due_at is None:
        return "none"
    if req.first_response_at is not None:
        return "answered" if req.first_response_at <= req.response_due_at else "answered_late"
    if req.sla_paused_at is not None:
        return "paused"
    if req.response_due_at < now:
        return "breached"
    if req.response_due_at < now + sla.NEAR_BREACH:
        return "near"
    return "ok"


def requirement_history(req: Requirement) -> QuerySet[RequirementEvent]:
    """Every change to ``req`` and to the requirements merged into it, oldest first."""
    return (
        RequirementEvent.objects.filter(Q(requirement=req) | Q(requirement__merged_into=req))
        .select_related("by", "requirement")
        .order_by("at", "id")
    )


def requirement_duplicates(
    user: Any, *, title: str, customer: Customer | None = None, description: str = "",
    exclude: str | None = None, limit: int = 5, minimum: float = 0.3,
) -> list[dict[str, Any]]:  # fmt: skip
    """Likely duplicates of a new requirement, best first: number, title, similarity (0-1).

    Candidates are the customer's requirements that are not merged or rejected (a done one
    is worth pointing to as well; with no customer, those sharing a text token with the
    title); each is ranked by token likeness of title and description.
    """
    text = f"{title} {description}".strip()
    if not search.tokens(text):
        return []
    qs = requirement_visible(user).exclude(status__in=[Status.MERGED, Status.REJECTED])
    if exclude:
        qs = qs.exclude(number=exclude)
    if customer is not None:
        qs = qs.filter(customer=customer)
    else:
        any_token = " | ".join(f"'{t}'" for t in dict.fromkeys(search.tokens(title)))
        qs = qs.filter(search=SearchQuery(any_token, config="simple", search_type="raw"))
    candidates = qs.order_by("-id").values("number", "title", "description", "status")[:500]
    ranked: list[dict[str, Any]] = []
    for c in candidates:
        score = max(
            search.similarity(title, c["title"]),
            search.similarity(text, f"{c['title']} {c['description']}") * 0.9,
        )
        if score >= minimum:
            ranked.append({"number": c["number"], "title": c["title"], "status": c["status"],
                           "similarity": score})  # fmt: skip
    ranked.sort(key=lambda r: (-float(r["similarity"]), str(r["number"])))
    return ranked[:limit]


# --- Reads for the pages: intake type-ahead, customer page, pool charts, scoring preview ---


def requirement_intake_customers(user: Any, text: str, *, limit: int = 10) -> list[Customer]:
    """Customers ``user`` may log requirements for whose name contains or code starts with
    ``text``, for the intake page's type-ahead."""
    text = text.strip()
    if not text or has_scope(user, "requirement.create") == Scope.NONE:
        return []
    qs = customer_visible(user).filter(Q(name__icontains=text) | Q(code__istartswith=text))
    return list(qs.order_by("name", "id")[:limit])


def requirement_for_customer(
    user: Any, customer: Customer, *, limit: int = 20
) -> list[Requirement]:
    """The customer's latest requirements ``user`` may see, newest first, in one query."""
    return list(
        requirement_visible(user)
        .filter(customer=customer)
        .order_by("-created_at", "-id")
        .only(
            "number",
            "title",
            "status",
            "created_at",
            "updated_at",
            "rank__priority",
            "rank__score",
        )[:limit]
    )


def requirement_count_by_status(qs: QuerySet[Requirement]) -> dict[str, int]:
    """How many of ``qs`` are in each status (one GROUP BY)."""
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def requirement_count_by_quadrant(qs: QuerySet[Requirement]) -> dict[str, int]:
    """How many of ``qs`` are in each value-cost quadrant (one GROUP BY)."""
    rows = qs.order_by().values("rank__quadrant").annotate(n=Count("id"))
    return {row["rank__quadrant"]: row["n"] for row in rows}


MATRIX_SAMPLE = 500


def requirement_matrix_points(
    qs: QuerySet[Requirement], *, limit: int = MATRIX_SAMPLE
) -> list[dict[str, Any]]:
    """The value-cost matrix's points: the ``limit`` highest-scored of ``qs``, never the pool.

    value = (importance + customer_value) / 2, cost = difficulty.
    """
    rows = qs.order_by("-rank__score", "-id").values(
        "number",
        "title",
        "importance",
        "customer_value",
        "difficulty",
        score=F("rank__score"),
        quadrant=F("rank__quadrant"),
    )[:limit]
    return [
        {
            "number": r["number"],
            "title": r["title"],
            "value": (r["importance"] + r["customer_value"]) / 2,
            "cost": r["difficulty"],
            "score": float(r["score"]),
            "quadrant": r["quadrant"],
        }
        for r in rows
    ]


_PREVIEW_SQL = f"""
SELECT number, title, score, priority, new_score, new_priority, old_rank FROM (
    SELECT r.id, r.number, r.title, k.score, k.priority, t.score AS new_score,
           t.priority AS new_priority,
           row_number() OVER (ORDER BY k.score DESC, r.id DESC) AS old_rank
    FROM requirements_requirementrank AS k
    JOIN requirements_requirement AS r ON r.id = k.requirement_id
    JOIN {scoring.SCORE_TABLE_SQL} ON t.inputs_key = k.inputs_key
    WHERE k.status = ANY(%(open)s)
) AS ranked
ORDER BY new_score DESC, score DESC, id DESC
LIMIT %(limit)s
"""  # noqa: S608 -- built from constants, not from input


def requirement_score_preview(weights: scoring.Weights, *, limit: int = 20) -> list[dict[str, Any]]:
    """The open pool's top ``limit`` under ``weights`` (a scoring.Weights), each with its rank
    and score today, in one SQL query over the model's score table."""
    params: dict[str, Any] = {
        **scoring.score_table_params(weights),
        "open": sorted(OPEN),
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_PREVIEW_SQL, params)
        names = [col[0] for col in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [
        {**row, "rank": rank, "moved": row["old_rank"] - rank}
        for rank, row in enumerate(rows, start=1)
    ]


def rescore_latest() -> RescoreJob | None:
    """The latest re-scoring of the pool, if the scoring model was ever saved."""
    return RescoreJob.objects.order_by("-created_at").first()


def rescore_get(job_id: Any) -> RescoreJob:
    try:
        return RescoreJob.objects.get(pk=job_id)
    except (RescoreJob.DoesNotExist, ValueError) as exc:  # ValueError: not a UUID
        raise Http404 from exc
