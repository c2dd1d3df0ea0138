"""The customer API as API.md describes it."""

import uuid

import pytest
from django.urls import reverse

from customers.models import Contact, Customer, Interaction
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


def test_create_needs_only_a_name_and_defaults_the_owner(users, api_client_for) -> None:
    res = api_client_for(users["sales_rep"]).post(LIST, {"name": "A科技公司"}, format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["code"].startswith("C") and len(body["code"]) == 8
    assert body["owner"] == "sales_rep"
    assert body["lifecycle"] == "potential" and body["value_tier"] == "medium"
    assert body["version"] == 1


def test_get_and_patch_by_code(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], name="B制造企业")
    client = api_client_for(users["sales_rep"])
    assert client.get(f"{LIST}{customer.code}/").json()["name"] == "B制造企业"
    res = client.patch(
        f"{LIST}{customer.code}/",
        {"lifecycle": "churn_risk", "satisfaction": 2, "version": 1},
        format="json",
    )
    assert res.status_code == 200, res.json()
    assert (res.json()["lifecycle"], res.json()["version"]) == ("churn_risk", 2)


def test_patch_with_a_stale_version_is_409_and_changes_nothing(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], region="苏州")
    client = api_client_for(users["sales_rep"])
    client.patch(f"{LIST}{customer.code}/", {"region": "上海", "version": 1}, format="json")
    res = client.patch(f"{LIST}{customer.code}/", {"region": "北京", "version": 1}, format="json")
    assert res.status_code == 409
    assert "version" in res.json()
    customer.refresh_from_db()
    assert customer.region == "上海"


def test_a_sales_rep_sees_only_their_customers(users, api_client_for) -> None:
    mine = CustomerFactory(owner=users["sales_rep"])
    theirs = CustomerFactory(owner=users["sales_rep_2"])
    client = api_client_for(users["sales_rep"])
    codes = [c["code"] for c in client.get(LIST).json()["results"]]
    assert codes == [mine.code]
    missing = client.get(f"{LIST}{theirs.code}/")
    unknown = client.get(f"{LIST}C1999999/")
    assert missing.status_code == unknown.status_code == 404
    assert missing.json() == unknown.json()


def test_financial_figures_are_hidden_from_roles_that_do_not_need_them(
    users, api_client_for
) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], purchase_amount_6m=150000)
    seen = api_client_for(users["manager"]).get(f"{LIST}{customer.code}/").json()
    hidden = api_client_for(users["customer_success"]).get(f"{LIST}{customer.code}/").json()
    assert seen["purchase_amount_6m"] == "150000.00"
    assert "purchase_amount_6m" not in hidden and "revenue_band" not in hidden


def test_filters_and_ordering(users, api_client_for) -> None:
    CustomerFactory(owner=users["manager"], name="星辰网络", industry="internet")
    CustomerFactory(owner=users["manager"], name="华东精密", industry="manufacturing")
    client = api_client_for(users["manager"])
    res = client.get(LIST, {"industry": "internet"}).json()
    assert [c["name"] for c in res["results"]] == ["星辰网络"]
    assert [c["name"] for c in client.get(LIST, {"q": "精密"}).json()["results"]] == ["华东精密"]
    names = [c["name"] for c in client.get(LIST, {"ordering": "name"}).json()["results"]]
    assert names == sorted(names)


