"""Customer services: codes, ownership, versions, interactions, missing-data notes."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from customers import services
from customers.models import Customer, MissingDataNote
from reqhub.core.exceptions import StaleVersionError
from reqhub.core.sequences import current_year
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_codes_are_c_year_and_a_three_digit_sequence(users) -> None:
    first = services.customer_create(actor=users["sales_rep"], name="甲公司")
    second = services.customer_create(actor=users["sales_rep"], name="乙公司")
    year = current_year()
    assert (first.code, second.code) == (f"C{year}001", f"C{year}002")


def test_the_sequence_grows_past_three_digits(users) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO core_counter (key, value) VALUES (%s, 999)", [f"customer:{current_year()}"]
        )
    customer = services.customer_create(actor=users["sales_rep"], name="千号公司")
    assert customer.code == f"C{current_year()}1000"


def test_each_year_has_its_own_sequence(users) -> None:
    old = services.customer_create(actor=users["admin"], name="旧客户", year=2024)
    assert old.code == "C2024001"
    assert services.customer_create(actor=users["admin"], name="新客户").code.endswith("001")


def test_a_failed_create_hands_its_number_back(users) -> None:
    with pytest.raises(ValidationError):
        services.customer_create(actor=users["sales_rep"], name="")
    assert services.customer_create(actor=users["sales_rep"], name="丙").code.endswith("001")


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_distinct_codes(users) -> None:
    actor = users["sales_rep"]

    def create(i: int) -> str:
        try:
            return services.customer_create(actor=actor, name=f"并发客户{i}").code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(create, range(40)))
    assert len(set(codes)) == 40
    assert Customer.objects.count() == 40


def test_owner_defaults_to_the_creator(users) -> None:
    customer = services.customer_create(actor=users["sales_rep"], name="甲")
    assert customer.owner == users["sales_rep"]


def test_a_sales_rep_cannot_create_for_another_rep(users) -> None:
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=users["sales_rep"], owner=users["sales_rep_2"], name="甲")
    assert "owner" in exc.value.error_dict


def test_a_manager_can_assign_an_owner(users) -> None:
    customer = services.customer_create(actor=users["manager"], owner=users["sales_rep"], name="甲")
    assert customer.owner == users["sales_rep"]


@pytest.mark.parametrize("role", ["delivery", "reviewer"])
def test_roles_without_create_are_refused(users, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.customer_create(actor=users[role], name="甲")


def test_a_role_that_cannot_see_financials_cannot_set_them(users) -> None:
    with pytest.raises(PermissionDenied):
        services.customer_create(actor=users["customer_success"], name="甲", purchase_amount_6m=1)


def test_update_bumps_the_version_and_saves_only_changes(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    updated = services.customer_update(
        actor=users["sales_rep"], customer=customer, version=1, region="上海"
    )
    assert (updated.region, updated.version) == ("上海", 2)
    same = services.customer_update(actor=users["sales_rep"], customer=customer, region="上海")
    assert same.version == 2


def test_a_stale_version_changes_nothing(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    services.customer_update(actor=users["sales_rep"], customer=customer, version=1, region="上海")
    with pytest.raises(StaleVersionError):
        services.customer_update(
            actor=users["sales_rep"], customer=customer, version=1, region="北京"
        )
    customer.refresh_from_db()
    assert (customer.region, customer.version) == ("上海", 2)


def test_a_sales_rep_cannot_edit_someone_elses_customer(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep_2"])
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=users["sales_rep"], customer=customer, region="上海")


def test_invalid_update_saves_nothing(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"], region="苏州")
    with pytest.raises(ValidationError) as exc:
        services.customer_update(
            actor=users["sales_rep"], customer=customer, region="上海", satisfaction=9
        )
    assert "satisfaction" in exc.value.error_dict
    customer.refresh_from_db()
    assert (customer.region, customer.satisfaction, customer.version) == ("苏州", None, 1)


def test_an_interaction_logged_within_24_hours_is_on_time(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    interaction = services.interaction_create(
        actor=users["sales_rep"], customer=customer, method="visit", summary="拜访",
        occurred_at=timezone.now() - timedelta(hours=23),
    )  # fmt: skip
    assert not interaction.is_late


def test_an_interaction_logged_after_24_hours_is_flagged_late(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    interaction = services.interaction_create(
        actor=users["sales_rep"], customer=customer, method="visit", summary="拜访",
        occurred_at=timezone.now() - timedelta(hours=25),
    )  # fmt: skip
    assert interaction.is_late


def test_an_interaction_in_the_future_is_refused(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    with pytest.raises(ValidationError) as exc:
        services.interaction_create(
            actor=users["sales_rep"], customer=customer, method="visit", summary="拜访",
            occurred_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
    assert "occurred_at" in exc.value.error_dict


def test_one_open_missing_data_note_per_field(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    note = services.missing_data_note_create(
        actor=users["sales_rep"], customer=customer, field="revenue_band", reason="客户未披露"
    )
    with pytest.raises(ValidationError):
        services.missing_data_note_create(
            actor=users["sales_rep"], customer=customer, field="revenue_band", reason="再记一次"
        )
    services.missing_data_note_resolve(actor=users["sales_rep"], note=note)
    services.missing_data_note_create(
        actor=users["sales_rep"], customer=customer, field="revenue_band", reason="又缺了"
    )
    assert MissingDataNote.objects.filter(customer=customer).count() == 2


def test_a_missing_data_note_needs_a_known_field(users) -> None:
    customer = CustomerFactory(owner=users["sales_rep"])
    with pytest.raises(ValidationError) as exc:
        services.missing_data_note_create(
            actor=users["sales_rep"], customer=customer, field="password", reason="x"
        )
    assert "field" in exc.value.error_dict
