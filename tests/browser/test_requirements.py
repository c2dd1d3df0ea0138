"""A sales rep logs a requirement (seeing a likely duplicate while typing); a product manager
screens it in the pool and moves it through delivery on its page."""

import pytest

from requirements.models import Requirement
from requirements.workflow import Status
from tests.factories import ContactFactory, CustomerFactory
from tests.requirements.helpers import new_requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_requirement_from_intake_through_screening_to_acceptance(
    page, login, screenshot, make_user
) -> None:
    li = make_user("sales_rep", username="li", first_name="李明", password="li-pass-123")
    make_user("product_manager", username="wang", first_name="王芳", password="wang-pass-123")
    customer = CustomerFactory(owner=li, name="华东精密制造股份有限公司", region="苏州")
    ContactFactory(customer=customer, name="赵主管", position="生产经理")
    existing = new_requirement(li, customer, title="希望生产数据能实时同步到ERP系统")
    for i, (imp, diff) in enumerate([(5, 1), (4, 4), (2, 2), (2, 5), (3, 3)]):
        new_requirement(li, customer, title=f"示例需求{i}", importance=imp, difficulty=diff,
                        customer_value=imp)  # fmt: skip

    # The sales rep picks the customer by type-ahead; its contacts load.
    login("li", "li-pass-123")
    page.goto(f"{page.base_url}/requirements/new/")
    page.locator("#id_customer").press_sequentially("华东精密", delay=30)
    page.locator("[data-testid=customer-option]").first.click()
    assert page.locator("#id_customer").input_value().startswith(customer.code)
    page.wait_for_function("document.querySelectorAll('#id_contact option').length > 1")
    page.select_option("#id_contact", label="赵主管 · 生产经理")

    # Typing the title brings up the likely duplicate, with a link to it.
    page.locator("#id_title").press_sequentially("生产数据实时同步ERP", delay=40)
    duplicate = page.locator(f"[data-testid=duplicate][data-number='{existing.number}']")
    duplicate.wait_for()
    assert duplicate.locator("a").get_attribute("href") == f"/requirements/{existing.number}/"
    screenshot("requirement-intake-duplicate")

    # It is a different need after all: log it with its evidence.
    page.fill("#id_title", "生产日报支持按班组导出Excel")
    page.fill("#id_description", "场景：每天早会前汇总产量。痛点：手工抄表。期望：一键导出。")
    page.fill("#id_evidence", "“每天都要花半小时抄数据”")
    page.fill("#id_tags", "功能优化, 报表")
    page.set_input_files(
        "#id_file", files=[{"name": "聊天截图.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.click("[data-testid=save-requirement]")
    page.wait_for_url("**/code/")
    req = Requirement.objects.get(title="生产日报支持按班组导出Excel")
    assert page.locator("[data-testid=req-number]").inner_text() == req.number
    code = page.locator("[data-testid=access-code]").inner_text()
    assert len(code) >= 10
    assert f"number={req.number}&code={code}" in page.locator("#status-url").input_value()
    assert req.files.count() == 1 and req.contact.name == "赵主管"
    screenshot("requirement-created")

    # The customer's page lists it, with a link to log the next one.
    page.goto(f"{page.base_url}/customers/{customer.code}/")
    assert page.locator("#customer-requirements").get_by_text(req.number).is_visible()
    screenshot("customer-requirements")

    # The product manager screens it in the pool: accept into the plan.
    page.context.clear_cookies()
    login("wang", "wang-pass-123")
    page.goto(f"{page.base_url}/requirements/?status=new")
    page.locator("#chart-matrix canvas").first.wait_for()
    page.locator("#chart-status canvas").first.wait_for()
    screenshot("requirement-pool")
    page.check(f"[data-testid='select-{req.number}']")
    page.select_option("[data-testid=bulk-to]", "not_started")
    page.click("[data-testid=bulk-apply]")
    page.locator(f"#bulk-results li.ok[data-number='{req.number}']").wait_for()
    screenshot("requirement-pool-screened")
    req.refresh_from_db()
    assert req.status == Status.NOT_STARTED

    # ... and moves it through delivery on its page.
    page.goto(f"{page.base_url}/requirements/{req.number}/")
    for target in ("in_progress", "testing", "awaiting_acceptance"):
        page.click(f"[data-testid=move-{target}]")
        page.locator(f"#status [data-status={target}]").wait_for()
    req.refresh_from_db()
    assert req.status == Status.AWAITING_ACCEPTANCE
    assert page.locator("#history li").count() >= 5
    screenshot("requirement-detail")


def test_a_reason_is_asked_for_before_rejecting(page, login, screenshot, make_user) -> None:
    pm = make_user("product_manager", username="wang", password="wang-pass-123")
    customer = CustomerFactory(owner=make_user("sales_rep", username="li"))
    req = new_requirement(pm, customer, title="希望支持自定义首页")
    login("wang", "wang-pass-123")
    page.goto(f"{page.base_url}/requirements/{req.number}/")
    page.click("[data-testid=move-rejected]")
    page.fill("[data-testid=reason-rejected]", "与产品路线不符")
    screenshot("requirement-reject-reason")
    page.click("[data-testid=confirm-rejected]")
    page.locator("#status [data-status=rejected]").wait_for()
    assert page.get_by_text("与产品路线不符").first.is_visible()
    req.refresh_from_db()
    assert req.status == Status.REJECTED


def test_the_scoring_preview_reorders_before_saving(
    page, login, screenshot, make_user, celery_worker
) -> None:
    make_user("product_manager", username="wang", password="wang-pass-123")
    rep = make_user("sales_rep", username="li")
    customer = CustomerFactory(owner=rep)
    easy = new_requirement(rep, customer, title="小改动：导出按钮改名", importance=2, urgency=2,
                           customer_value=2, difficulty=1)  # fmt: skip
    new_requirement(rep, customer, title="大项目：生产数据实时同步ERP", importance=5, urgency=4,
                    customer_value=4, difficulty=5)  # fmt: skip
    login("wang", "wang-pass-123")
    page.goto(f"{page.base_url}/requirements/scoring/")
    first = page.locator("[data-testid=score-preview] tbody tr").first
    assert easy.number not in first.inner_text()

    page.fill("#id_importance", "0.10")
    page.fill("#id_urgency", "0.10")
    page.fill("#id_customer_value", "0.10")
    page.fill("#id_ease", "0.70")
    page.click("[data-testid=preview-scoring]")
    page.wait_for_function(
        "document.querySelector('[data-testid=score-preview] tbody tr')"
        f".textContent.includes('{easy.number}')"
    )
    screenshot("scoring-preview")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=save-scoring]")
    page.locator(".message-success").wait_for()
    # the worker re-scores the pool while the page follows its progress
    page.wait_for_selector("[data-testid=rescore-progress][data-state=done]", timeout=30_000)
    easy.refresh_from_db()
    assert str(easy.score) == "4.10"
    # then the preview shows the scores now in force
    page.wait_for_function(
        "document.querySelector('[data-testid=score-preview] tbody tr td.num:nth-of-type(4)')"
        ".textContent.trim() === '4.10'"
    )
    screenshot("scoring-saved")
