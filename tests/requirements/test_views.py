"""Requirement pages: intake, pool (filters, sort, keyset, query count), detail actions, scoring."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requirements import access, scoring, services
from requirements.models import (
    AssignmentRule,
    ChangeRequest,
    Requirement,
    RescoreJob,
    ScoringModel,
)
from requirements.workflow import Status
from tests.factories import ContactFactory, CustomerFactory
from tests.requirements.helpers import move, new_requirement

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ERP_LONG = "希望生产数据能实时同步到ERP系统"
ERP_SHORT = "生产数据实时同步ERP"


@pytest.fixture
def customer(users):
    return CustomerFactory(owner=users["sales_rep"], name="华东精密制造股份有限公司")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _messages(res) -> list[str]:
    return [str(m) for m in get_messages(res.wsgi_request)]


def _intake(customer, **extra):
    return {
        "customer": f"{customer.code} {customer.name}", "channel": "sales_visit",
        "title": "报表支持按车间导出Excel", "description": "场景：月底对账", "background": "",
        "evidence": "“每次都要手工抄”", "tags": "功能优化，报表", "urgency_class": "normal",
        **extra,
    }  # fmt: skip


# --- Intake -------------------------------------------------------------------------------


def test_intake_creates_and_shows_the_number_and_code_once(users, client, customer) -> None:
    contact = ContactFactory(customer=customer)
    client.force_login(users["sales_rep"])
    res = client.post(reverse("requirements:create"), _intake(customer, contact=contact.pk))

    req = Requirement.objects.get()
    assert res.status_code == 302
    assert res["Location"] == reverse("requirements:code", args=[req.number])
    assert re.fullmatch(r"REQ-\d{4}-\d{6}", req.number)
    assert req.contact == contact and req.created_by == users["sales_rep"]
    assert sorted(t.name for t in req.tags.all()) == ["功能优化", "报表"]

    page = client.get(res["Location"]).content.decode()
    code = re.search(r'id="access-code"[^>]*>([^<]+)<', page).group(1)
    assert req.number in page
    assert access.code_matches(code, req.access_code_hash)
    assert f"/status/?number={req.number}&amp;code={code}" in page

    again = client.get(res["Location"]).content.decode()
    assert code not in again
    assert req.number in again


def test_intake_attaches_the_evidence_file(users, client, customer) -> None:
    client.force_login(users["sales_rep"])
    upload = SimpleUploadedFile("聊天截图.png", PNG, content_type="image/png")
    client.post(reverse("requirements:create"), _intake(customer, file=upload))
    evidence = Requirement.objects.get().files.get()
    assert evidence.original_name == "聊天截图.png"
    assert evidence.content_type == "image/png"


def test_a_disguised_evidence_file_logs_nothing(users, client, customer) -> None:
    client.force_login(users["sales_rep"])
    upload = SimpleUploadedFile("截图.png", b"MZ\x90\x00 not an image", content_type="image/png")
    res = client.post(reverse("requirements:create"), _intake(customer, file=upload))
    assert res.status_code == 200
    assert "file" in res.context["form"].errors
    assert not Requirement.objects.exists()


def test_intake_without_a_known_customer_says_so(users, client) -> None:
    client.force_login(users["sales_rep"])
    other = CustomerFactory(owner=users["sales_rep_2"])
    res = client.post(reverse("requirements:create"), _intake(other))
    assert res.status_code == 200
    assert "customer" in res.context["form"].errors
    assert not Requirement.objects.exists()


def test_intake_is_prefilled_from_the_customer_page(users, client, customer) -> None:
    ContactFactory(customer=customer, name="赵主管")
    client.force_login(users["sales_rep"])
    body = client.get(reverse("requirements:create"), {"customer": customer.code}).content.decode()
    assert f'value="{customer.code} {customer.name}"' in body
    assert "赵主管" in body


def test_customer_type_ahead_lists_only_the_reps_own_customers(users, client, customer) -> None:
    CustomerFactory(owner=users["sales_rep_2"], name="华东精密零件厂")
    client.force_login(users["sales_rep"])
    body = client.get(reverse("requirements:intake-customers"), {"customer": "华东"}).content
    text = body.decode()
    assert customer.name in text and "华东精密零件厂" not in text
    by_code = client.get(reverse("requirements:intake-customers"), {"customer": customer.code})
    assert customer.name in by_code.content.decode()


def test_contacts_follow_the_picked_customer(users, client, customer) -> None:
    ContactFactory(customer=customer, name="赵主管")
    ContactFactory(customer=CustomerFactory(owner=users["sales_rep"]), name="钱经理")
    client.force_login(users["sales_rep"])
    res = client.get(
        reverse("requirements:intake-contacts"), {"customer": f"{customer.code} {customer.name}"}
    )
    assert "赵主管" in res.content.decode() and "钱经理" not in res.content.decode()


def test_duplicate_suggestions_find_the_similar_requirement(users, client, customer) -> None:
    existing = new_requirement(users["sales_rep"], customer, title=ERP_LONG)
    new_requirement(users["sales_rep"], customer, title="报表支持Excel导出")
    client.force_login(users["sales_rep"])
    res = client.get(
        reverse("requirements:intake-duplicates"),
        {"customer": f"{customer.code} {customer.name}", "title": ERP_SHORT},
    )
    numbers = [d["number"] for d in res.context["duplicates"]]
    assert numbers == [existing.number]
    assert reverse("requirements:detail", args=[existing.number]) in res.content.decode()


def test_no_duplicates_for_an_unrelated_title(users, client, customer) -> None:
    new_requirement(users["sales_rep"], customer, title=ERP_LONG)
    client.force_login(users["sales_rep"])
    res = client.get(
        reverse("requirements:intake-duplicates"),
        {"customer": customer.code, "title": "发票抬头支持修改"},
    )
    assert res.context["duplicates"] == []
    assert res.content.decode().strip() == ""


def test_delivery_cannot_open_the_intake_page(users, client) -> None:
    client.force_login(users["delivery"])
    assert client.get(reverse("requirements:create")).status_code == 403


# --- Pool ---------------------------------------------------------------------------------


def test_pool_filters_by_status_priority_customer_and_text(users, client, customer) -> None:
    rep = users["sales_rep"]
    other = CustomerFactory(owner=rep)
    urgent = new_requirement(rep, customer, title=ERP_LONG, importance=5, urgency=5,
                             customer_value=5, difficulty=1)  # fmt: skip
    accepted = move(new_requirement(rep, customer, title="报表导出"), users["admin"], "not_started")
    elsewhere = new_requirement(rep, other, title="发票抬头支持修改")
    client.force_login(users["product_manager"])

    def numbers(**params) -> set[str]:
        res = client.get(reverse("requirements:pool"), params)
        assert res.status_code == 200
        return {row["r"].number for row in res.context["rows"]}

    assert numbers() == {urgent.number, accepted.number, elsewhere.number}
    assert numbers(status=["new"]) == {urgent.number, elsewhere.number}
    assert numbers(status=["new", "not_started"]) == {
        urgent.number,
        accepted.number,
        elsewhere.number,
    }
    assert numbers(priority="high") == {urgent.number}
    assert numbers(customer=other.code) == {elsewhere.number}
    assert numbers(q="同步") == {urgent.number}
    assert numbers(q=accepted.number) == {accepted.number}


def test_pool_sorts_by_score_both_ways(users, client, customer) -> None:
    rep = users["sales_rep"]
    low = new_requirement(rep, customer, title="低", importance=1, urgency=1, customer_value=1)
    high = new_requirement(rep, customer, title="高", importance=5, urgency=5, customer_value=5)
    client.force_login(users["product_manager"])

    def order(sort: str) -> list[str]:
        res = client.get(reverse("requirements:pool"), {"sort": sort})
        return [row["r"].number for row in res.context["rows"]]

    assert order("-score") == [high.number, low.number]
    assert order("score") == [low.number, high.number]
    assert order("created") == [low.number, high.number]
    assert order("-updated")[0] == high.number


def test_pool_pages_with_a_keyset_cursor(users, client, customer) -> None:
    for i in range(55):
        new_requirement(users["sales_rep"], customer, title=f"需求{i}")
    client.force_login(users["product_manager"])
    first = client.get(reverse("requirements:pool"), {"sort": "-created"})
    page = first.context["page"]
    assert len(page.rows) == 50 and page.previous_cursor is None and page.next_cursor
    assert f"cursor={page.next_cursor}" in first.content.decode()
    assert "?page=" not in first.content.decode()

    second = client.get(
        reverse("requirements:pool"), {"sort": "-created", "cursor": page.next_cursor}
    )
    rows = second.context["page"].rows
    assert len(rows) == 5 and second.context["page"].next_cursor is None
    assert not {r.number for r in rows} & {r.number for r in page.rows}

    back = client.get(
        reverse("requirements:pool"),
        {"sort": "-created", "cursor": second.context["page"].previous_cursor},
    )
    assert [r.number for r in back.context["page"].rows] == [r.number for r in page.rows]


def test_a_tampered_cursor_starts_over_with_a_message(users, client) -> None:
    client.force_login(users["product_manager"])
    res = client.get(reverse("requirements:pool"), {"cursor": "not-a-cursor"}, follow=True)
    assert res.redirect_chain == [(reverse("requirements:pool") + "?", 302)]
    assert [m.level_tag for m in res.context["messages"]] == ["error"]


def _pool_queries(client, users, n: int) -> int:
    Requirement.objects.all().delete()
    customer = CustomerFactory(owner=users["sales_rep"])
    for i in range(n):
        new_requirement(users["sales_rep"], customer, title=f"需求{i}", tags=["功能优化"],
                        importance=1 + i % 5, difficulty=1 + (i * 2) % 5)  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(reverse("requirements:pool"))
    assert res.status_code == 200
    assert res.context["rows"]
    return len(ctx.captured_queries)


def test_the_pool_costs_the_same_queries_at_3_and_at_60_requirements(users, client) -> None:
    client.force_login(users["product_manager"])
    small = _pool_queries(client, users, 3)
    large = _pool_queries(client, users, 60)
    assert small == large
    assert large <= 10


def test_the_pool_has_chart_data_from_aggregates(users, client, customer) -> None:
    rep = users["sales_rep"]
    new_requirement(rep, customer, title="快赢", importance=5, customer_value=5, difficulty=1)
    new_requirement(rep, customer, title="战略", importance=5, customer_value=5, difficulty=5)
    client.force_login(users["product_manager"])
    charts = client.get(reverse("requirements:pool")).context["charts"]
    quadrants = {q["key"]: q["n"] for q in charts["quadrants"]}
    assert quadrants == {"quick_win": 1, "strategic": 1, "fill_in": 0, "deprioritize": 0}
    assert {s["key"]: s["n"] for s in charts["status"]}["new"] == 2
    assert {(p["cost"], p["value"]) for p in charts["points"]} == {(1, 5.0), (5, 5.0)}


def test_a_sales_rep_sees_only_their_customers_in_the_pool(users, client, customer) -> None:
    mine = new_requirement(users["sales_rep"], customer)
    theirs = new_requirement(users["sales_rep_2"], CustomerFactory(owner=users["sales_rep_2"]))
    client.force_login(users["sales_rep"])
    res = client.get(reverse("requirements:pool"))
    numbers = {row["r"].number for row in res.context["rows"]}
    assert numbers == {mine.number}
    assert theirs.number not in res.content.decode()
    assert 'id="bulk-form"' in res.content.decode() and "bulk-bar" not in res.content.decode()


def test_an_empty_pool_invites_the_first_requirement(users, client) -> None:
    client.force_login(users["sales_rep"])
    body = client.get(reverse("requirements:pool")).content.decode()
    assert reverse("requirements:create") in body
    assert "pool-chart-data" not in body


# --- Bulk screening -----------------------------------------------------------------------


def test_bulk_screening_reports_each_row(users, client, customer) -> None:
    rep = users["sales_rep"]
    a, b = new_requirement(rep, customer), new_requirement(rep, customer)
    started = move(new_requirement(rep, customer), users["admin"], "not_started")
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:bulk-screen"),
        {"numbers": [a.number, b.number, started.number], "to": "not_started",
         "next": reverse("requirements:pool") + "?status=new"},
        follow=True,
    )  # fmt: skip
    assert res.redirect_chain[-1][0] == reverse("requirements:pool") + "?status=new"
    results = {r["number"]: r for r in res.context["bulk_results"]["rows"]}
    assert results[a.number]["ok"] and results[b.number]["ok"]
    assert not results[started.number]["ok"] and results[started.number]["error"]
    assert res.context["bulk_results"]["ok"] == 2
    a.refresh_from_db()
    assert a.status == Status.NOT_STARTED
    # Shown once: the next visit has no results panel.
    assert client.get(reverse("requirements:pool")).context["bulk_results"] is None


def test_bulk_rejection_needs_a_reason(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:bulk-screen"), {"numbers": [req.number], "to": "rejected"},
        follow=True,
    )  # fmt: skip
    assert _messages(res)
    req.refresh_from_db()
    assert req.status == Status.NEW
    client.post(
        reverse("requirements:bulk-screen"),
        {"numbers": [req.number], "to": "rejected", "reason": "与产品战略不符"},
    )
    req.refresh_from_db()
    assert req.status == Status.REJECTED


def test_bulk_screening_is_for_product_roles(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("requirements:bulk-screen"), {"numbers": [req.number], "to": "not_started"}
    )
    assert res.status_code == 403


# --- Detail, transitions, merge, notes, files, change requests, access code ---------------


def test_the_detail_page_explains_the_score_and_offers_the_moves(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, importance=4, urgency=3,
                          customer_value=5, difficulty=2)  # fmt: skip
    client.force_login(users["product_manager"])
    res = client.get(reverse("requirements:detail", args=[req.number]))
    body = res.content.decode()
    assert [f["contribution"] for f in res.context["explain"]] == [
        Decimal("1.200"),
        Decimal("0.750"),
        Decimal("1.250"),
        Decimal("0.800"),
    ]
    assert str(req.score) == "4.00" and "4.00" in body
    assert {m["to"] for m in res.context["moves"]} == {
        "not_started",
        "needs_info",
        "out_of_scope",
        "rejected",
    }
    assert 'data-testid="move-not_started"' in body
    assert 'data-testid="reason-rejected"' in body
    assert f'name="version" value="{req.version}"' in body


def test_a_sales_rep_sees_no_screening_moves(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["sales_rep"])
    res = client.get(reverse("requirements:detail", args=[req.number]))
    assert res.context["moves"] == []
    assert not res.context["can_merge"]


def test_a_legal_move_works(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:transition", args=[req.number]),
        {"to": "not_started", "version": req.version},
    )
    assert res.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.NOT_STARTED


def test_a_stale_page_gets_a_conflict_message(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    stale = req.version
    move(req, users["admin"], "not_started")
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:transition", args=[req.number]),
        {"to": "rejected", "reason": "重复", "version": stale},
        follow=True,
    )
    [message] = list(res.context["messages"])
    assert message.level_tag == "error"
    assert "version" in str(message).lower() or "版本" in str(message)
    req.refresh_from_db()
    assert req.status == Status.NOT_STARTED


def test_a_move_that_needs_a_reason_is_refused_without_one(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["product_manager"])
    url = reverse("requirements:transition", args=[req.number])
    res = client.post(url, {"to": "out_of_scope", "version": req.version}, follow=True)
    assert [m.level_tag for m in res.context["messages"]] == ["error"]
    req.refresh_from_db()
    assert req.status == Status.NEW
    client.post(url, {"to": "out_of_scope", "reason": "不在业务范围", "version": req.version})
    req.refresh_from_db()
    assert req.status == Status.OUT_OF_SCOPE
    body = client.get(reverse("requirements:detail", args=[req.number])).content.decode()
    assert "不在业务范围" in body


def test_an_illegal_move_is_refused_with_a_message(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:transition", args=[req.number]), {"to": "done"}, follow=True
    )
    assert [m.level_tag for m in res.context["messages"]] == ["error"]
    req.refresh_from_db()
    assert req.status == Status.NEW


def test_merge_into_another_requirement(users, client, customer) -> None:
    survivor = new_requirement(users["sales_rep"], customer, title=ERP_LONG)
    dup = new_requirement(users["sales_rep"], customer, title=ERP_SHORT)
    client.force_login(users["product_manager"])
    page = client.get(reverse("requirements:detail", args=[dup.number]))
    assert survivor.number in [d["number"] for d in page.context["duplicates"]]
    url = reverse("requirements:merge", args=[dup.number])
    res = client.post(url, {"into": "REQ-2099-999999", "reason": "同一需求"})
    assert "into" in res.context["merge_form"].errors
    client.post(url, {"into": survivor.number.lower(), "reason": "同一需求"})
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into == survivor
    body = client.get(reverse("requirements:detail", args=[dup.number])).content.decode()
    assert reverse("requirements:detail", args=[survivor.number]) in body


def test_a_customer_visible_note_counts_as_the_first_response(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("requirements:note-add", args=[req.number]),
        {"text": "已收到，本周内给出方案", "customer_visible": "on"},
    )
    assert res.status_code == 302
    req.refresh_from_db()
    assert req.first_response_at is not None
    assert req.notes.get().customer_visible


def test_a_note_with_an_id_number_is_refused_and_kept(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("requirements:note-add", args=[req.number]), {"text": "身份证 11010519491231002X"}
    )
    assert res.status_code == 200
    assert res.context["note_form"].errors
    assert "11010519491231002X" in res.content.decode()
    assert not req.notes.exists()


def test_evidence_upload_and_download(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["sales_rep"])
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("requirements:evidence-add", args=[req.number]), {"file": upload})
    evidence = req.files.get()
    res = client.get(reverse("requirements:evidence-file", args=[req.number, evidence.pk]))
    assert res.status_code == 200
    assert b"".join(res.streaming_content).startswith(b"%PDF-")
    assert "attachment" in res["Content-Disposition"]

    client.force_login(users["sales_rep_2"])
    url = reverse("requirements:evidence-file", args=[req.number, evidence.pk])
    assert client.get(url).status_code == 404


def test_change_requests_on_an_accepted_requirement(users, client, customer) -> None:
    req = move(new_requirement(users["sales_rep"], customer), users["admin"], "not_started")
    client.force_login(users["sales_rep"])
    client.post(
        reverse("requirements:change-create", args=[req.number]),
        {"what": "增加按班组导出", "why": "客户新增要求", "impact_effort": "+2人日"},
    )
    change = ChangeRequest.objects.get()
    assert change.requested_by == users["sales_rep"]
    decide = reverse("requirements:change-decide", args=[req.number, change.pk])
    assert client.post(decide, {"decision": "approved"}).status_code == 403

    client.force_login(users["product_manager"])
    client.post(decide, {"decision": "approved", "note": "可以"})
    change.refresh_from_db()
    assert change.decision == "approved" and change.decided_by == users["product_manager"]


def test_edit_rescores_and_a_stale_version_shows_the_conflict(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer)
    client.force_login(users["product_manager"])
    url = reverse("requirements:edit", args=[req.number])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"importance": 5, "urgency": 5, "customer_value": 5, "difficulty": 1})
    data.update({"tags": "紧急bug", "version": req.version, "reason": "客户升级为关键客户"})
    data.pop("contact", None)
    assert client.post(url, data).status_code == 302
    req.refresh_from_db()
    assert req.score == Decimal("5.00") and req.priority == "high"
    assert [t.name for t in req.tags.all()] == ["紧急bug"]

    res = client.post(url, {**data, "importance": 1})  # the same, now stale, version
    assert res.status_code == 200
    assert res.context["form"].non_field_errors()
    req.refresh_from_db()
    assert req.importance == 5


def test_regenerating_the_access_code_confirms_first_and_shows_it_once(
    users, client, customer
) -> None:
    req = new_requirement(users["sales_rep"], customer)
    old_hash = req.access_code_hash
    client.force_login(users["sales_rep"])
    url = reverse("requirements:access-code-renew", args=[req.number])
    assert client.get(url).status_code == 200
    req.refresh_from_db()
    assert req.access_code_hash == old_hash

    res = client.post(url, follow=True)
    code = re.search(r'id="access-code"[^>]*>([^<]+)<', res.content.decode()).group(1)
    req.refresh_from_db()
    assert access.code_matches(code, req.access_code_hash) and req.access_code_hash != old_hash
    again = client.get(reverse("requirements:code", args=[req.number])).content.decode()
    assert code not in again


def test_another_reps_requirement_is_a_404(users, client) -> None:
    req = new_requirement(users["sales_rep_2"], CustomerFactory(owner=users["sales_rep_2"]))
    client.force_login(users["sales_rep"])
    for name in ("detail", "edit", "code", "access-code-renew"):
        assert client.get(reverse(f"requirements:{name}", args=[req.number])).status_code == 404
    res = client.post(reverse("requirements:transition", args=[req.number]), {"to": "rejected"})
    assert res.status_code == 404


def test_the_detail_page_escapes_html(users, client, customer) -> None:
    req = new_requirement(users["sales_rep"], customer, title="<script>alert(1)</script>")
    client.force_login(users["sales_rep"])
    body = client.get(reverse("requirements:detail", args=[req.number])).content.decode()
    assert "<script>alert(1)</script>" not in body


# --- Scoring model and assignment rules ---------------------------------------------------


def _weights(**overrides) -> dict[str, str]:
    data = {"importance": "0.30", "urgency": "0.25", "customer_value": "0.25", "ease": "0.20",
            "high_threshold": "4.0", "medium_threshold": "3.0"}  # fmt: skip
    return {**data, **overrides}


def test_saving_the_scoring_model_rescores_the_pool(users, client, customer) -> None:
    hard = new_requirement(users["sales_rep"], customer, importance=5, urgency=5,
                           customer_value=5, difficulty=5)  # fmt: skip
    assert hard.score == Decimal("4.20")
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:scoring"),
        _weights(importance="0.10", urgency="0.10", customer_value="0.10", ease="0.70"),
        follow=True,
    )
    assert len(_messages(res)) == 1
    assert ScoringModel.objects.get().w_ease == Decimal("0.70")
    job = RescoreJob.objects.get()
    page = res.content.decode()
    assert 'data-testid="rescore-progress" data-state="queued"' in page
    assert reverse("requirements:scoring-progress", args=[job.id]) in page  # it polls
    progress = reverse("requirements:scoring-progress", args=[job.id])
    assert "HX-Trigger" not in client.get(progress, headers={"HX-Request": "true"})
    services.rescore_run(str(job.id))
    polled = client.get(progress, headers={"HX-Request": "true"})
    assert polled["HX-Trigger"] == "rescored"  # the page refreshes its preview
    bar = polled.content.decode()
    assert 'data-state="done"' in bar and "hx-get" not in bar
    assert "<progress" not in bar
    hard.refresh_from_db()
    assert hard.score == Decimal("2.20") and hard.priority == "low"


def test_weights_that_do_not_add_up_are_refused(users, client) -> None:
    client.force_login(users["product_manager"])
    res = client.post(reverse("requirements:scoring"), _weights(importance="0.50"))
    assert res.status_code == 200
    assert res.context["form"].non_field_errors()
    assert scoring.weights_current() == scoring.DEFAULT


def test_the_preview_reorders_the_top_without_saving(users, client, customer) -> None:
    rep = users["sales_rep"]
    easy = new_requirement(rep, customer, title="容易", importance=2, urgency=2,
                           customer_value=2, difficulty=1)  # fmt: skip
    big = new_requirement(rep, customer, title="重要", importance=5, urgency=4,
                          customer_value=4, difficulty=5)  # fmt: skip
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:scoring-preview"),
        _weights(importance="0.10", urgency="0.10", customer_value="0.10", ease="0.70"),
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200
    assert "<html" not in res.content.decode()
    rows = res.context["preview"]
    assert [r["number"] for r in rows] == [easy.number, big.number]
    assert rows[0]["moved"] == 1 and rows[0]["new_score"] == Decimal("4.10")
    big.refresh_from_db()
    assert big.score == Decimal("3.70")
    assert not ScoringModel.objects.exists()


def test_assignment_rules_are_saved_from_the_scoring_page(users, client) -> None:
    client.force_login(users["product_manager"])
    res = client.post(
        reverse("requirements:assignment-rules"),
        {"function-owner": users["product_manager"].pk,
         "function-collaborator": users["delivery"].pk},
    )  # fmt: skip
    assert res.status_code == 302
    rule = AssignmentRule.objects.get()
    assert (rule.type, rule.owner, rule.collaborator) == (
        "function",
        users["product_manager"],
        users["delivery"],
    )


def test_the_scoring_page_is_for_scoring_managers(users, client) -> None:
    client.force_login(users["manager"])
    assert client.get(reverse("requirements:scoring")).status_code == 403
    client.force_login(users["product_manager"])
    assert client.get(reverse("requirements:scoring")).status_code == 200


# --- Customer page and navigation ---------------------------------------------------------


def test_the_customer_page_lists_its_requirements_in_one_query(users, client, customer) -> None:
    client.force_login(users["sales_rep"])
    url = reverse("customers:detail", args=[customer.code])
    with CaptureQueriesContext(connection) as empty:
        body = client.get(url).content.decode()
    assert f"{reverse('requirements:create')}?customer={customer.code}" in body
    req = new_requirement(users["sales_rep"], customer, title="报表导出")
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert req.number in body and "报表导出" in body
    assert len(one.captured_queries) == len(empty.captured_queries)


def test_navigation_shows_the_pool_and_the_scoring_model_by_role(users, client) -> None:
    client.force_login(users["product_manager"])
    res = client.get(reverse("requirements:scoring"))
    items = {str(i["label"]): i for i in res.context["nav_items"]}
    assert [i["url"] for i in items.values() if i["active"]] == [reverse("requirements:scoring")]
    assert reverse("requirements:pool") in [i["url"] for i in items.values()]

    client.force_login(users["sales_rep"])
    urls = [i["url"] for i in client.get(reverse("requirements:pool")).context["nav_items"]]
    assert reverse("requirements:pool") in urls and reverse("requirements:scoring") not in urls


def test_staff_can_ask_to_email_the_contact_on_visible_changes(users, client) -> None:
    from requirements.models import Requirement
    from tests.factories import CustomerFactory
    from tests.requirements.helpers import new_requirement

    req = new_requirement(users["sales_rep"], CustomerFactory(owner=users["sales_rep"]))
    client.force_login(users["product_manager"])
    page = client.get(reverse("requirements:edit", args=[req.number]))
    assert 'name="notify_contact"' in page.content.decode()
    intake = client.get(reverse("requirements:create"))
    assert 'name="notify_contact"' in intake.content.decode()
    assert not Requirement.objects.get(pk=req.pk).notify_contact
