"""Customer pages: list (query count, filters, scope), create with a contact, edit, errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Contact, Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _list_queries(client, n: int, owner) -> int:
    Customer.objects.all().delete()
    CustomerFactory.create_batch(n, owner=owner)
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(reverse("customers:list"))
    assert res.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_page_costs_the_same_queries_at_10_and_at_many_customers(users, client) -> None:
    client.force_login(users["manager"])
    small = _list_queries(client, 10, users["sales_rep"])
    large = _list_queries(client, 260, users["sales_rep"])
    assert small == large
    assert large <= 6


def test_the_list_shows_50_a_page_with_pagination(users, client) -> None:
    CustomerFactory.create_batch(55, owner=users["sales_rep"])
    client.force_login(users["sales_rep"])
    res = client.get(reverse("customers:list"))
    assert len(res.context["page"].object_list) == 50
    assert res.context["page"].paginator.count == 55


def test_a_sales_rep_lists_only_their_customers(users, client) -> None:
    CustomerFactory(owner=users["sales_rep"], name="我的客户")
    CustomerFactory(owner=users["sales_rep_2"], name="别人的客户")
    client.force_login(users["sales_rep"])
    body = client.get(reverse("customers:list")).content.decode()
    assert "我的客户" in body and "别人的客户" not in body


def test_search_finds_chinese_names(users, client) -> None:
    CustomerFactory(owner=users["manager"], name="华东精密制造股份有限公司")
    CustomerFactory(owner=users["manager"], name="优品连锁超市")
    client.force_login(users["manager"])
    body = client.get(reverse("customers:list"), {"q": "精密"}).content.decode()
    assert "华东精密" in body and "优品连锁" not in body


def test_an_empty_list_invites_the_first_customer(users, client) -> None:
    client.force_login(users["sales_rep"])
    res = client.get(reverse("customers:list"))
    assert reverse("customers:create") in res.content.decode()
    assert not res.context["page"].object_list


def test_create_with_a_first_contact(users, client) -> None:
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("customers:create"),
        {
            "name": "A科技公司", "industry": "internet", "lifecycle": "potential",
            "value_tier": "high", "contact-name": "张伟", "contact-position": "采购总监",
            "contact-work_phone": "021-6888 1234", "contact-decision_role": "decision_maker",
        },
    )  # fmt: skip
    customer = Customer.objects.get()
    assert res.status_code == 302
    assert res["Location"] == reverse("customers:detail", args=[customer.code])
    assert customer.contacts.get().name == "张伟"
    assert customer.owner == users["sales_rep"]


def test_a_bad_contact_saves_neither_customer_nor_contact(users, client) -> None:
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("customers:create"),
        {"name": "A科技公司", "lifecycle": "potential", "value_tier": "high",
         "contact-name": "张伟", "contact-work_phone": "13812345678",
         "contact-decision_role": "user"},
    )  # fmt: skip
    assert res.status_code == 200
    assert "work_phone" in res.context["contact_form"].errors
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_edit_with_a_stale_version_shows_the_conflict(users, client) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], region="苏州")
    client.force_login(users["sales_rep"])
    url = reverse("customers:edit", args=[customer.code])
    form = {"name": customer.name, "lifecycle": "active", "value_tier": "medium"}
    assert client.post(url, {**form, "region": "上海", "version": 1}).status_code == 302
    res = client.post(url, {**form, "region": "北京", "version": 1})
    assert res.status_code == 200
    assert res.context["form"].non_field_errors()
    customer.refresh_from_db()
    assert customer.region == "上海"


def test_someone_elses_customer_is_a_404(users, client) -> None:
    customer = CustomerFactory(owner=users["sales_rep_2"])
    client.force_login(users["sales_rep"])
    assert client.get(reverse("customers:detail", args=[customer.code])).status_code == 404
    assert client.get(reverse("customers:edit", args=[customer.code])).status_code == 404


def test_delivery_cannot_open_the_create_page(users, client) -> None:
    client.force_login(users["delivery"])
    assert client.get(reverse("customers:create")).status_code == 403


def test_the_detail_page_escapes_html(users, client) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], name="<script>alert(1)</script>")
    client.force_login(users["sales_rep"])
    body = client.get(reverse("customers:detail", args=[customer.code])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_pages_are_chinese_by_default_and_english_on_request(users, client) -> None:
    client.force_login(users["sales_rep"])
    assert "客户" in client.get(reverse("customers:list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "New customer" in client.get(reverse("customers:list")).content.decode()


def test_logging_a_late_interaction_warns(users, client) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    client.force_login(users["sales_rep"])
    res = client.post(
        reverse("customers:interaction-create", args=[customer.code]),
        {"occurred_at": "2025-01-05T10:00", "method": "visit", "summary": "拜访",
         "mood": "neutral"},
        follow=True,
    )  # fmt: skip
    assert customer.interactions.get().is_late
    assert any(m.level_tag == "warning" for m in res.context["messages"])
