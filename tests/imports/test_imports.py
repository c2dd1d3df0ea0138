"""Excel imports: templates, preview, per-row errors, all-or-nothing commit, round trips."""

import io
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

import customers.services as customer_services
from customers.models import Contact, Customer
from reqhub.exports import services as exports
from reqhub.imports import services, tasks
from reqhub.imports.models import ImportJob
from requirements.models import Requirement
from tests.factories import ContactFactory, CustomerFactory
from tests.requirements.helpers import new_requirement

from .helpers import commit, run, validate, xlsx

pytestmark = pytest.mark.django_db

ID_CARD = "11010519491231002X"


def errors_of(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.report["errors"]]


def exported(user, kind: str) -> SimpleUploadedFile:
    """An export of ``kind`` as ``user`` sees it, as an upload."""
    job = exports.export_run(str(exports.export_start(actor=user, kind=kind).id))
    with open(job.file.path, "rb") as f:
        return SimpleUploadedFile("export.xlsx", f.read())


def edited(upload: SimpleUploadedFile, header: str, row: int, value) -> SimpleUploadedFile:
    upload.seek(0)
    wb = load_workbook(io.BytesIO(upload.read()))
    ws = wb.active
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("edited.xlsx", out.getvalue())


# ---- Templates ----------------------------------------------------------------------------------


