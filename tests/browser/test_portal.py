"""A customer opens the status link, sees the timeline, accepts the delivery and rates it."""

import pytest

from requirements import services
from requirements.models import Requirement
from tests.factories import CustomerFactory
from tests.requirements.helpers import move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_accepts_and_rates(page, screenshot, make_user) -> None:
    rep = make_user("sales_rep", username="li")
    admin = make_user("admin", username="boss")
    customer = CustomerFactory(owner=rep)
    req, code = services.requirement_create(
        actor=rep, customer=customer, title="报表支持Excel导出、自定义字段", channel="sales_visit"
    )
    services.requirement_note_add(
        actor=admin, requirement=req, text="方案已确认，预计两周交付", customer_visible=True
    )
    move(req, admin, "not_started", "in_progress", "testing", "awaiting_acceptance")

    page.goto(f"{page.base_url}/status/?number={req.number}&code={code}")
    assert page.get_by_text("方案已确认，预计两周交付").is_visible()
    assert page.locator(".timeline li").count() >= 5
    screenshot("status-awaiting")

    page.fill("#acceptance textarea[name=comment]", "验收通过")
    page.click("[data-testid=accept]")
    page.wait_for_selector("#feedback")
    assert Requirement.objects.get(pk=req.pk).status == "done"

    page.check("#feedback input[name=satisfaction][value='5']")
    page.fill("#feedback textarea[name=comment]", "响应及时")
    page.click("[data-testid=rate]")
    page.wait_for_selector("#feedback", state="detached")
    screenshot("status-done")
    req.refresh_from_db()
    assert (req.satisfaction, req.satisfaction_comment) == (5, "响应及时")


def test_a_wrong_code_shows_the_lookup_form(page, make_user) -> None:
    rep = make_user("sales_rep", username="li")
    req, _code = services.requirement_create(
        actor=rep, customer=CustomerFactory(owner=rep), title="甲", channel="api"
    )
    page.goto(f"{page.base_url}/status/")
    page.fill("input[name=number]", req.number)
    page.fill("input[name=code]", "WRONGCODE12")
    page.click("button[type=submit]")
    assert page.locator("[data-testid=not-found]").is_visible()
