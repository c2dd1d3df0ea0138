"""The requirements API as API.md describes it."""

import base64
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requirements import access, services
from requirements.models import Requirement, RequirementNote
from tests.factories import ContactFactory, CustomerFactory
from tests.requirements.helpers import move, new_requirement

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requirements/"
SCORING = "/api/v1/scoring-model/"
NUMBER_RE = re.compile(r"^REQ-\d{4}-\d{6}$")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(req: Requirement, action: str = "") -> str:
    return f"{LIST}{req.number}/" + (f"{action}/" if action else "")


@pytest.fixture
def customer(users):
    return CustomerFactory(owner=users["sales_rep"])


@pytest.fixture
def rep(users, api_client_for) -> APIClient:
    return api_client_for(users["sales_rep"])


@pytest.fixture
def pm(users, api_client_for) -> APIClient:
    return api_client_for(users["product_manager"])


# --- create ---------------------------------------------------------------------------------


def test_create_gives_a_number_an_access_code_and_the_defaults(rep, customer) -> None:
    res = rep.post(LIST, {"customer": customer.code, "title": "报表导出", "channel": "interview"})
    assert res.status_code == 201, res.json()
    body = res.json()
    assert NUMBER_RE.match(body["number"])
    req = Requirement.objects.get(number=body["number"])
    assert len(body["access_code"]) >= 10
    assert access.code_matches(body["access_code"], req.access_code_hash)
    assert body["customer"] == customer.code
    assert (body["importance"], body["urgency"], body["customer_value"], body["difficulty"]) == (
        3, 3, 3, 3,
    )  # fmt: skip
    assert (body["category"], body["nature"], body["type"], body["urgency_class"]) == (
        "functional", "explicit", "function", "normal",
    )  # fmt: skip
    assert (body["status"], body["version"], body["merged_into"]) == ("new", 1, None)
    assert body["score"] == "3.00" and body["priority"] == "medium"
    assert body["tags"] == [] and body["owner"] is None and body["contact"] is None
    assert body["response_due_at"] and body["sla_state"] == "ok"


def test_create_scores_prioritises_and_places_in_a_quadrant(rep, customer) -> None:
    res = rep.post(
        LIST,
        {"customer": customer.code, "title": "生产数据实时同步ERP", "channel": "sales_visit",
         "importance": 5, "urgency": 4, "customer_value": 5, "difficulty": 2,
         "tags": ["功能优化", "紧急bug"], "urgency_class": "urgent"},
    )  # fmt: skip
    assert res.status_code == 201, res.json()
    body = res.json()
    assert (body["score"], body["priority"], body["quadrant"]) == ("4.55", "high", "quick_win")
    assert sorted(body["tags"]) == ["功能优化", "紧急bug"]
    assert body["plan_due_at"] is not None


def test_create_with_a_contact_and_an_owner(rep, users, customer) -> None:
    contact = ContactFactory(customer=customer)
    res = rep.post(
        LIST,
        {"customer": customer.code, "title": "甲", "channel": "api", "contact": contact.pk,
         "owner": "product_manager"},
    )  # fmt: skip
    assert res.status_code == 201, res.json()
    assert (res.json()["contact"], res.json()["owner"]) == (contact.pk, "product_manager")