def test_the_customer_template_has_a_frozen_header_drop_downs_and_instructions(users, client):
    client.force_login(users["manager"])
    with translation.override("en"):
        res = client.get(reverse("imports:template", args=["customers"]), HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 200
    assert res["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(res.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Code", "Name", "Industry"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold and ws["B1"].comment is not None
    lists = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    dropdowns = {headers[ord(letter) - 65] for letter in lists if len(letter) == 1}
    assert {"Industry", "Size", "Lifecycle", "Value tier", "Channel preference"} <= dropdowns
    assert all(dv.type == "list" for dv in lists.values())
    industry = lists[chr(65 + headers.index("Industry"))]
    source = wb[industry.formula1.split("!")[0].strip("'")]
    assert "Manufacturing" in [c.value for c in source["A"]]
    instructions = wb.worksheets[-1]
    assert instructions.title == "Instructions"
    assert "Name" in [c.value for c in instructions["A"]]


def test_the_template_headers_follow_the_language(users, client):
    client.force_login(users["sales_rep"])
    client.post(reverse("set_language"), {"language": "zh-hans"})
    res = client.get(reverse("imports:template", args=["customers"]))
    ws = load_workbook(io.BytesIO(res.content)).worksheets[0]
    assert ws["A1"].value == "客户编号"
    # a sales rep may not give customers to others: no owner column for them
    assert "负责人" not in [c.value for c in ws[1]]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("requirements", {"Channel", "Category", "Nature", "Type", "Urgency class"}),
        ("contacts", {"Decision role"}),
    ],
)
def test_coded_fields_of_every_kind_have_drop_downs(users, kind, expected):
    with translation.override("en"):
        wb = load_workbook(io.BytesIO(services.template_build(actor=users["manager"], kind=kind)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    letters = {
        str(dv.sqref).split(":")[0].rstrip("0123456789")
        for dv in ws.data_validations.dataValidation
    }
    assert expected <= {headers[ord(x) - 65] for x in letters}


def test_export_headers_are_all_known_to_the_import(users):
    """An export can be edited and imported again: every exported column is recognised."""
    from customers.exports import customer_columns as customer_export
    from customers.imports import customer_columns
    from requirements.exports import requirement_columns as requirement_export
    from requirements.imports import requirement_columns

    for exporting, importing in [
        (customer_export, customer_columns),
        (requirement_export, requirement_columns),
    ]:
        known = {str(c.header) for c in importing(users["manager"])}
        assert {str(c.header) for c in exporting(users["manager"])} <= known


# ---- Preview ------------------------------------------------------------------------------------


def test_preview_counts_rows_to_create_update_and_leave(users):
    rep = users["sales_rep"]
    same = CustomerFactory(owner=rep, name="原样公司", region="苏州", industry="retail")
    other = CustomerFactory(owner=rep, name="改名前", region="苏州", industry="retail")
    job = validate(rep, "customers", [
        ["Code", "Name", "Region", "Industry"],
        [same.code, "原样公司", "苏州", "零售"],
        [other.code, "改名后", "苏州", "retail"],
        ["", "新公司", "无锡", "Retail"],
    ])  # fmt: skip
    assert job.state == "ready"
    assert job.counts == {"created": 1, "updated": 1, "unchanged": 1, "conflicts": 0, "errors": 0}
    assert job.total == 3 and job.progress == 100
    assert Customer.objects.count() == 2  # the preview writes nothing
    assert Customer.objects.get(pk=other.pk).name == "改名前"


def test_bad_rows_are_reported_with_row_column_and_message(users):
    with translation.override("en"):
        job = validate(users["manager"], "customers", [
            ["Name", "Satisfaction", "Notes", "Industry", "First cooperation"],
            ["好公司", 3, "ok", "retail", "2024-01-05"],
            ["坏公司", 9, f"身份证 {ID_CARD}", "bogus", "someday"],
            ["", 2, "", "", None],
        ])  # fmt: skip
    errors = errors_of(job)
    assert job.counts["errors"] == 2 and job.counts["created"] == 1
    columns = {(row, column) for row, column, _ in errors}
    assert {(3, "Satisfaction"), (3, "Notes"), (3, "Industry"), (3, "First cooperation")} <= columns
    assert (4, "Name") in columns
    notes = next(m for r, c, m in errors if c == "Notes")
    assert "resident ID card number" in notes
    with pytest.raises(ValidationError):
        commit(job)
    assert not Customer.objects.exists()


def test_contacts_with_a_personal_mobile_or_mail_box_are_refused(users):
    customer = CustomerFactory(owner=users["sales_rep"])
    with translation.override("en"):
        job = validate(users["sales_rep"], "contacts", [
            ["Customer code", "Name", "Work phone", "Work e-mail", "Decision role"],
            [customer.code, "王经理", "0512-6551 0000", "wang@example-mfg.cn", "Decision maker"],
            [customer.code, "李经理", "13912345678", "li@example-mfg.cn", "user"],
            [customer.code, "赵经理", "0512-6551 0001", "zhao@qq.com", "影响者"],
        ])  # fmt: skip
    errors = errors_of(job)
    assert [(r, c) for r, c, _ in errors] == [(3, "Work phone"), (4, "Work e-mail")]
    assert "personal mobile" in errors[0][2] and "personal mail box" in errors[1][2]
    assert job.counts["created"] == 1


def test_the_report_keeps_the_first_500_errors_and_counts_the_rest(users):
    rows = [["Name", "Satisfaction"]] + [[f"公司{i}", "x"] for i in range(600)]
    job = validate(users["manager"], "customers", rows)
    assert job.counts["errors"] == 600
    assert len(job.report["errors"]) == 500 and job.report["errors_more"] == 100


# ---- Labels, files, headers ---------------------------------------------------------------------


def test_labels_in_english_or_chinese_and_codes_are_all_accepted(users):
    run(users["manager"], "customers", [
        ["名称", "行业", "Lifecycle", "value_tier"],
        ["甲", "Manufacturing", "Active", "high"],
        ["乙", "制造业", "活跃", "High value"],
        ["丙", "manufacturing", "active", " HIGH "],
    ])  # fmt: skip
    values = set(Customer.objects.values_list("industry", "lifecycle", "value_tier"))
    assert values == {("manufacturing", "active", "high")}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.xlsx", b"name,industry\n"), "not an Excel workbook"),
        (SimpleUploadedFile("a.csv", b"name\n"), ".xlsx"),
        (xlsx([["Foo", "Bar"], ["x", "y"]]), "Missing: Name"),
        (xlsx([["Name", "Name"], ["x", "y"]]), "appears twice"),
        (xlsx([["Name"]]), "no rows"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(users, upload, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.import_start(actor=users["manager"], kind="customers", upload=upload)
    assert message in " ".join(exc.value.message_dict["file"])
    assert not ImportJob.objects.exists()


def test_files_over_the_size_or_row_limit_are_refused(users, monkeypatch):
    monkeypatch.setattr(services, "MAX_ROWS", 2)
    with translation.override("en"), pytest.raises(ValidationError, match="more than 2 rows"):
        services.import_start(
            actor=users["manager"], kind="customers", upload=xlsx([["Name"], ["a"], ["b"], ["c"]])
        )
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    with translation.override("en"), pytest.raises(ValidationError, match="10 MB"):
        services.import_start(
            actor=users["manager"], kind="customers", upload=xlsx([["Name"], ["a"]])
        )


# ---- Commit -------------------------------------------------------------------------------------


def test_a_failure_at_commit_saves_nothing_and_says_why(users, monkeypatch):
    existing = CustomerFactory(owner=users["manager"], name="旧名")
    # the job reports in the language of the person who uploaded the file
    with translation.override("en"):
        job = validate(users["manager"], "customers", [
            ["Code", "Name", "Owner"], [existing.code, "新名", ""], ["", "一", ""],
            ["", "二", "sales_rep"],
        ])  # fmt: skip
    assert job.counts["errors"] == 0
    # between preview and commit the owner of row 4 leaves; rows 2 and 3 are written first
    users["sales_rep"].is_active = False
    users["sales_rep"].save()
    monkeypatch.setattr(services, "CHUNK", 1)
    job = commit(job)
    assert job.state == "failed"
    assert "Row 4, Owner" in job.error and "Nothing was imported" in job.error
    assert list(Customer.objects.values_list("name", flat=True)) == ["旧名"]


def test_a_service_refusing_a_row_at_commit_saves_nothing(users, monkeypatch):
    customer = CustomerFactory(owner=users["manager"])
    job = validate(users["manager"], "contacts", [
        ["Customer code", "Name"], [customer.code, "甲"], [customer.code, "乙"],
    ])  # fmt: skip
    real = customer_services.contact_create

    def flaky(**kwargs):
        if kwargs["name"] == "乙":
            raise ValidationError({"name": "数据库说不行"})
        return real(**kwargs)

    monkeypatch.setattr(customer_services, "contact_create", flaky)
    job = commit(job)
    assert job.state == "failed"
    assert "3" in job.error and "数据库说不行" in job.error
    assert not Contact.objects.exists()


def test_reimporting_the_same_file_changes_nothing(users):
    customer = CustomerFactory(owner=users["sales_rep"])
    rows = [
        ["Customer code", "Name", "Position", "Work phone", "Decision role"],
        [customer.code, "王经理", "经理", "0512-6551 0000", "决策者"],
        [customer.code, "李工", "", "", "user"],
    ]
    first = run(users["sales_rep"], "contacts", rows)
    assert first.counts["created"] == 2
    second = validate(users["sales_rep"], "contacts", rows)
    assert (second.counts["created"], second.counts["updated"], second.counts["unchanged"]) == (
        0, 0, 2,
    )  # fmt: skip
    assert Contact.objects.count() == 2


def test_an_export_imported_back_unchanged_changes_nothing(users):
    CustomerFactory.create_batch(3, owner=users["manager"], notes="=1+1 公式", satisfaction=4)
    CustomerFactory(owner=users["manager"], purchase_amount_6m=Decimal("1500.50"))
    job = validate(users["manager"], "customers", exported(users["manager"], "customers"))
    assert job.counts == {"created": 0, "updated": 0, "unchanged": 4, "conflicts": 0, "errors": 0}
    assert "更新时间" in job.report["ignored_columns"] or "Updated" in job.report["ignored_columns"]


def test_an_edited_export_updates_exactly_the_edited_row(users):
    mine = CustomerFactory.create_batch(3, owner=users["manager"], region="苏州")
    before = {c.pk: (c.updated_at, c.version) for c in Customer.objects.all()}
    with translation.override("en"):
        upload = exported(users["manager"], "customers")
        upload = edited(upload, "Region", 3, "杭州")
        job = run(users["manager"], "customers", upload)
    assert job.counts["updated"] == 1 and job.counts["unchanged"] == 2
    changed = Customer.objects.get(region="杭州")
    assert changed.version == 2
    for customer in Customer.objects.exclude(pk=changed.pk):
        assert (customer.updated_at, customer.version) == before[customer.pk]
    assert len(mine) == 3


def test_a_row_changed_by_someone_else_after_the_export_is_a_conflict(users):
    customer = CustomerFactory(owner=users["sales_rep"], region="苏州", name="原名")
    other = CustomerFactory(owner=users["sales_rep"], region="苏州")
    with translation.override("en"):
        upload = exported(users["sales_rep"], "customers")
    customer_services.customer_update(actor=users["manager"], customer=customer, name="别人改的")
    codes = [c.code for c in Customer.objects.order_by("code")]
    row = codes.index(customer.code) + 2
    with translation.override("en"):
        upload = edited(upload, "Region", row, "杭州")
        upload = edited(upload, "Region", codes.index(other.code) + 2, "无锡")
        job = validate(users["sales_rep"], "customers", upload)
    assert job.counts["conflicts"] == 1 and job.counts["updated"] == 1
    assert job.report["conflicts"][0]["key"] == customer.code
    job = commit(job)
    assert job.state == "done" and job.counts["conflicts"] == 1
    customer.refresh_from_db()
    assert (customer.name, customer.region) == ("别人改的", "苏州")
    other.refresh_from_db()
    assert other.region == "无锡"


def test_a_conflict_arising_between_preview_and_commit_is_skipped(users):
    customer = CustomerFactory(owner=users["manager"], region="苏州")
    job = validate(users["manager"], "customers", [
        ["Code", "Region", "Version", "Name"], [customer.code, "杭州", 1, customer.name],
        ["", "无锡", "", "新公司"],
    ])  # fmt: skip
    assert job.counts["updated"] == 1
    customer_services.customer_update(actor=users["manager"], customer=customer, notes="改了")
    job = commit(job)
    assert job.state == "done"
    assert job.counts["conflicts"] == 1 and job.counts["created"] == 1
    customer.refresh_from_db()
    assert customer.region == "苏州"


def test_a_sales_rep_cannot_update_another_reps_customer(users):
    theirs = CustomerFactory(owner=users["sales_rep_2"], name="别人的")
    with translation.override("en"):
        job = validate(users["sales_rep"], "customers", [
            ["Code", "Name"], [theirs.code, "抢过来"],
        ])  # fmt: skip
        contacts = validate(users["sales_rep"], "contacts", [
            ["Customer code", "Name"], [theirs.code, "王经理"],
        ])  # fmt: skip
    assert errors_of(job) == [(2, "Code", f"Customer “{theirs.code}” not found or not yours.")]
    assert "not found or not yours" in errors_of(contacts)[0][2]


def test_read_only_columns_and_the_owner_of_non_reassigners_are_ignored(users):
    mine = CustomerFactory(owner=users["sales_rep"], name="我的")
    job = validate(users["sales_rep"], "customers", [
        ["Code", "Name", "Owner", "Updated"], [mine.code, "我的", "sales_rep_2", "2020-01-01"],
    ])  # fmt: skip
    assert job.counts["unchanged"] == 1
    assert set(job.report["ignored_columns"]) == {"Owner", "Updated"}


def test_a_manager_may_give_imported_customers_to_a_rep(users):
    run(users["manager"], "customers", [["Name", "Owner"], ["分配的", "sales_rep"]])
    assert Customer.objects.get().owner == users["sales_rep"]


# ---- Requirements -------------------------------------------------------------------------------


def test_requirements_are_created_and_an_edited_export_updates_them(users):
    customer = CustomerFactory(owner=users["sales_rep"])
    with translation.override("en"):
        job = run(users["sales_rep"], "requirements", [
            ["Customer code", "Title", "Channel", "Category", "Importance", "Tags"],
            [customer.code, "报表导出", "Sales visit", "功能", 5, "功能优化, 紧急bug"],
        ])  # fmt: skip
    assert job.counts["created"] == 1
    req = Requirement.objects.get()
    assert (req.channel, req.category, req.importance) == ("sales_visit", "functional", 5)
    assert sorted(t.name for t in req.tags.all()) == ["功能优化", "紧急bug"]
    with translation.override("en"):
        upload = exported(users["sales_rep"], "requirements")
        assert validate(users["sales_rep"], "requirements", upload).counts["unchanged"] == 1
        job = run(users["sales_rep"], "requirements", edited(upload, "Urgency", 2, 5))
    assert job.counts["updated"] == 1
    req.refresh_from_db()
    assert (req.urgency, req.version) == (5, 2)


def test_requirements_for_another_reps_customer_are_refused(users):
    theirs = CustomerFactory(owner=users["sales_rep_2"])
    other_req = new_requirement(users["sales_rep_2"], theirs)
    with translation.override("en"):
        job = validate(users["sales_rep"], "requirements", [
            ["Number", "Customer code", "Title", "Channel"],
            ["", theirs.code, "新需求", "api"],
            [other_req.number, "", "改标题", "api"],
        ])  # fmt: skip
    assert [(r, c) for r, c, _ in errors_of(job)] == [(2, "Customer code"), (3, "Number")]


# ---- Tasks: safe to run twice -------------------------------------------------------------------


def test_the_validate_task_run_twice_validates_once(users):
    job = services.import_start(
        actor=users["manager"], kind="customers", upload=xlsx([["Name"], ["甲"], ["乙"]])
    )
    assert tasks.import_validate_task(str(job.id)) == "ready"
    ImportJob.objects.filter(pk=job.pk).update(counts={"marker": 1})
    assert tasks.import_validate_task(str(job.id)) == "ready"
    assert ImportJob.objects.get(pk=job.pk).counts == {"marker": 1}


def test_the_commit_task_run_twice_imports_once(users):
    job = validate(users["manager"], "customers", [["Name"], ["甲"], ["乙"]])
    services.import_commit_start(actor=users["manager"], job=job)
    assert tasks.import_commit_task(str(job.id)) == "done"
    assert tasks.import_commit_task(str(job.id)) == "done"
    assert Customer.objects.count() == 2


def test_a_job_held_by_a_live_worker_is_not_run_twice(users, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda step, job_id: None)
    job = services.import_start(
        actor=users["manager"], kind="customers", upload=xlsx([["Name"], ["甲"]])
    )
    ImportJob.objects.filter(pk=job.pk).update(
        state="validating", heartbeat_at=timezone.now(), attempts=1
    )
    assert services.import_validate(str(job.id)).state == "validating"
    assert services.imports_requeue() == 0
    later = timezone.now() + timedelta(minutes=10)
    assert services.imports_requeue(later) == 1  # its worker is gone: sent again


def test_a_commit_queued_while_the_broker_was_down_is_sent_again(users, monkeypatch):
    job = validate(users["manager"], "customers", [["Name"], ["甲"]])
    services.import_commit_start(actor=users["manager"], job=job)
    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda step, job_id: sent.append((step, job_id)))
    assert services.imports_requeue() == 0
    assert services.imports_requeue(timezone.now() + timedelta(minutes=10)) == 1
    assert sent == [("commit", str(job.id))]
    assert services.import_commit(str(job.id)).state == "done"


# ---- Pages --------------------------------------------------------------------------------------


def test_upload_page_preview_and_commit_through_the_pages(users, client):
    client.force_login(users["manager"])
    page = client.get(reverse("imports:upload") + "?kind=customers")
    assert page.status_code == 200 and b'type="file"' in page.content
    res = client.post(
        reverse("imports:upload"), {"kind": "customers", "file": xlsx([["Name"], ["甲"], ["乙"]])}
    )
    assert res.status_code == 302
    job = ImportJob.objects.get()
    progress = client.get(res["Location"], HTTP_HX_REQUEST="true")
    assert b"<progress" in progress.content and b"hx-trigger" in progress.content
    services.import_validate(str(job.id))
    preview = client.get(res["Location"])
    assert b'data-testid="import-commit"' in preview.content
    done = client.post(reverse("imports:commit", args=[job.id]))
    assert done.status_code == 302
    services.import_commit(str(job.id))
    assert b'data-testid="import-done"' in client.get(res["Location"]).content
    assert Customer.objects.count() == 2


def test_a_bad_upload_shows_the_error_on_the_form(users, client):
    client.force_login(users["manager"])
    res = client.post(
        reverse("imports:upload"), {"kind": "customers", "file": xlsx([["Foo"], ["x"]])}
    )
    assert res.status_code == 200
    assert b"field-error" in res.content
    assert not ImportJob.objects.exists()


def test_someone_elses_job_is_not_found(users, client):
    job = validate(users["manager"], "customers", [["Name"], ["甲"]])
    client.force_login(users["sales_rep"])
    assert client.get(reverse("imports:job", args=[job.id])).status_code == 404
    assert client.post(reverse("imports:commit", args=[job.id])).status_code == 404


def test_the_lists_link_to_the_import(users, client):
    client.force_login(users["manager"])
    customers = client.get(reverse("customers:list"))
    assert reverse("imports:upload").encode() + b"?kind=customers" in customers.content
    pool = client.get(reverse("requirements:pool"))
    assert reverse("imports:upload").encode() + b"?kind=requirements" in pool.content


def test_contacts_of_existing_customers_update(users):
    contact = ContactFactory(customer=CustomerFactory(owner=users["manager"]), position="经理")
    job = run(users["manager"], "contacts", [
        ["Customer code", "Name", "Position"], [contact.customer.code, contact.name, "总监"],
    ])  # fmt: skip
    assert job.counts["updated"] == 1
    contact.refresh_from_db()
    assert contact.position == "总监"


def test_the_api_uploads_previews_and_commits(users, api_client_for):
    client = api_client_for(users["manager"])
    res = client.post(
        "/api/v1/imports/", {"kind": "customers", "file": xlsx([["Name"], ["甲"]])},
        format="multipart",
    )  # fmt: skip
    assert res.status_code == 202 and res.json()["state"] == "uploaded"
    job_id = res.json()["id"]
    services.import_validate(job_id)
    body = client.get(f"/api/v1/imports/{job_id}/").json()
    assert (body["state"], body["counts"]["created"]) == ("ready", 1)
    assert client.post(f"/api/v1/imports/{job_id}/commit/").status_code == 202
    assert client.post(f"/api/v1/imports/{job_id}/commit/").status_code == 409
    services.import_commit(job_id)
    assert client.get(f"/api/v1/imports/{job_id}/").json()["state"] == "done"
    assert api_client_for(users["sales_rep"]).get(f"/api/v1/imports/{job_id}/").status_code == 404
    bad = client.post(
        "/api/v1/imports/", {"kind": "customers", "file": xlsx([["Foo"], ["x"]])},
        format="multipart",
    )  # fmt: skip
    assert bad.status_code == 400 and "file" in bad.json()


def test_old_uploaded_files_and_abandoned_previews_expire(users, settings):
    rep = users["sales_rep"]
    rows = [["Code", "Name", "Region", "Industry"], ["", "过期公司", "苏州", "零售"]]
    done = run(rep, "customers", rows)
    previewed = validate(rep, "customers", [*rows[:1], ["", "未提交公司", "苏州", "零售"]])
    fresh = validate(rep, "customers", [*rows[:1], ["", "刚上传公司", "苏州", "零售"]])
    paths = [j.file.path for j in (done, previewed, fresh)]
    now = timezone.now()
    assert services.imports_expire(now) == 0  # nothing old yet
    ImportJob.objects.filter(pk=done.pk).update(finished_at=now - timedelta(hours=25))
    ImportJob.objects.filter(pk=previewed.pk).update(created_at=now - timedelta(days=8))
    assert services.imports_expire(now) == 2
    done.refresh_from_db()
    previewed.refresh_from_db()
    fresh.refresh_from_db()
    assert (done.state, done.file.name) == ("done", "")
    assert (previewed.state, previewed.file.name) == ("failed", "")
    assert previewed.error  # the user sees why
    assert fresh.state == "ready" and fresh.file.name
    assert [os.path.exists(p) for p in paths] == [False, False, True]
