"""The public status portal: look-up, identical 404s, throttling, acceptance, feedback, privacy."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from rest_framework.test import APIClient

from requirements import services
from requirements.models import Requirement
from tests.factories import ContactFactory, CustomerFactory
from tests.requirements.helpers import move

pytestmark = pytest.mark.django_db

STEPS_TO_ACCEPTANCE = ("not_started", "in_progress", "testing", "awaiting_acceptance")


@pytest.fixture
def created(users):
    customer = CustomerFactory(owner=users["sales_rep"], name="保密客户有限公司")
    req, code = services.requirement_create(
        actor=users["sales_rep"], customer=customer, title="希望生产数据能实时同步到ERP系统",
        channel="sales_visit", owner=users["delivery"], importance=5,
    )  # fmt: skip
    services.requirement_note_add(
        actor=users["product_manager"], requirement=req, text="内部备注：成本较高"
    )
    services.requirement_note_add(
        actor=users["product_manager"],
        requirement=req,
        text="我们已开始评估",
        customer_visible=True,
    )
    return req, code


def api_get(number: str, code: str):
    return APIClient().get(f"/api/v1/status/{number}/", {"code": code})


def test_the_right_code_shows_status_and_visible_timeline(created) -> None:
    req, code = created
    res = api_get(req.number, code)
    assert res.status_code == 200
    body = res.json()
    assert (body["number"], body["title"], body["status"]) == (req.number, req.title, "new")
    assert body["status_label"]
    assert [e["note"] for e in body["timeline"]] == ["", "我们已开始评估"]


def test_wrong_code_unknown_number_and_malformed_number_look_the_same(created) -> None:
    req, code = created
    answers = [
        api_get(req.number, "WRONG-CODE-1"),
        api_get("REQ-2026-999999", code),
        api_get("not-a-number", code),
        api_get(req.number, ""),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1


def test_nothing_internal_is_revealed(created, users) -> None:
    req, code = created
    res = api_get(req.number, code)
    assert set(res.json()) == {
        "number", "title", "status", "status_label", "updated_at", "planned_completion",
        "can_accept", "can_rate", "satisfaction", "timeline",
    }  # fmt: skip
    text = res.content.decode()
    for secret in ("保密客户", "内部备注", "sales_rep", "delivery", "owner"):
        assert secret not in text
    # the score as a number of its own, not the digits of a timestamp such as ":13.004567"
    assert not re.search(rf"(?<![\d.]){re.escape(str(req.score))}(?!\d)", text)


def test_the_page_shows_the_same_without_internals(created, client) -> None:
    req, code = created
    page = client.get("/status/", {"number": req.number, "code": code})
    assert page.status_code == 200
    body = page.content.decode()
    assert req.title in body and "我们已开始评估" in body
    assert "保密客户" not in body and "内部备注" not in body


def test_a_wrong_code_on_the_page_is_a_404_with_the_form(created, client) -> None:
    req, _code = created
    page = client.get("/status/", {"number": req.number, "code": "nope"})
    assert page.status_code == 404
    assert 'name="code"' in page.content.decode()


def test_the_page_answers_in_english_when_asked(created, client) -> None:
    req, code = created
    page = client.get("/status/", {"number": req.number, "code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in page.content.decode()
    chinese = client.get("/status/", {"number": req.number, "code": code})
    assert '<html lang="zh-CN"' in chinese.content.decode()


def test_a_renewed_code_replaces_the_old_one_at_once(created, users) -> None:
    req, code = created
    new_code = services.requirement_access_code_renew(actor=users["sales_rep"], requirement=req)
    assert api_get(req.number, code).status_code == 404
    assert api_get(req.number, new_code).status_code == 200


@override_settings(STATUS_LOOKUP_RATE="3/min")
def test_lookups_are_throttled_per_address_then_allowed_again(created, monkeypatch) -> None:
    from requirements.throttles import StatusLookupThrottle

    req, code = created
    statuses = [api_get(req.number, "wrong").status_code for _ in range(3)]
    limited = api_get(req.number, code)
    assert statuses == [404, 404, 404]
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    # the page shares the count
    assert APIClient().get("/status/", {"number": req.number, "code": code}).status_code == 429
    # another address has its own count
    other = APIClient(REMOTE_ADDR="10.0.0.9")
    assert other.get(f"/api/v1/status/{req.number}/", {"code": code}).status_code == 200
    # a minute later the window has passed
    now = time.time()
    monkeypatch.setattr(StatusLookupThrottle, "timer", lambda self: now + 61)
    assert api_get(req.number, code).status_code == 200


def test_accepting_a_delivery_finishes_it_and_tells_the_owner(created, users) -> None:
    req, code = created
    users["delivery"].email = "dev@reqhub.example.com"
    users["delivery"].save()
    move(req, users["admin"], *STEPS_TO_ACCEPTANCE)
    with pytest.MonkeyPatch.context():
        res = APIClient().post(
            f"/api/v1/status/{req.number}/acceptance/",
            {"code": code, "accept": True},
            format="json",
        )
    assert res.status_code == 200
    assert res.json()["status"] == "done"


def test_sending_back_needs_a_comment_and_reopens(
    created, users, django_capture_on_commit_callbacks
) -> None:
    req, code = created
    users["delivery"].email = "dev@reqhub.example.com"
    users["delivery"].save()
    move(req, users["admin"], *STEPS_TO_ACCEPTANCE)
    url = f"/api/v1/status/{req.number}/acceptance/"
    missing = APIClient().post(url, {"code": code, "accept": False}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()
    with django_capture_on_commit_callbacks(execute=True):
        res = APIClient().post(
            url, {"code": code, "accept": False, "comment": "<b>导出还缺字段</b>"}, format="json"
        )
    assert res.json()["status"] == "in_progress"
    assert [m.to for m in mail.outbox] == [["dev@reqhub.example.com"]]
    assert "导出还缺字段" in mail.outbox[0].body


@pytest.mark.parametrize("state", [(), ("not_started",), ("not_started", "in_progress")])
def test_acceptance_is_refused_unless_awaiting_it(created, users, state) -> None:
    req, code = created
    move(req, users["admin"], *state)
    res = APIClient().post(
        f"/api/v1/status/{req.number}/acceptance/", {"code": code, "accept": True}, format="json"
    )
    assert res.status_code == 409
    assert Requirement.objects.get(pk=req.pk).status != "done"


def test_acceptance_with_a_wrong_code_is_a_404(created, users) -> None:
    req, _code = created
    move(req, users["admin"], *STEPS_TO_ACCEPTANCE)
    res = APIClient().post(
        f"/api/v1/status/{req.number}/acceptance/", {"code": "bad", "accept": True}, format="json"
    )
    assert res.status_code == 404
    assert Requirement.objects.get(pk=req.pk).status == "awaiting_acceptance"


def test_feedback_once_done_once_only(created, users) -> None:
    req, code = created
    url = f"/api/v1/status/{req.number}/feedback/"
    early = APIClient().post(url, {"code": code, "satisfaction": 5}, format="json")
    assert early.status_code == 409
    move(req, users["admin"], *STEPS_TO_ACCEPTANCE, "done")
    bad = APIClient().post(url, {"code": code, "satisfaction": 6}, format="json")
    assert bad.status_code == 400
    assert "satisfaction" in bad.json()
    ok = APIClient().post(url, {"code": code, "satisfaction": 4, "comment": "很好"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["satisfaction"] == 4
    again = APIClient().post(url, {"code": code, "satisfaction": 1}, format="json")
    assert again.status_code == 409
    req.refresh_from_db()
    assert (req.satisfaction, req.satisfaction_comment) == (4, "很好")


def test_page_forms_need_csrf(created, users) -> None:
    from django.test import Client

    req, code = created
    move(req, users["admin"], *STEPS_TO_ACCEPTANCE)
    strict = Client(enforce_csrf_checks=True)
    res = strict.post(
        "/status/", {"form": "acceptance", "number": req.number, "code": code, "accept": "1"}
    )
    assert res.status_code == 403
    assert Requirement.objects.get(pk=req.pk).status == "awaiting_acceptance"


def test_comments_are_escaped_on_the_page(created, users, client) -> None:
    req, code = created
    services.requirement_note_add(
        actor=users["product_manager"], requirement=req, text="<script>x()</script>",
        customer_visible=True,
    )  # fmt: skip
    body = client.get("/status/", {"number": req.number, "code": code}).content.decode()
    assert "<script>x()</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_contact_is_emailed_on_visible_changes_when_asked(
    users, django_capture_on_commit_callbacks
) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    contact = ContactFactory(customer=customer, work_email="wang@b-mfg.example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        req, _code = services.requirement_create(
            actor=users["sales_rep"], customer=customer, contact=contact, title="甲",
            channel="api", notify_contact=True,
        )  # fmt: skip
        services.requirement_note_add(actor=users["product_manager"], requirement=req, text="内部")
        move(req, users["admin"], "not_started")
    assert [m.to for m in mail.outbox] == [["wang@b-mfg.example.cn"]] * 2
    assert "内部" not in "".join(m.body for m in mail.outbox)