def test_the_access_code_is_only_in_the_create_response(rep, customer) -> None:
    number = rep.post(LIST, {"customer": customer.code, "title": "甲", "channel": "api"}).json()[
        "number"
    ]
    assert "access_code" not in rep.get(f"{LIST}{number}/").json()
    assert "access_code" not in rep.get(LIST).json()["results"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"importance": 0}, "importance"),
        ({"urgency": 6}, "urgency"),
        ({"difficulty": "hard"}, "difficulty"),
        ({"customer_value": 2.5}, "customer_value"),
        ({"customer": "C1999999"}, "customer"),
        ({"customer": None}, "customer"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"title": "甲\x00乙"}, "title"),
        ({"channel": "pigeon"}, "channel"),
        ({"category": "other"}, "category"),
        ({"tags": "功能优化"}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"description": "客户身份证 11010519491231002X"}, "description"),
        ({"owner": "nobody"}, "owner"),
        ({"contact": 999_999}, "contact"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(rep, customer, change, field) -> None:
    payload = {"customer": customer.code, "title": "报表导出", "channel": "interview", **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    res = rep.post(LIST, payload)
    assert res.status_code == 400
    assert field in res.json()
    assert not Requirement.objects.exists()


def test_a_10mb_description_is_refused_without_a_500(rep, customer) -> None:
    res = rep.post(
        LIST,
        {"customer": customer.code, "title": "甲", "channel": "api", "description": "x" * 10**7},
    )
    assert res.status_code in (400, 413)
    assert not Requirement.objects.exists()


def test_a_contact_of_another_customer_is_refused(rep, customer) -> None:
    other = ContactFactory()
    res = rep.post(
        LIST, {"customer": customer.code, "title": "甲", "channel": "api", "contact": other.pk}
    )
    assert res.status_code == 400 and "contact" in res.json()


def test_a_sales_rep_cannot_log_for_another_reps_customer(rep, users) -> None:
    theirs = CustomerFactory(owner=users["sales_rep_2"])
    res = rep.post(LIST, {"customer": theirs.code, "title": "甲", "channel": "api"})
    assert res.status_code == 400 and "customer" in res.json()


def test_a_role_without_intake_rights_gets_a_403(users, api_client_for, customer) -> None:
    res = api_client_for(users["delivery"]).post(
        LIST, {"customer": customer.code, "title": "甲", "channel": "api"}
    )
    assert res.status_code == 403
    assert not Requirement.objects.exists()


def test_no_token_is_a_401(db) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_idempotency_key_creates_once_and_replays_the_first_response(rep, customer) -> None:
    key = str(uuid.uuid4())
    payload = {"customer": customer.code, "title": "甲", "channel": "api"}
    first = rep.post(LIST, payload, HTTP_IDEMPOTENCY_KEY=key)
    again = rep.post(LIST, payload, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Requirement.objects.count() == 1


def test_an_idempotent_transition_happens_once(users, pm, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    key = str(uuid.uuid4())
    first = pm.post(url(req, "transition"), {"to": "not_started"}, HTTP_IDEMPOTENCY_KEY=key)
    again = pm.post(url(req, "transition"), {"to": "not_started"}, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == 2
    assert req.events.filter(kind="status").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_numbers(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])

    def create(i: int) -> str:
        try:
            return new_requirement(users["sales_rep"], customer, title=f"并发需求{i}").number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(create, range(100)))
    assert len(set(numbers)) == 100
    assert all(NUMBER_RE.match(n) for n in numbers)
    assert Requirement.objects.count() == 100


# --- read, scope --------------------------------------------------------------------------------


def test_a_sales_rep_sees_only_their_customers_requirements(rep, users, customer) -> None:
    mine = new_requirement(users["sales_rep"], customer)
    theirs = new_requirement(users["sales_rep_2"], CustomerFactory(owner=users["sales_rep_2"]))
    assert [r["number"] for r in rep.get(LIST).json()["results"]] == [mine.number]
    hidden = rep.get(url(theirs))
    unknown = rep.get(f"{LIST}REQ-1999-000001/")
    malformed = rep.get(f"{LIST}not-a-number/")
    assert hidden.status_code == unknown.status_code == malformed.status_code == 404
    assert hidden.json() == unknown.json() == malformed.json()
    for action in ("history", "notes", "files"):
        assert rep.get(url(theirs, action)).json() == unknown.json()
    assert rep.post(url(theirs, "transition"), {"to": "rejected"}).json() == unknown.json()


def test_detail_shows_the_fields_of_the_contract(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, tags=["定制需求"], background="月底上线")
    body = rep.get(url(req)).json()
    for name in (
        "number", "customer", "title", "description", "channel", "category", "nature", "type",
        "tags", "importance", "urgency", "customer_value", "difficulty", "score", "priority",
        "quadrant", "urgency_class", "response_due_at", "status", "owner", "planned_completion",
        "merged_into", "version", "created_at", "updated_at", "contact", "background", "evidence",
        "first_response_at", "plan_due_at", "sla_state", "satisfaction",
    ):  # fmt: skip
        assert name in body, name
    assert (body["tags"], body["background"]) == (["定制需求"], "月底上线")


def test_filters(pm, users, customer) -> None:
    rep_user = users["sales_rep"]
    a = new_requirement(rep_user, customer, title="报表导出Excel", tags=["功能优化"], importance=5)
    b = new_requirement(rep_user, customer, title="审批流程", category="service")
    other = new_requirement(rep_user, CustomerFactory(owner=rep_user), title="价格调整")
    move(b, users["admin"], "rejected")

    def numbers(**params: str) -> list[str]:
        res = pm.get(LIST, params)
        assert res.status_code == 200, res.json()
        return sorted(r["number"] for r in res.json()["results"])

    assert numbers(status="rejected") == [b.number]
    assert numbers(status=["new", "rejected"]) == sorted([a.number, b.number, other.number])
    assert numbers(category="service") == [b.number]
    assert numbers(customer=customer.code) == sorted([a.number, b.number])
    assert numbers(tag="功能优化") == [a.number]
    assert numbers(q="导出") == [a.number]
    assert numbers(q=a.number) == [a.number]
    assert numbers(priority="low") == []
    assert pm.get(LIST, {"status": "sleeping"}).status_code == 400


# --- keyset pagination --------------------------------------------------------------------------


def walk(client: APIClient, link: str | None, direction: str) -> list[list[str]]:
    pages = []
    while link:
        res = client.get(link)
        assert res.status_code == 200, res.json()
        pages.append([r["number"] for r in res.json()["results"]])
        link = res.json()[direction]
    return pages


def test_keyset_links_walk_the_whole_pool_both_ways_by_score(pm, users, customer) -> None:
    for i in range(11):
        new_requirement(users["sales_rep"], customer, importance=1 + i % 5, urgency=1 + i % 3)
    expected = list(
        Requirement.objects.order_by("-rank__score", "-id").values_list("number", flat=True)
    )
    first = pm.get(LIST, {"ordering": "-score", "page_size": 3}).json()
    assert first["previous"] is None and "cursor=" in first["next"]
    forward = walk(pm, f"{LIST}?ordering=-score&page_size=3", "next")
    assert [len(p) for p in forward] == [3, 3, 3, 2]
    assert [n for page in forward for n in page] == expected
    last = pm.get(LIST, {"ordering": "-score", "page_size": 3})
    for _ in range(3):
        last = pm.get(last.json()["next"])
    backward = walk(pm, last.json()["previous"], "previous")
    assert [n for page in reversed(backward) for n in page] == expected[:9]


@pytest.mark.parametrize("ordering", ["created_at", "-created_at", "updated_at", "score"])
def test_keyset_links_follow_the_requested_ordering(pm, users, customer, ordering) -> None:
    for i in range(5):
        new_requirement(users["sales_rep"], customer, difficulty=1 + i)
    field = ordering.lstrip("-")
    keys = (ordering.replace("score", "rank__score"), "-id" if ordering.startswith("-") else "id")
    expected = list(Requirement.objects.order_by(*keys).values_list("number", flat=True))
    pages = walk(pm, f"{LIST}?ordering={ordering}&page_size=2", "next")
    assert [n for page in pages for n in page] == expected, field


def test_the_default_order_is_newest_first_and_page_size_is_capped(pm, users, customer) -> None:
    made = [new_requirement(users["sales_rep"], customer).number for _ in range(3)]
    res = pm.get(LIST, {"page_size": 1000}).json()
    assert [r["number"] for r in res["results"]] == made[::-1]
    assert res["next"] is None and res["previous"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.urlsafe_b64encode(b'["n", "not a date", 5]').decode(),
        base64.urlsafe_b64encode(b'["n", null, 5]').decode(),
        base64.urlsafe_b64encode(b'["x", "2026-01-01T00:00:00+00:00", 5]').decode(),
    ],
)
def test_a_tampered_cursor_is_a_400(pm, users, customer, cursor) -> None:
    new_requirement(users["sales_rep"], customer)
    res = pm.get(LIST, {"cursor": cursor})
    assert res.status_code == 400
    assert "cursor" in res.json()


def test_the_list_costs_the_same_queries_for_3_rows_and_for_60(pm, users) -> None:
    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            res = pm.get(LIST, {"page_size": 200, "ordering": "-score"})
        assert res.status_code == 200
        return len(ctx.captured_queries), len(res.json()["results"])

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            rep = users["sales_rep"] if i % 2 else users["sales_rep_2"]
            req = new_requirement(
                rep,
                CustomerFactory(owner=rep),
                tags=[f"标签{i}", "功能优化"],
                owner=users["delivery"],
            )
            if i % 3 == 0:
                move(req, users["admin"], "not_started")

    add(3, 0)
    few, rows_few = count_queries()
    add(57, 3)
    many, rows_many = count_queries()
    assert (rows_few, rows_many) == (3, 60)
    assert few == many


# --- update -------------------------------------------------------------------------------------


def test_patch_changes_fields_rescores_and_records_the_reason(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = rep.patch(
        url(req),
        {"title": "报表导出为Excel", "difficulty": 1, "importance": 5, "tags": ["功能优化"],
         "version": 1, "reason": "客户补充", "status": "done"},
    )  # fmt: skip
    assert res.status_code == 200, res.json()
    body = res.json()
    assert (body["title"], body["version"], body["status"]) == ("报表导出为Excel", 2, "new")
    assert (body["score"], body["priority"], body["quadrant"]) == ("4.00", "high", "quick_win")
    assert body["tags"] == ["功能优化"]
    history = rep.get(url(req, "history")).json()
    title = next(e for e in history if e["field"] == "title")
    assert (title["old"], title["new"], title["reason"], title["by"]) == (
        "报表支持Excel导出", "报表导出为Excel", "客户补充", "sales_rep",
    )  # fmt: skip


def test_patch_with_a_stale_version_is_409_and_changes_nothing(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, title="原标题")
    assert rep.patch(url(req), {"title": "第一次", "version": 1}).status_code == 200
    res = rep.patch(url(req), {"title": "第二次", "urgency": 5, "version": 1})
    assert res.status_code == 409
    assert "version" in res.json()
    req.refresh_from_db()
    assert (req.title, req.urgency, req.version) == ("第一次", 3, 2)


def test_patch_bad_input_is_a_400(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    for payload, field in [
        ({"urgency": 9}, "urgency"),
        ({"contact": ContactFactory().pk}, "contact"),
        ({"version": "x"}, "version"),
        ({"reason": "卡号 6222021234567890128"}, "reason"),
    ]:
        res = rep.patch(url(req), payload)
        assert res.status_code == 400, payload
        assert field in res.json(), payload
    req.refresh_from_db()
    assert req.version == 1


def test_patch_by_a_role_that_may_not_edit_is_403(users, api_client_for, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = api_client_for(users["delivery"]).patch(url(req), {"title": "改"})
    assert res.status_code == 403


# --- workflow -----------------------------------------------------------------------------------


def test_a_legal_transition_returns_the_refreshed_requirement(pm, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "transition"), {"to": "not_started", "version": 1})
    assert res.status_code == 200, res.json()
    assert (res.json()["status"], res.json()["version"]) == ("not_started", 2)
    assert res.json()["first_response_at"] is not None


def test_an_illegal_transition_is_409_naming_the_allowed_states(pm, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "transition"), {"to": "done"})
    assert res.status_code == 409
    message = res.json()["to"][0]
    assert "new" in message
    for allowed in ("needs_info", "not_started", "out_of_scope", "rejected"):
        assert allowed in message
    req.refresh_from_db()
    assert (req.status, req.version) == ("new", 1)


def test_a_closed_requirement_says_no_move_is_allowed(pm, users, customer) -> None:
    req = move(new_requirement(users["sales_rep"], customer), users["admin"], "rejected")
    res = pm.post(url(req, "transition"), {"to": "in_progress"})
    assert res.status_code == 409
    message = res.json()["to"][0]
    assert "rejected" in message
    assert "new" in message.split("rejected", 1)[1]


def test_reject_without_a_reason_is_a_400_on_reason(pm, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "transition"), {"to": "rejected", "reason": "  "})
    assert res.status_code == 400
    assert "reason" in res.json()
    ok = pm.post(url(req, "transition"), {"to": "rejected", "reason": "不符合产品战略"})
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"


def test_a_transition_with_a_stale_version_is_409(pm, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "transition"), {"to": "not_started", "version": 7})
    assert res.status_code == 409 and "version" in res.json()


def test_a_role_that_may_not_screen_gets_a_403(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    assert rep.post(url(req, "transition"), {"to": "not_started"}).status_code == 403


@pytest.mark.parametrize("to", ["merged", "sleeping"])
def test_an_unknown_or_merge_target_is_a_400(pm, users, customer, to) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "transition"), {"to": to})
    assert res.status_code == 400 and "to" in res.json()


