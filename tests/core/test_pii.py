"""The personal-data guard: what it refuses, what it lets through, and that nothing is saved."""

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Contact, Customer
from reqhub.core import pii

pytestmark = pytest.mark.django_db

VALID_IDS = ["11010519491231002X", "440524198001010013", "110101199003074477"]
INVALID_IDS = [
    "110105194912310021",
    "440524188001010015",
    "11010519491332002X",
    "12345678901234567",
]
VALID_CARDS = ["6222021234567890128", "4111111111111111", "6222 0212 3456 7890 128"]
INVALID_CARDS = ["6222021234567890123", "4111111111111112", "411111111111111"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_resident_ids_are_recognised(number: str) -> None:
    assert pii.is_resident_id(number)
    assert pii.find_personal_data(f"客户身份证号{number}，请核对") == ["resident_id"]


@pytest.mark.parametrize("number", INVALID_IDS)
def test_numbers_failing_the_gb11643_checksum_or_date_are_not_ids(number: str) -> None:
    assert not pii.is_resident_id(number)


@pytest.mark.parametrize("number", VALID_CARDS)
def test_luhn_valid_card_numbers_are_recognised(number: str) -> None:
    assert pii.is_bank_card(number)
    assert "bank_card" in pii.find_personal_data(f"付款卡号 {number} 已确认")


@pytest.mark.parametrize("number", INVALID_CARDS)
def test_luhn_invalid_or_short_numbers_are_not_cards(number: str) -> None:
    assert not pii.is_bank_card(number)
    assert pii.find_personal_data(number) == []


def test_ordinary_business_text_passes() -> None:
    text = "订单号 2024031500012，金额 150000 元，电话 021-6888 1234，版本 3.2.1"
    assert pii.find_personal_data(text) == []


@pytest.mark.parametrize(
    "phone", ["13812345678", "+86 138 1234 5678", "86-139-1234-5678", "手机 15900001111"]
)
def test_personal_mobiles_are_refused_as_work_phone(phone: str) -> None:
    with pytest.raises(ValidationError) as exc:
        pii.validate_work_phone(phone)
    assert exc.value.code == "pii_mobile"


@pytest.mark.parametrize(
    "phone", ["021-6888 1234", "0512-6551 0000 转 8012", "400-800-1234", "(010) 8888 6666"]
)
def test_landlines_and_switchboards_are_work_phones(phone: str) -> None:
    pii.validate_work_phone(phone)


@pytest.mark.parametrize(
    "email", ["a@qq.com", "b@163.com", "c@126.com", "d@Gmail.com", "e@foxmail.com"]
)
def test_personal_mailboxes_are_refused(email: str) -> None:
    with pytest.raises(ValidationError) as exc:
        pii.validate_work_email(email)
    assert exc.value.code == "pii_mailbox"


def test_company_mail_passes() -> None:
    pii.validate_work_email("zhang@a-tech.com.cn")


def test_customer_with_an_id_number_in_notes_is_refused_and_not_saved(users) -> None:
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            actor=users["sales_rep"], name="某公司", notes=f"法人身份证 {VALID_IDS[0]}"
        )
    assert "notes" in exc.value.error_dict
    assert not Customer.objects.exists()


def test_contact_with_a_mobile_is_refused_naming_the_field(users) -> None:
    customer = services.customer_create(actor=users["sales_rep"], name="某公司")
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            actor=users["sales_rep"], customer=customer, name="王", work_phone="13812345678"
        )
    assert list(exc.value.error_dict) == ["work_phone"]
    assert not Contact.objects.exists()
