"""seed_demo: the bulk (COPY) mode at a small scale, and the idempotent demo requirements."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from customers import services as customer_services
from customers.models import Customer
from reqhub.accounts.models import User
from requirements import bulk, scoring, search, services
from requirements.models import HistoryKind, Requirement, RequirementEvent
from requirements.selectors import requirement_text_search

pytestmark = pytest.mark.django_db


def seed(**options: int) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def index_and_key_definitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'requirements_requirement' "
            "UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'requirements_requirement'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def seeded() -> list[Requirement]:
    before = Requirement.objects.count(), Customer.objects.count()
    output = seed(customers=30, requirements=300)
    assert "30 customers and 300 requirements" in output
    assert (Requirement.objects.count(), Customer.objects.count()) == (
        before[0] + 300,
        before[1] + 30,
    )
    return list(Requirement.objects.order_by("id"))


def test_bulk_seed_numbers_are_unique_and_formatted(seeded: list[Requirement]) -> None:
    numbers = [r.number for r in seeded]
    assert len(set(numbers)) == 300
    assert all(re.fullmatch(r"REQ-\d{4}-\d{6}", n) for n in numbers)
    codes = list(Customer.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes) == 30
    assert all(re.fullmatch(r"C\d{4}\d{3,}", c) for c in codes)


def test_bulk_seed_scores_follow_the_scoring_model(seeded: list[Requirement]) -> None:
    w = scoring.weights_current()
    for r in seeded:
        score = scoring.score_of(r.importance, r.urgency, r.customer_value, r.difficulty, w)
        assert r.score == score, r.number
        assert r.priority == scoring.priority_of(score, w)
        assert r.quadrant == scoring.quadrant_of(r.importance, r.customer_value, r.difficulty)


def test_bulk_seed_rows_are_consistent_with_their_status(seeded: list[Requirement]) -> None:
    assert len({r.status for r in seeded}) >= 6  # spread over the workflow
    for r in seeded:
        assert (r.first_response_at is None) == (r.status == "new"), r.number
        assert (r.merged_into_id is not None) == (r.status == "merged"), r.number
        assert r.created_at <= r.updated_at
        assert r.created_by.username in {"sales1", "sales2", "cs", "pm"}


def test_bulk_seed_search_vector_is_what_the_services_store(seeded: list[Requirement]) -> None:
    with connection.cursor() as cursor:
        for r in seeded:
            doc = search.document(r.title, r.description, r.background, r.evidence)
            cursor.execute(
                "SELECT search = to_tsvector('simple', %s) FROM requirements_requirement "
                "WHERE id = %s",
                [doc, r.pk],
            )
            assert cursor.fetchone() == (True,), r.number
    word = search.tokens(seeded[0].title)[0]
    found = requirement_text_search(Requirement.objects.all(), word)
    assert found.filter(pk=seeded[0].pk).exists()


def test_numbers_after_the_bulk_seed_do_not_collide(seeded: list[Requirement]) -> None:
    pm = User.objects.get(username="pm")
    customer = Customer.objects.order_by("id").first()
    assert customer is not None
    req, _code = services.requirement_create(
        actor=pm, customer=customer, title="报表支持Excel导出", channel="api"
    )
    assert req.number not in {r.number for r in seeded}
    year_numbers = [r.number for r in seeded if r.number[4:8] == req.number[4:8]]
    assert req.number > max(year_numbers, default="")
    new_customer = customer_services.customer_create(actor=pm, name="测试新客户有限公司")
    assert Customer.objects.filter(code=new_customer.code).count() == 1


def test_bulk_seed_with_rebuilt_indexes_restores_them(monkeypatch: pytest.MonkeyPatch) -> None:
    before = index_and_key_definitions()
    monkeypatch.setattr(bulk, "REBUILD_FROM", 1)
    seed(customers=5, requirements=40)
    assert index_and_key_definitions() == before
    assert Requirement.objects.count() == 40


def test_bulk_requirements_go_to_existing_customers_when_none_are_asked_for() -> None:
    seed(customers=3, requirements=0)
    seed(requirements=20)
    assert Requirement.objects.count() == 20
    assert set(Requirement.objects.values_list("customer_id", flat=True)) <= set(
        Customer.objects.values_list("id", flat=True)
    )


def test_plain_seed_creates_demo_requirements_with_history_once() -> None:
    seed()
    first = Requirement.objects.count()
    assert first >= 35
    erp = Requirement.objects.get(
        customer__name="B制造企业", title="希望生产数据能实时同步到ERP系统"
    )
    assert erp.description == "生产设备运行数据自动抓取并推送至ERP，减少人工录入错误"
    assert erp.background == "月度盘点时数据延迟严重，影响财务核算"
    assert erp.merged_from.filter(title="生产数据实时同步ERP").exists()
    assert set(
        Requirement.objects.filter(customer__name="A科技公司").values_list("title", flat=True)
    ) >= {"支持实时数据监控", "API接口开放", "报表支持Excel导出、自定义字段"}
    assert len({r.status for r in Requirement.objects.all()}) >= 8
    assert len({r.quadrant for r in Requirement.objects.all()}) == 4
    moves = RequirementEvent.objects.filter(kind=HistoryKind.STATUS)
    assert moves.exists()
    assert not moves.filter(reason="").exists()

    seed()
    assert Requirement.objects.count() == first
    pairs = list(Requirement.objects.values_list("customer_id", "title"))
    assert len(pairs) == len(set(pairs))