def test_merge_keeps_the_duplicate_answering_at_its_own_number(pm, users, customer) -> None:
    survivor = new_requirement(users["sales_rep"], customer, title="生产数据实时同步ERP")
    dup = new_requirement(users["sales_rep"], customer, title="ERP实时同步", tags=["集成"])
    res = pm.post(url(dup, "merge"), {"into": survivor.number, "reason": "同一需求"})
    assert res.status_code == 200, res.json()
    assert (res.json()["number"], res.json()["status"]) == (dup.number, "merged")
    assert res.json()["merged_into"] == survivor.number
    again = pm.get(url(dup)).json()
    assert (again["status"], again["merged_into"]) == ("merged", survivor.number)
    assert pm.get(url(survivor)).json()["tags"] == ["集成"]
    history = pm.get(url(survivor, "history")).json()
    assert {e["number"] for e in history} == {survivor.number, dup.number}
    merge = next(e for e in history if e["kind"] == "merge")
    assert (merge["new"], merge["reason"]) == (dup.number, "同一需求")


def test_merge_into_itself_or_into_a_merged_one_is_409(pm, users, customer) -> None:
    a, b, c = (new_requirement(users["sales_rep"], customer) for _ in range(3))
    assert pm.post(url(a, "merge"), {"into": a.number, "reason": "重复"}).status_code == 409
    pm.post(url(b, "merge"), {"into": c.number, "reason": "重复"})
    res = pm.post(url(a, "merge"), {"into": b.number, "reason": "重复"})
    assert res.status_code == 409
    assert b.number in res.json()["into"][0]
    a.refresh_from_db()
    assert a.status == "new"


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"into": "REQ-1999-000001", "reason": "重复"}, "into"), ({"reason": "重复"}, "into")],
)
def test_merge_into_an_unknown_number_is_a_400(pm, users, customer, payload, field) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.post(url(req, "merge"), payload)
    assert res.status_code == 400 and field in res.json()


