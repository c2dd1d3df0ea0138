"""Excel exports: content, types, permissions, formula neutralising, a real worker, the API."""

import time
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reqhub.exports import services
from reqhub.exports.models import ExportJob
from tests.factories import CustomerFactory
from tests.requirements.helpers import new_requirement

pytestmark = pytest.mark.django_db


def run(job: ExportJob) -> ExportJob:
    return services.export_run(str(job.id))


def sheet(job: ExportJob):
    return load_workbook(job.file.path).active


def test_customers_export_has_a_styled_frozen_filtered_header(users) -> None:
    CustomerFactory(
        owner=users["sales_rep"], name="A科技公司", purchase_amount_6m=Decimal("1500.5")
    )
    chinese = run(services.export_start(actor=users["manager"], kind="customers"))
    assert sheet(chinese)["A1"].value == "客户编号"
    with translation.override("en"):
        job = run(services.export_start(actor=users["manager"], kind="customers"))
    assert (job.state, job.rows, job.progress) == ("done", 1, 100)
    ws = sheet(job)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.bold
    headers = [c.value for c in ws[1]]
    amount = ws.cell(row=2, column=headers.index("Purchases (6 months)") + 1).value
    assert amount == pytest.approx(1500.5)
    updated = ws.cell(row=2, column=headers.index("Updated") + 1).value
    assert isinstance(updated, datetime)
    assert ws.column_dimensions["B"].width == 30


def test_headers_follow_the_users_language(users) -> None:
    CustomerFactory(owner=users["manager"])
    with translation.override("en"):
        job = services.export_start(actor=users["manager"], kind="customers")
    assert sheet(run(job))["A1"].value == "Code"


def test_only_rows_the_user_may_see_and_no_hidden_columns(users) -> None:
    CustomerFactory(owner=users["sales_rep"], name="我的客户")
    CustomerFactory(owner=users["sales_rep_2"], name="别人的客户")
    rep = sheet(run(services.export_start(actor=users["sales_rep"], kind="customers")))
    assert [r[1].value for r in rep.iter_rows(min_row=2)] == ["我的客户"]
    with translation.override("en"):
        cs = sheet(run(services.export_start(actor=users["customer_success"], kind="customers")))
    assert "Purchases (6 months)" not in [c.value for c in cs[1]]
    assert "Name" in [c.value for c in cs[1]]


def test_formulas_are_neutralised(users) -> None:
    CustomerFactory(
        owner=users["manager"], name='=HYPERLINK("http://x")', notes="+1+1", region="@SUM(A1)"
    )
    ws = sheet(run(services.export_start(actor=users["manager"], kind="customers")))
    values = [c.value for c in ws[2]]
    assert '\'=HYPERLINK("http://x")' in values
    assert "'+1+1" in values and "'@SUM(A1)" in values
    assert all(c.data_type != "f" for c in ws[2])


def test_filters_are_those_of_the_list_page(users) -> None:
    CustomerFactory(owner=users["manager"], name="星辰网络", industry="internet")
    CustomerFactory(owner=users["manager"], name="华东精密", industry="manufacturing")
    job = run(
        services.export_start(
            actor=users["manager"], kind="customers", filters={"industry": "internet"}
        )
    )
    assert [r[1].value for r in sheet(job).iter_rows(min_row=2)] == ["星辰网络"]


def test_requirements_export(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    req = new_requirement(users["sales_rep"], customer, title="-cmd|' /C calc'!A0")
    ws = sheet(run(services.export_start(actor=users["product_manager"], kind="requirements")))
    row = [c.value for c in ws[2]]
    assert row[0] == req.number
    assert "'-cmd|' /C calc'!A0" in row


@pytest.mark.parametrize(
    ("kind", "filters", "field"),
    [
        ("nonsense", {}, "kind"),
        ("customers", {"industry": "bogus"}, "filters"),
        ("customers", ["x"], "filters"),
    ],
)
def test_bad_export_requests_are_refused(users, kind, filters, field) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.export_start(actor=users["manager"], kind=kind, filters=filters)
    assert field in exc.value.message_dict
    assert not ExportJob.objects.exists()


def test_running_a_done_job_again_changes_nothing(users) -> None:
    CustomerFactory(owner=users["manager"])
    job = run(services.export_start(actor=users["manager"], kind="customers"))
    mtime = job.file.path and __import__("os").path.getmtime(job.file.path)
    again = run(job)
    assert again.state == "done"
    assert __import__("os").path.getmtime(again.file.path) == mtime


def test_an_export_interrupted_too_often_fails_with_a_message(users) -> None:
    job = services.export_start(actor=users["manager"], kind="customers")
    ExportJob.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS, state="running")
    job = run(job)
    assert job.state == "failed"
    assert job.error


def test_expired_files_are_deleted(users) -> None:
    import os
    from datetime import timedelta

    from django.utils import timezone

    CustomerFactory(owner=users["manager"])
    job = run(services.export_start(actor=users["manager"], kind="customers"))
    path = job.file.path
    assert services.exports_expire(timezone.now() + timedelta(hours=25)) == 1
    assert not os.path.exists(path)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_export_via_the_api(users, api_client_for, celery_worker) -> None:
    CustomerFactory.create_batch(30, owner=users["manager"])
    client = api_client_for(users["manager"])
    res = client.post("/api/v1/exports/", {"kind": "customers", "filters": {}}, format="json")
    assert res.status_code == 202
    job_id = res.json()["id"]
    deadline = time.monotonic() + 30
    body = client.get(f"/api/v1/exports/{job_id}/").json()
    while body["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        body = client.get(f"/api/v1/exports/{job_id}/").json()
    assert (body["state"], body["rows"], body["progress"]) == ("done", 30, 100)
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    # someone else cannot follow or download it
    other = api_client_for(users["sales_rep"])
    assert other.get(f"/api/v1/exports/{job_id}/").status_code == 404
    assert other.get(body["download_url"]).status_code == 404


def test_the_export_button_starts_a_job_with_the_page_filters(users, client) -> None:
    client.force_login(users["manager"])
    res = client.post(
        reverse("export-start"), {"kind": "customers", "industry": "internet", "page": "2"}
    )
    assert res.status_code == 302
    job = ExportJob.objects.get()
    assert job.filters == {"industry": "internet"}
    page = client.get(res["Location"])
    assert b"<progress" in page.content


def test_a_task_for_a_vanished_job_does_nothing(db) -> None:
    from reqhub.exports.tasks import export_run_task

    assert export_run_task.apply(args=["00000000-0000-0000-0000-000000000000"]).get() == "missing"
