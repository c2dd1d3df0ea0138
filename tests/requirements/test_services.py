"""Requirement services: scoring, numbering, every legal and illegal move, merge, SLA, history."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from reqhub.core.exceptions import ConflictError, StaleVersionError
from reqhub.core.jobs import job_run
from requirements import access, scoring, selectors, services, sla
from requirements.models import (
    AssignmentRule,
    Requirement,
    RequirementEvent,
    RescoreJob,
    RescoreState,
)
from requirements.workflow import MOVES, REASON_REQUIRED, Status
from tests.factories import CustomerFactory
from tests.requirements.helpers import move, new_requirement

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")

# The route from `new` to each status, for starting a test in any state.
ROUTE = {
    Status.NEW: [],
    Status.NEEDS_INFO: [Status.NEEDS_INFO],
    Status.NOT_STARTED: [Status.NOT_STARTED],
    Status.IN_PROGRESS: [Status.NOT_STARTED, Status.IN_PROGRESS],
    Status.TESTING: [Status.NOT_STARTED, Status.IN_PROGRESS, Status.TESTING],
    Status.AWAITING_ACCEPTANCE: [
        Status.NOT_STARTED, Status.IN_PROGRESS, Status.TESTING, Status.AWAITING_ACCEPTANCE,
    ],
    Status.DONE: [
        Status.NOT_STARTED, Status.IN_PROGRESS, Status.TESTING, Status.AWAITING_ACCEPTANCE,
        Status.DONE,
    ],
    Status.OUT_OF_SCOPE: [Status.OUT_OF_SCOPE],
    Status.REJECTED: [Status.REJECTED],
}  # fmt: skip


@pytest.fixture
def customer(users):
    return CustomerFactory(owner=users["sales_rep"])


def in_state(users, customer, status: Status) -> Requirement:
    req = new_requirement(users["sales_rep"], customer)
    return move(req, users["admin"], *ROUTE[status])


# --- scoring ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "score", "priority", "quadrant"),
    [
        ((5, 4, 5, 2), "4.55", "high", "quick_win"),
        ((5, 5, 5, 5), "4.20", "high", "strategic"),
        ((3, 3, 3, 3), "3.00", "medium", "fill_in"),
        ((2, 2, 2, 5), "1.80", "low", "deprioritize"),
        ((4, 3, 4, 4), "3.35", "medium", "strategic"),
        ((1, 1, 1, 1), "1.80", "low", "fill_in"),
    ],
)
def test_score_priority_and_quadrant_follow_the_default_model(
    users, customer, inputs, score, priority, quadrant
) -> None:
    importance, urgency, value, difficulty = inputs
    req = new_requirement(
        users["sales_rep"], customer, importance=importance, urgency=urgency,
        customer_value=value, difficulty=difficulty,
    )  # fmt: skip
    assert (req.score, req.priority, req.quadrant) == (Decimal(score), priority, quadrant)


def test_value_exactly_3_is_not_high_value() -> None:
    assert scoring.quadrant_of(3, 3, 3) == "fill_in"
    assert scoring.quadrant_of(4, 3, 4) == "strategic"  # value 3.5


def test_changing_a_score_input_rescores(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    req = services.requirement_update(actor=users["product_manager"], requirement=req, importance=5)
    assert req.score == Decimal("3.60")
    assert RequirementEvent.objects.filter(requirement=req, field="importance").exists()


def test_scores_outside_1_to_5_are_refused(users, customer) -> None:
    with pytest.raises(ValidationError) as exc:
        new_requirement(users["sales_rep"], customer, urgency=6)
    assert "urgency" in exc.value.error_dict
    assert not Requirement.objects.exists()


def _rescore(actor, w: scoring.Weights) -> RescoreJob:
    """Save the model, then run the queued job as the worker would."""
    job = services.scoring_model_update(actor=actor, weights=w)
    assert job.state == RescoreState.QUEUED
    return services.rescore_run(str(job.id))


IMPORTANCE_ONLY = scoring.Weights(
    Decimal("1"), Decimal("0"), Decimal("0"), Decimal("0"), Decimal("4"), Decimal("3")
)


def test_the_scoring_model_rescores_the_whole_pool(users, customer) -> None:
    reqs = [new_requirement(users["sales_rep"], customer, importance=i) for i in (1, 3, 5)]
    job = _rescore(users["product_manager"], IMPORTANCE_ONLY)
    # importance 3 scores 3.00 under both models
    assert (job.state, job.changed, job.total, job.progress) == (RescoreState.DONE, 2, 3, 100)
    assert job.finished_at is not None
    scores = [Requirement.objects.get(pk=r.pk).score for r in reqs]
    assert scores == [Decimal("1.00"), Decimal("3.00"), Decimal("5.00")]
    assert Requirement.objects.get(pk=reqs[2].pk).priority == "high"
    assert Requirement.objects.get(pk=reqs[2].pk).plan_due_at is not None


def test_only_open_requirements_made_high_by_a_rescore_get_a_plan_deadline(users, customer) -> None:
    open_one = new_requirement(users["sales_rep"], customer, importance=5)
    closed = new_requirement(users["sales_rep"], customer, importance=5)
    move(closed, users["product_manager"], Status.REJECTED, reason="不在产品范围内")
    assert open_one.plan_due_at is None and open_one.priority == "medium"
    _rescore(users["admin"], IMPORTANCE_ONLY)
    assert Requirement.objects.get(pk=open_one.pk).plan_due_at is not None
    closed = Requirement.objects.get(pk=closed.pk)
    assert closed.priority == "high" and closed.plan_due_at is None


def test_the_model_is_in_force_before_the_pool_is_rescored(users, customer) -> None:
    old = new_requirement(users["sales_rep"], customer, importance=5)
    services.scoring_model_update(actor=users["admin"], weights=IMPORTANCE_ONLY)
    assert Requirement.objects.get(pk=old.pk).score == Decimal("3.60")  # not yet re-scored
    fresh = new_requirement(users["sales_rep"], customer, importance=5)
    assert fresh.score == Decimal("5.00")


def test_rescoring_in_batches_reports_progress_and_gives_the_same_scores(
    users, customer, monkeypatch
) -> None:
    reqs = [new_requirement(users["sales_rep"], customer, importance=1 + i % 5) for i in range(7)]
    monkeypatch.setattr(services.scoring, "RESCORE_BATCH", 2)
    seen: list[int] = []
    real = scoring.rescore_range

    def spy(*args):
        seen.append(RescoreJob.objects.get().progress)
        return real(*args)

    monkeypatch.setattr(scoring, "rescore_range", spy)
    job = _rescore(users["admin"], IMPORTANCE_ONLY)
    assert job.state == RescoreState.DONE and len(seen) == 4
    assert seen == sorted(seen) and seen[-1] > seen[0]
    for r in reqs:
        assert Requirement.objects.get(pk=r.pk).score == Decimal(r.importance)


def test_a_second_save_supersedes_a_rescoring_under_way(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, importance=5)
    first = services.scoring_model_update(actor=users["admin"], weights=IMPORTANCE_ONLY)
    second = services.scoring_model_update(actor=users["admin"], weights=scoring.DEFAULT)
    assert services.rescore_run(str(first.id)).state == RescoreState.SUPERSEDED
    assert Requirement.objects.get(pk=req.pk).score == Decimal("3.60")
    assert services.rescore_run(str(second.id)).state == RescoreState.DONE
    assert RescoreJob.objects.filter(state=RescoreState.SUPERSEDED).count() == 1


def test_a_rescoring_whose_worker_died_is_taken_over_then_given_up(users, customer) -> None:
    new_requirement(users["sales_rep"], customer, importance=5)
    job = services.scoring_model_update(actor=users["admin"], weights=IMPORTANCE_ONLY)
    long_ago = timezone.now() - timedelta(hours=1)
    RescoreJob.objects.filter(pk=job.pk).update(
        state=RescoreState.RUNNING, heartbeat_at=timezone.now(), attempts=1
    )
    assert services.rescore_run(str(job.id)).attempts == 1  # a live worker has it: left alone
    RescoreJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago, created_at=long_ago)
    assert services.rescores_requeue() == 1
    assert services.rescore_run(str(job.id)).state == RescoreState.DONE
    job = services.scoring_model_update(actor=users["admin"], weights=scoring.DEFAULT)
    RescoreJob.objects.filter(pk=job.pk).update(
        state=RescoreState.RUNNING, heartbeat_at=long_ago, attempts=3
    )
    failed = services.rescore_run(str(job.id))
    assert failed.state == RescoreState.FAILED and failed.error  # shown to the user


def test_a_failing_rescoring_ends_failed_with_its_error(users, customer, monkeypatch) -> None:
    new_requirement(users["sales_rep"], customer)
    job = services.scoring_model_update(actor=users["admin"], weights=IMPORTANCE_ONLY)

    def broken(*args):
        raise ValueError("bad weights row")

    monkeypatch.setattr(scoring, "rescore_range", broken)
    with pytest.raises(ValueError, match="bad weights row"):
        job_run(services.rescore_run, services.rescore_fail, str(job.id))
    job.refresh_from_db()
    assert job.state == RescoreState.FAILED and "bad weights row" in job.error


def test_sql_and_python_scoring_agree_for_every_input(users, customer) -> None:
    w = scoring.Weights(
        Decimal("0.35"), Decimal("0.15"), Decimal("0.3"), Decimal("0.2"), Decimal("3.6"),
        Decimal("2.5"),
    )  # fmt: skip
    for i in range(1, 6):
        new_requirement(users["sales_rep"], customer, importance=i, urgency=6 - i, difficulty=i)
    _rescore(users["admin"], w)
    for r in Requirement.objects.all():
        expected = scoring.score_of(r.importance, r.urgency, r.customer_value, r.difficulty, w)
        assert r.score == expected
        assert r.priority == scoring.priority_of(expected, w)


@pytest.mark.parametrize(
    "weights",
    [("0.3", "0.3", "0.3", "0.3"), ("1.2", "-0.2", "0", "0"), ("0.25", "0.25", "0.25", "0.24")],
)
def test_weights_must_sum_to_one(users, weights) -> None:
    w = scoring.Weights(*map(Decimal, weights), Decimal("4"), Decimal("3"))
    with pytest.raises(ValidationError) as exc:
        services.scoring_model_update(actor=users["admin"], weights=w)
    assert "weights" in exc.value.error_dict


def test_thresholds_must_be_ordered(users) -> None:
    w = scoring.Weights(*scoring.DEFAULT.__dict__.values())
    w = scoring.Weights(
        w.importance, w.urgency, w.customer_value, w.ease, Decimal("3"), Decimal("3.5")
    )
    with pytest.raises(ValidationError):
        services.scoring_model_update(actor=users["admin"], weights=w)


def test_only_product_roles_change_the_model(users) -> None:
    with pytest.raises(PermissionDenied):
        services.scoring_model_update(actor=users["sales_rep"], weights=scoring.DEFAULT)


# --- numbers and access codes ----------------------------------------------------------------


def test_numbers_are_req_year_and_six_digits(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    assert req.number == f"REQ-{timezone.localdate().year}-000001"


@pytest.mark.django_db(transaction=True)
def test_100_concurrent_creates_get_100_distinct_numbers(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])

    def create(i: int) -> str:
        try:
            return new_requirement(users["sales_rep"], customer, title=f"需求{i}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(create, range(100)))
    assert len(set(numbers)) == 100


def test_the_access_code_is_stored_only_as_a_hash(users, customer) -> None:
    req, code = services.requirement_create(
        actor=users["sales_rep"], customer=customer, title="甲", channel="api"
    )
    assert len(code) >= 10
    assert code not in req.access_code_hash
    assert access.code_matches(code, req.access_code_hash)
    new_code = services.requirement_access_code_renew(actor=users["sales_rep"], requirement=req)
    req.refresh_from_db()
    assert access.code_matches(new_code, req.access_code_hash)
    assert not access.code_matches(code, req.access_code_hash)


def test_a_sales_rep_cannot_log_for_someone_elses_customer(users) -> None:
    other = CustomerFactory(owner=users["sales_rep_2"])
    with pytest.raises(PermissionDenied):
        new_requirement(users["sales_rep"], other)


def test_a_contact_of_another_customer_is_refused(users, customer) -> None:
    from tests.factories import ContactFactory

    stranger = ContactFactory(customer=CustomerFactory(owner=users["sales_rep"]))
    with pytest.raises(ValidationError) as exc:
        new_requirement(users["sales_rep"], customer, contact=stranger)
    assert "contact" in exc.value.error_dict


# --- workflow: every legal and illegal move --------------------------------------------------

ALL_MOVES = [(s, t) for s in Status if s != Status.MERGED for t in Status if t != Status.MERGED]


@pytest.mark.parametrize(("source", "target"), ALL_MOVES)
def test_every_move(users, customer, source: Status, target: Status) -> None:
    req = in_state(users, customer, source)
    if target in MOVES[source]:
        moved = services.requirement_transition(
            actor=users["admin"], requirement=req, to=target, reason="因为"
        )
        assert moved.status == target
        last = RequirementEvent.objects.filter(requirement=req).last()
        assert (last.kind, last.old, last.new, last.reason) == ("status", source, target, "因为")
    else:
        with pytest.raises(ConflictError) as exc:
            services.requirement_transition(
                actor=users["admin"], requirement=req, to=target, reason="因为"
            )
        message = str(exc.value.message)
        assert str(Status(source).label) in message
        for allowed in MOVES[source]:
            assert allowed in message
        req.refresh_from_db()
        assert req.status == source


def test_transition_new_to_done_is_refused(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    with pytest.raises(ConflictError):
        services.requirement_transition(actor=users["admin"], requirement=req, to="done")


@pytest.mark.parametrize(("source", "target"), sorted(REASON_REQUIRED))
def test_moves_that_need_a_reason_refuse_without_one(users, customer, source, target) -> None:
    req = in_state(users, customer, source)
    with pytest.raises(ValidationError) as exc:
        services.requirement_transition(
            actor=users["admin"], requirement=req, to=target, reason=" "
        )
    assert "reason" in exc.value.error_dict
    req.refresh_from_db()
    assert req.status == source


def test_a_stale_version_moves_nothing(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    services.requirement_update(actor=users["product_manager"], requirement=req, importance=4)
    with pytest.raises(StaleVersionError):
        services.requirement_transition(
            actor=users["product_manager"], requirement=req, to="not_started", version=1
        )
    assert Requirement.objects.get(pk=req.pk).status == "new"


def test_two_editors_the_second_gets_a_conflict(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    services.requirement_update(
        actor=users["product_manager"], requirement=req, version=1, title="标题一"
    )
    with pytest.raises(StaleVersionError):
        services.requirement_update(
            actor=users["customer_success"], requirement=req, version=1, title="标题二"
        )
    assert Requirement.objects.get(pk=req.pk).title == "标题一"


@pytest.mark.parametrize(
    ("role", "source", "target", "allowed"),
    [
        ("sales_rep", "new", "not_started", False),
        ("product_manager", "new", "not_started", True),
        ("delivery", "not_started", "in_progress", False),  # not the owner
        ("product_manager", "rejected", "new", True),
        ("customer_success", "rejected", "new", False),
        ("customer_success", "awaiting_acceptance", "done", True),
        ("sales_rep", "needs_info", "new", True),
        ("reviewer", "needs_info", "new", False),
    ],
)
def test_who_may_make_which_move(users, customer, role, source, target, allowed) -> None:
    req = in_state(users, customer, Status(source))
    if allowed:
        services.requirement_transition(actor=users[role], requirement=req, to=target, reason="x")
    else:
        with pytest.raises(PermissionDenied):
            services.requirement_transition(
                actor=users[role], requirement=req, to=target, reason="x"
            )


def test_the_delivery_owner_moves_their_own_requirement(users, customer) -> None:
    req = in_state(users, customer, Status.NOT_STARTED)
    services.requirement_update(
        actor=users["product_manager"], requirement=req, owner=users["delivery"]
    )
    moved = services.requirement_transition(
        actor=users["delivery"], requirement=req, to="in_progress"
    )
    assert moved.status == "in_progress"


def test_acceptance_assigns_the_owner_by_type(users, customer) -> None:
    services.assignment_rule_set(
        actor=users["admin"], type="function", owner=users["product_manager"],
        collaborator=users["delivery"],
    )  # fmt: skip
    req = new_requirement(users["sales_rep"], customer, type="function")
    req = services.requirement_transition(
        actor=users["product_manager"], requirement=req, to="not_started"
    )
    assert req.owner == users["product_manager"]
    assert users["delivery"] in req.followers.all()
    assert AssignmentRule.objects.count() == 1


# --- merge -------------------------------------------------------------------------------


def test_merge_keeps_the_old_number_resolving_to_the_survivor(users, customer) -> None:
    survivor = new_requirement(users["sales_rep"], customer, title="生产数据实时同步ERP")
    dup = new_requirement(
        users["sales_rep"], customer, title="希望生产数据能实时同步到ERP系统", tags=["ERP"]
    )
    dup.followers.add(users["customer_success"])
    services.requirement_merge(
        actor=users["product_manager"], requirement=dup, into=survivor, reason="同一需求"
    )
    merged = selectors.requirement_get(users["sales_rep"], dup.number)
    assert (merged.status, merged.merged_into) == ("merged", survivor)
    assert users["customer_success"] in survivor.followers.all()
    assert [t.name for t in survivor.tags.all()] == ["ERP"]
    history = selectors.requirement_history(survivor)
    assert {e.requirement_id for e in history} == {survivor.pk, dup.pk}


def test_merge_into_itself_is_refused(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    with pytest.raises(ConflictError):
        services.requirement_merge(actor=users["admin"], requirement=req, into=req, reason="x")


def test_merge_into_a_merged_requirement_is_refused(users, customer) -> None:
    a, b, c = (new_requirement(users["sales_rep"], customer, title=t) for t in "甲乙丙")
    services.requirement_merge(actor=users["admin"], requirement=b, into=a, reason="同")
    with pytest.raises(ConflictError):
        services.requirement_merge(actor=users["admin"], requirement=c, into=b, reason="同")
    assert Requirement.objects.get(pk=c.pk).status == "new"


def test_merge_needs_a_reason(users, customer) -> None:
    a, b = (new_requirement(users["sales_rep"], customer, title=t) for t in "甲乙")
    with pytest.raises(ValidationError):
        services.requirement_merge(actor=users["admin"], requirement=b, into=a, reason="")


# --- SLA -----------------------------------------------------------------------------------


def test_response_due_follows_the_urgency_class(users, customer) -> None:
    urgent = new_requirement(users["sales_rep"], customer, urgency_class="urgent")
    normal = new_requirement(users["sales_rep"], customer)
    later = new_requirement(users["sales_rep"], customer, urgency_class="deferrable")
    assert urgent.response_due_at - urgent.created_at < timedelta(hours=24, seconds=1)
    assert normal.response_due_at - normal.created_at > timedelta(hours=71, minutes=59)
    assert later.response_due_at is None


def test_leaving_new_is_the_first_response(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    assert selectors.requirement_sla_state(req) == "ok"
    req = move(req, users["admin"], "not_started")
    assert req.first_response_at is not None
    assert selectors.requirement_sla_state(req) == "answered"


def test_an_overdue_unanswered_requirement_is_breached(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, urgency_class="urgent")
    assert (
        selectors.requirement_sla_state(req, now=timezone.now() + timedelta(hours=25)) == "breached"
    )
    assert selectors.requirement_sla_state(req, now=timezone.now() + timedelta(hours=21)) == "near"
    breached = Requirement.objects.filter(
        selectors.sla_breached_q(timezone.now() + timedelta(hours=25))
    )
    assert list(breached) == [req]


def test_waiting_on_the_customer_pauses_the_clock(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, urgency_class="urgent")
    due = req.response_due_at
    req = services.requirement_transition(
        actor=users["admin"], requirement=req, to="needs_info", reason="缺少现场照片"
    )
    # needs_info is itself a response; the clock matters again when the customer answers
    assert selectors.requirement_sla_state(req) == "answered"
    Requirement.objects.filter(pk=req.pk).update(sla_paused_at=timezone.now() - timedelta(hours=5))
    req = services.requirement_transition(actor=users["sales_rep"], requirement=req, to="new")
    assert req.sla_paused_at is None
    assert req.response_due_at == due


def test_plan_deadline_is_three_working_days_across_national_day() -> None:
    # Created on Wednesday 30 September 2026; 1-7 October are holidays.
    start = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    due = sla.plan_due(start)
    working = [d for d in range(1, 12) if sla.is_working_day(datetime(2026, 10, d).date())]
    assert due.date() == datetime(2026, 10, working[2]).date()
    assert due.date() > datetime(2026, 10, 7).date()
    assert due.hour == 10


def test_plan_deadline_over_a_plain_weekend() -> None:
    friday = datetime(2026, 11, 20, 9, 30, tzinfo=TZ)
    assert sla.plan_due(friday).date() == datetime(2026, 11, 25).date()


def test_years_the_calendar_does_not_know_fall_back_to_weekends() -> None:
    friday = datetime(2031, 1, 3, 9, 0, tzinfo=TZ)
    assert sla.plan_due(friday).date() == datetime(2031, 1, 8).date()


def test_a_high_priority_requirement_gets_a_plan_deadline(users, customer) -> None:
    req = new_requirement(
        users["sales_rep"], customer, importance=5, urgency=5, customer_value=5, difficulty=1
    )
    assert req.priority == "high"
    assert req.plan_due_at is not None
    low = new_requirement(users["sales_rep"], customer, importance=1)
    assert low.plan_due_at is None


# --- history, notes, search, duplicates ------------------------------------------------------


def test_every_field_change_is_in_the_history(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    services.requirement_update(
        actor=users["product_manager"], requirement=req, reason="客户补充", category="experience",
        tags=["功能优化"],
    )  # fmt: skip
    rows = list(
        RequirementEvent.objects.filter(requirement=req, kind="field").values_list(
            "field", "old", "new", "reason"
        )
    )
    assert ("category", "functional", "experience", "客户补充") in rows
    assert ("tags", "", "功能优化", "客户补充") in rows


def test_a_customer_visible_note_is_a_first_response(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    services.requirement_note_add(actor=users["customer_success"], requirement=req, text="已收到")
    assert Requirement.objects.get(pk=req.pk).first_response_at is None
    services.requirement_note_add(
        actor=users["customer_success"], requirement=req, text="正在评估", customer_visible=True
    )
    assert Requirement.objects.get(pk=req.pk).first_response_at is not None


def test_text_search_finds_two_character_chinese_words(users, customer) -> None:
    new_requirement(users["sales_rep"], customer, title="希望生产数据能实时同步到ERP系统")
    new_requirement(users["sales_rep"], customer, title="报表支持Excel导出")
    qs = selectors.requirement_visible(users["admin"])
    assert [r.title for r in selectors.requirement_text_search(qs, "同步")] == [
        "希望生产数据能实时同步到ERP系统"
    ]
    assert [r.title for r in selectors.requirement_text_search(qs, "excel")] == [
        "报表支持Excel导出"
    ]
    assert selectors.requirement_text_search(qs, "同步 报表").count() == 0


def test_duplicates_find_the_seed_example_for_the_same_customer(users, customer) -> None:
    existing = new_requirement(users["sales_rep"], customer, title="生产数据实时同步ERP")
    new_requirement(users["sales_rep"], customer, title="报表支持自定义字段")
    other = CustomerFactory(owner=users["sales_rep"])
    new_requirement(users["sales_rep"], other, title="生产数据实时同步ERP")
    found = selectors.requirement_duplicates(
        users["sales_rep"], title="希望生产数据能实时同步到ERP系统", customer=customer
    )
    assert [f["number"] for f in found] == [existing.number]
    assert found[0]["similarity"] > 0.5


def test_change_requests_only_on_accepted_requirements(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    with pytest.raises(ConflictError):
        services.change_request_create(
            actor=users["product_manager"], requirement=req, what="加字段", why="客户要求"
        )
    req = move(req, users["admin"], "not_started")
    change = services.change_request_create(
        actor=users["product_manager"], requirement=req, what="加字段", why="客户要求",
        impact_effort="+2人日", impact_dates="延后一周",
    )  # fmt: skip
    change = services.change_request_decide(
        actor=users["product_manager"], change=change, decision="approved"
    )
    assert change.decision == "approved"
    with pytest.raises(ConflictError):
        services.change_request_decide(
            actor=users["product_manager"], change=change, decision="rejected"
        )


def test_bulk_screening_reports_each_outcome(users, customer) -> None:
    a = new_requirement(users["sales_rep"], customer, title="甲")
    b = move(new_requirement(users["sales_rep"], customer, title="乙"), users["admin"], "rejected")
    results = services.requirement_bulk_transition(
        actor=users["product_manager"], requirements=[a, b], to="not_started"
    )
    assert [(r.number, r.ok) for r in results] == [(a.number, True), (b.number, False)]
    assert results[1].error


# --- guards added after review ---------------------------------------------------------------


def test_a_tag_with_an_id_number_is_refused(users, customer) -> None:
    with pytest.raises(ValidationError) as exc:
        new_requirement(users["sales_rep"], customer, tags=["11010519491231002X"])
    assert "tags" in exc.value.error_dict
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("reason", ["卡号 6222021234567890128", "理" * 2001])
def test_reasons_are_bounded_and_free_of_personal_data(users, customer, reason) -> None:
    req = new_requirement(users["sales_rep"], customer)
    with pytest.raises(ValidationError) as exc:
        services.requirement_transition(
            actor=users["admin"], requirement=req, to="rejected", reason=reason
        )
    assert "reason" in exc.value.error_dict
    assert Requirement.objects.get(pk=req.pk).status == "new"


def test_the_scope_of_an_accepted_requirement_changes_by_change_request(users, customer) -> None:
    req = move(new_requirement(users["sales_rep"], customer), users["admin"], "not_started")
    with pytest.raises(ConflictError) as exc:
        services.requirement_update(actor=users["product_manager"], requirement=req, title="新")
    assert exc.value.field == "title"
    moved = services.requirement_update(
        actor=users["product_manager"], requirement=req, urgency=5, planned_completion=None
    )
    assert moved.urgency == 5


def test_a_merged_requirement_is_edited_through_its_survivor(users, customer) -> None:
    a, b = (new_requirement(users["sales_rep"], customer, title=t) for t in "甲乙")
    services.requirement_merge(actor=users["admin"], requirement=b, into=a, reason="同")
    with pytest.raises(ConflictError):
        services.requirement_update(actor=users["admin"], requirement=b, urgency=5)


@pytest.mark.parametrize("state", ["rejected", "out_of_scope"])
def test_merge_into_a_closed_requirement_is_refused(users, customer, state) -> None:
    a, b = (new_requirement(users["sales_rep"], customer, title=t) for t in "甲乙")
    move(a, users["admin"], state)
    with pytest.raises(ConflictError):
        services.requirement_merge(actor=users["admin"], requirement=b, into=a, reason="同")


def test_an_assigned_owner_is_recorded_by_username(users, customer) -> None:
    services.assignment_rule_set(actor=users["admin"], type="service", owner=users["delivery"])
    req = new_requirement(users["sales_rep"], customer, type="service")
    move(req, users["admin"], "not_started")
    event = RequirementEvent.objects.get(requirement=req, field="owner")
    assert event.new == "delivery"


def test_the_rank_keeps_a_copy_of_the_status_whoever_changes_it(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    assert req.rank.status == Status.NEW
    move(req, users["product_manager"], Status.NOT_STARTED)
    assert Requirement.objects.get(pk=req.pk).rank.status == Status.NOT_STARTED
    # even a write that bypasses the services (the database trigger keeps it)
    Requirement.objects.filter(pk=req.pk).update(status=Status.REJECTED)
    assert Requirement.objects.get(pk=req.pk).rank.status == Status.REJECTED
    found = selectors.requirement_visible(users["admin"]).filter(rank__status=Status.REJECTED)
    assert list(found) == [req]


def test_rescoring_leaves_requirement_rows_and_versions_alone(users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, importance=5)
    w = scoring.Weights(
        Decimal("0.4"), Decimal("0.2"), Decimal("0.2"), Decimal("0.2"), Decimal("4"), Decimal("3")
    )
    _rescore(users["admin"], w)
    fresh = Requirement.objects.get(pk=req.pk)
    assert (fresh.version, fresh.updated_at) == (req.version, req.updated_at)
    assert fresh.score == scoring.score_of(5, 3, 3, 3, w)
    # an edit page opened before the re-score still saves, scored with the model in force
    services.requirement_update(
        actor=users["product_manager"], requirement=req, version=req.version, urgency=4
    )
    rank = Requirement.objects.get(pk=req.pk).rank
    assert rank.score == scoring.score_of(5, 4, 3, 3, w)
    assert rank.inputs_key == scoring.inputs_key(5, 4, 3, 3)


def test_the_pool_filter_finds_a_number_typed_in_lower_case(users, customer) -> None:
    from requirements.filters import RequirementFilterSet

    req = new_requirement(users["sales_rep"], customer)
    found = RequirementFilterSet({"q": req.number.lower()}, queryset=Requirement.objects.all()).qs
    assert list(found) == [req]