def test_merge_without_a_reason_is_a_400(pm, users, customer) -> None:
    a, b = (new_requirement(users["sales_rep"], customer) for _ in range(2))
    res = pm.post(url(a, "merge"), {"into": b.number, "reason": ""})
    assert res.status_code == 400 and "reason" in res.json()


def test_merge_into_a_requirement_out_of_scope_is_a_400(rep, users, customer) -> None:
    mine = new_requirement(users["sales_rep"], customer)
    theirs = new_requirement(users["sales_rep_2"], CustomerFactory(owner=users["sales_rep_2"]))
    res = rep.post(url(mine, "merge"), {"into": theirs.number, "reason": "重复"})
    assert res.status_code == 400 and "into" in res.json()


# --- notes, access code, history, files ---------------------------------------------------------


def test_notes_are_added_and_listed(rep, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = rep.post(url(req, "notes"), {"text": "已电话确认需求", "customer_visible": True})
    assert res.status_code == 201, res.json()
    assert (res.json()["author"], res.json()["customer_visible"]) == ("sales_rep", True)
    rep.post(url(req, "notes"), {"text": "内部备注"})
    listed = rep.get(url(req, "notes")).json()
    assert [(n["text"], n["customer_visible"]) for n in listed] == [
        ("已电话确认需求", True), ("内部备注", False),
    ]  # fmt: skip
    req.refresh_from_db()
    assert req.first_response_at is not None


@pytest.mark.parametrize(
    ("payload", "field"), [({}, "text"), ({"text": "卡号 6222021234567890128"}, "text")]
)
def test_a_bad_note_is_a_400(rep, users, customer, payload, field) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = rep.post(url(req, "notes"), payload)
    assert res.status_code == 400 and field in res.json()
    assert not RequirementNote.objects.exists()


def test_renewing_the_access_code_returns_it_once_and_retires_the_old(rep, customer) -> None:
    created = rep.post(LIST, {"customer": customer.code, "title": "甲", "channel": "api"}).json()
    res = rep.post(f"{LIST}{created['number']}/access-code/")
    assert res.status_code == 200
    new_code = res.json()["access_code"]
    req = Requirement.objects.get(number=created["number"])
    assert access.code_matches(new_code, req.access_code_hash)
    assert not access.code_matches(created["access_code"], req.access_code_hash)
    assert "access_code" not in rep.get(f"{LIST}{created['number']}/").json()


def test_history_lists_every_change_oldest_first(pm, users, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    pm.patch(url(req), {"urgency": 5, "reason": "客户催促"})
    pm.post(url(req, "transition"), {"to": "needs_info", "reason": "缺少截图"})
    res = pm.get(url(req, "history"))
    assert res.status_code == 200
    entries = [(e["kind"], e["field"], e["old"], e["new"], e["reason"]) for e in res.json()]
    assert entries == [
        ("created", "", "", "new", ""),
        ("field", "urgency", "3", "5", "客户催促"),
        ("status", "status", "new", "needs_info", "缺少截图"),
    ]
    assert [e["by"] for e in res.json()] == ["sales_rep", "product_manager", "product_manager"]
    assert all(e["number"] == req.number and e["at"] for e in res.json())


def test_evidence_files_are_uploaded_checked_and_listed(rep, users, customer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = new_requirement(users["sales_rep"], customer)
    upload = SimpleUploadedFile("聊天截图.png", PNG, content_type="image/png")
    res = rep.post(url(req, "files"), {"file": upload}, format="multipart")
    assert res.status_code == 201, res.json()
    assert (res.json()["name"], res.json()["content_type"]) == ("聊天截图.png", "image/png")
    disguised = SimpleUploadedFile("报价.pdf", PNG, content_type="application/pdf")
    bad = rep.post(url(req, "files"), {"file": disguised}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()
    assert [f["name"] for f in rep.get(url(req, "files")).json()] == ["聊天截图.png"]


# --- duplicates ---------------------------------------------------------------------------------

DUPLICATES = f"{LIST}duplicates/"


def test_duplicates_finds_the_same_customers_similar_requirement(rep, users, customer) -> None:
    same = new_requirement(users["sales_rep"], customer, title="生产数据实时同步ERP")
    new_requirement(users["sales_rep"], customer, title="审批流程支持会签")
    res = rep.get(
        DUPLICATES, {"customer": customer.code, "title": "希望生产数据能实时同步到ERP系统"}
    )
    assert res.status_code == 200, res.json()
    results = res.json()["results"]
    assert [r["number"] for r in results] == [same.number]
    assert results[0]["title"] == "生产数据实时同步ERP" and results[0]["status"] == "new"
    assert 0.5 < results[0]["similarity"] <= 1


def test_duplicates_without_a_customer_search_what_the_user_sees(rep, users, customer) -> None:
    mine = new_requirement(users["sales_rep"], customer, title="生产数据实时同步ERP")
    new_requirement(
        users["sales_rep_2"],
        CustomerFactory(owner=users["sales_rep_2"]),
        title="生产数据实时同步ERP",
    )
    res = rep.get(DUPLICATES, {"title": "生产数据同步ERP"})
    assert [r["number"] for r in res.json()["results"]] == [mine.number]


@pytest.mark.parametrize(
    ("params", "field"), [({}, "title"), ({"title": "同步", "customer": "C1999999"}, "customer")]
)
def test_duplicates_bad_query_is_a_400(rep, params, field) -> None:
    res = rep.get(DUPLICATES, params)
    assert res.status_code == 400 and field in res.json()


# --- scoring model ------------------------------------------------------------------------------

DEFAULT_MODEL = {
    "weights": {"importance": 0.3, "urgency": 0.25, "customer_value": 0.25, "ease": 0.2},
    "high_threshold": 4.0,
    "medium_threshold": 3.0,
}


def test_the_scoring_model_reads_as_numbers(rep) -> None:
    res = rep.get(SCORING)
    assert res.status_code == 200
    assert res.json() == {**DEFAULT_MODEL, "rescore": None}


def test_put_scoring_model_rescores_the_pool(pm, users, customer, api_client_for) -> None:
    req = new_requirement(users["sales_rep"], customer, importance=5, urgency=1)
    assert (req.score, req.priority) == (Decimal("3.10"), "medium")
    model = {
        "weights": {"importance": 0.7, "urgency": 0.1, "customer_value": 0.1, "ease": 0.1},
        "high_threshold": 4.0,
        "medium_threshold": 3.0,
    }
    res = pm.put(SCORING, model)
    assert res.status_code == 202, res.json()
    body = res.json()
    job = body.pop("rescore")
    assert body == model
    assert (job["state"], job["progress"], job["changed"]) == ("queued", 0, 0)
    # anyone who sees requirements can follow it; the worker's run moves it on
    rep = api_client_for(users["sales_rep"])
    assert rep.get(job["url"]).json()["state"] == "queued"
    services.rescore_run(job["id"])
    followed = rep.get(job["url"]).json()
    assert (followed["state"], followed["progress"], followed["changed"]) == ("done", 100, 1)
    assert pm.get(url(req)).json()["score"] == "4.20"
    assert pm.get(url(req)).json()["priority"] == "high"
    assert pm.get(SCORING).json() == {**model, "rescore": followed}


def test_an_unknown_rescoring_is_404(pm) -> None:
    assert pm.get(f"{SCORING}rescores/{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weights": {"importance": 0.5, "urgency": 0.25, "customer_value": 0.25, "ease": 0.2}},
         "weights"),
        ({"weights": {"importance": 1.5, "urgency": 0, "customer_value": 0, "ease": 0}},
         "weights"),
        ({"weights": {"importance": 1}}, "weights"),
        ({"high_threshold": 2.0}, "high_threshold"),
        ({"medium_threshold": "x"}, "medium_threshold"),
    ],
)  # fmt: skip
def test_a_bad_scoring_model_is_a_400(pm, users, customer, change, field) -> None:
    req = new_requirement(users["sales_rep"], customer)
    res = pm.put(SCORING, {**DEFAULT_MODEL, **change})
    assert res.status_code == 400
    assert field in res.json()
    assert pm.get(SCORING).json() == {**DEFAULT_MODEL, "rescore": None}
    req.refresh_from_db()
    assert req.score == Decimal("3.00")


def test_only_scoring_managers_may_change_the_model(users, api_client_for) -> None:
    for role in ("sales_rep", "manager", "delivery"):
        res = api_client_for(users[role]).put(SCORING, DEFAULT_MODEL)
        assert res.status_code == 403, role
    assert api_client_for(users["admin"]).put(SCORING, DEFAULT_MODEL).status_code == 202


def test_the_schema_describes_the_requirement_endpoints(users, client) -> None:
    client.force_login(users["admin"])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    for path in (
        "/api/v1/requirements/", "/api/v1/requirements/{number}/",
        "/api/v1/requirements/{number}/transition/", "/api/v1/requirements/{number}/merge/",
        "/api/v1/requirements/{number}/notes/", "/api/v1/requirements/{number}/access-code/",
        "/api/v1/requirements/{number}/history/", "/api/v1/requirements/duplicates/",
        "/api/v1/scoring-model/",
    ):  # fmt: skip
        assert path in paths, path