def test_page_size_is_capped_at_200(users, api_client_for) -> None:
    CustomerFactory.create_batch(3, owner=users["manager"])
    res = api_client_for(users["manager"]).get(LIST, {"page_size": 1})
    assert len(res.json()["results"]) == 1 and res.json()["next"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "甲", "lifecycle": "sleeping"}, "lifecycle"),
        ({"name": "甲", "satisfaction": "very"}, "satisfaction"),
        ({"name": "甲", "satisfaction": 6}, "satisfaction"),
        ({"name": "甲", "owner": "nobody"}, "owner"),
        ({"name": "甲", "notes": "身份证 11010519491231002X"}, "notes"),
        ({"name": "甲", "founded": "1990-01-01"}, "founded"),
        ({"name": ["a", "b"]}, "name"),
        ({"name": "甲\x00乙"}, "name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(users, api_client_for, payload, field) -> None:
    res = api_client_for(users["sales_rep"]).post(LIST, payload, format="json")
    assert res.status_code == 400
    assert field in res.json()
    assert not Customer.objects.exists()


def test_a_10mb_string_is_refused_without_a_500(users, api_client_for) -> None:
    res = api_client_for(users["sales_rep"]).post(
        LIST, {"name": "甲", "notes": "x" * 10_000_000}, format="json"
    )
    assert res.status_code in (400, 413)
    assert not Customer.objects.exists()


def test_malformed_json_is_a_400(users, api_client_for) -> None:
    res = api_client_for(users["sales_rep"]).post(
        LIST, data="{not json", content_type="application/json"
    )
    assert res.status_code == 400


def test_html_in_text_is_stored_as_text_and_returned_verbatim(users, api_client_for) -> None:
    client = api_client_for(users["sales_rep"])
    res = client.post(LIST, {"name": "<script>alert(1)</script>"}, format="json")
    assert res.status_code == 201
    assert res.json()["name"] == "<script>alert(1)</script>"


def test_idempotency_key_returns_the_first_response_and_creates_once(users, api_client_for) -> None:
    client = api_client_for(users["sales_rep"])
    key = str(uuid.uuid4())
    first = client.post(LIST, {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(LIST, {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Customer.objects.count() == 1


def test_an_idempotency_key_is_per_user(users, api_client_for) -> None:
    key = str(uuid.uuid4())
    api_client_for(users["sales_rep"]).post(LIST, {"name": "甲"}, HTTP_IDEMPOTENCY_KEY=key)
    api_client_for(users["sales_rep_2"]).post(LIST, {"name": "乙"}, HTTP_IDEMPOTENCY_KEY=key)
    assert Customer.objects.count() == 2


def test_contacts_are_listed_and_created_under_the_customer(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    ContactFactory(customer=customer, name="张伟")
    client = api_client_for(users["sales_rep"])
    url = f"{LIST}{customer.code}/contacts/"
    assert [c["name"] for c in client.get(url).json()["results"]] == ["张伟"]
    res = client.post(
        url,
        {"name": "王刚", "work_phone": "0512-6551 0000", "decision_role": "decision_maker"},
        format="json",
    )
    assert res.status_code == 201, res.json()
    assert customer.contacts.count() == 2


def test_a_contact_with_a_personal_mailbox_is_refused(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    res = api_client_for(users["sales_rep"]).post(
        f"{LIST}{customer.code}/contacts/", {"name": "王", "work_email": "wang@qq.com"}
    )
    assert res.status_code == 400
    assert "work_email" in res.json()
    assert not Contact.objects.exists()


def test_interactions_by_customer_code(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    client = api_client_for(users["sales_rep"])
    res = client.post(
        "/api/v1/interactions/",
        {
            "customer": customer.code,
            "occurred_at": "2026-01-05T10:00:00+08:00",
            "method": "visit",
            "summary": "拜访",
            "mood": "satisfied",
        },
        format="json",
    )
    assert res.status_code == 201, res.json()
    assert res.json()["is_late"] is True
    listed = client.get("/api/v1/interactions/", {"customer": customer.code}).json()
    assert [i["customer"] for i in listed["results"]] == [customer.code]


def test_an_interaction_for_someone_elses_customer_is_a_field_error(users, api_client_for) -> None:
    customer = CustomerFactory(owner=users["sales_rep_2"])
    res = api_client_for(users["sales_rep"]).post(
        "/api/v1/interactions/",
        {"customer": customer.code, "occurred_at": "2026-01-05T10:00:00Z", "method": "visit",
         "summary": "x"},
    )  # fmt: skip
    assert res.status_code == 400
    assert "customer" in res.json()
    assert not Interaction.objects.exists()


def test_no_token_is_a_401(db) -> None:
    from rest_framework.test import APIClient

    assert APIClient().get(LIST).status_code == 401


def test_the_openapi_schema_and_offline_docs_are_served(users, client) -> None:
    client.force_login(users["admin"])
    schema = client.get(reverse("schema"))
    assert schema.status_code == 200
    assert b"/api/v1/customers/{code}/" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
