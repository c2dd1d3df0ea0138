"""A sales rep logs in, creates a customer with a contact and finds it in the list."""

import pytest

from customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_rep_creates_a_customer_with_a_contact(page, login, screenshot, make_user) -> None:
    make_user("sales_rep", username="li", first_name="李明", password="li-pass-123")
    login("li", "li-pass-123")
    page.get_by_role("button", name="新建客户").click()
    page.fill("#id_name", "A科技公司")
    page.select_option("#id_industry", "internet")
    page.fill("#id_region", "上海")
    page.fill("#id_contact-name", "张伟")
    page.fill("#id_contact-position", "采购总监")
    page.fill("#id_contact-work_phone", "021-6888 1234")
    page.fill("#id_contact-work_email", "zhangwei@a-tech.example.cn")
    screenshot("customer-form")
    page.get_by_role("button", name="保存").click()

    code = Customer.objects.get(name="A科技公司").code
    page.wait_for_url(f"**/customers/{code}/")
    assert page.locator("#contacts").get_by_text("张伟").is_visible()
    screenshot("customer-detail")

    page.get_by_role("link", name="客户", exact=True).first.click()
    row = page.locator("#customer-table tbody tr", has_text="A科技公司")
    assert row.count() == 1
    assert code in row.inner_text()
    screenshot("customer-list")


def test_a_personal_mobile_is_refused_on_the_page(page, login, make_user) -> None:
    make_user("sales_rep", username="li", password="li-pass-123")
    login("li", "li-pass-123")
    page.goto(f"{page.base_url}/customers/new/")
    page.fill("#id_name", "B制造企业")
    page.fill("#id_contact-name", "王刚")
    page.fill("#id_contact-work_phone", "13812345678")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("个人手机号").is_visible()
    assert not Customer.objects.exists()
