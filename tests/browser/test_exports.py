"""A product manager exports the pool and watches the progress bar finish."""

import pytest

from reqhub.exports.models import ExportJob
from tests.factories import CustomerFactory
from tests.requirements.helpers import new_requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_the_pool_and_download(page, login, screenshot, make_user, celery_worker) -> None:
    make_user("product_manager", username="pm", password="pm-pass-123")
    rep = make_user("sales_rep", username="li")
    customer = CustomerFactory(owner=rep)
    for i in range(12):
        new_requirement(rep, customer, title=f"导出测试需求{i}", urgency=1 + i % 5)
    login("pm", "pm-pass-123")
    page.goto(f"{page.base_url}/requirements/?priority=medium")
    page.click("[data-testid=export-requirements]")
    page.wait_for_selector("#export-progress")
    link = page.wait_for_selector("[data-testid=export-download]", timeout=30_000)
    screenshot("export-done")
    job = ExportJob.objects.get()
    assert job.state == "done"
    assert job.filters == {"priority": "medium"}
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
