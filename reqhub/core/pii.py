"""Personal-data guard: the one place that decides what looks like personal data.

Forms, serializers and imports all go through the model-field validators defined here, so a
value is refused the same way wherever it comes from. Refused: Chinese resident ID numbers
(GB 11643 checksum) and bank card numbers (Luhn, 16-19 digits) in any free text; personal mobile
numbers and personal mail boxes in contact fields.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
# 16-19 digits, optionally grouped by single spaces or hyphens ("6222 0212 3456 7890").
_CARD_RE = re.compile(r"(?<![\d-])(\d(?:[ -]?\d){15,18})(?![\d])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d){8})(?!\d)")

PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com",
        "sina.com", "sina.cn", "sohu.com", "139.com", "189.cn", "wo.cn", "aliyun.com",
        "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
        "yahoo.com", "yahoo.com.cn", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "mail.com", "gmx.com", "yandex.com", "aol.com",
    }
)  # fmt: skip


def is_resident_id(candidate: str) -> bool:
    """True for an 18-character number with a valid GB 11643 check character and birth date."""
    if not re.fullmatch(r"\d{17}[\dXx]", candidate):
        return False
    total = sum(int(d) * w for d, w in zip(candidate[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != candidate[17].upper():
        return False
    try:
        born = date(int(candidate[6:10]), int(candidate[10:12]), int(candidate[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def is_bank_card(candidate: str) -> bool:
    """True for 16-19 digits that pass the Luhn check."""
    digits = re.sub(r"[ -]", "", candidate)
    if not (16 <= len(digits) <= 19 and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data found in free text: ``resident_id``, ``bank_card``."""
    found = []
    ids = {m for m in _ID_RE.findall(text) if is_resident_id(m)}
    if ids:
        found.append("resident_id")
    # An 18-digit ID can pass the Luhn check too; it is reported once, as an ID.
    if any(is_bank_card(m) and m not in ids for m in _CARD_RE.findall(text)):
        found.append("bank_card")
    return found


def is_personal_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.search(value))


def is_personal_mailbox(value: str) -> bool:
    domain = value.rsplit("@", 1)[-1].strip().lower() if "@" in value else ""
    return domain in PERSONAL_MAIL_DOMAINS


_MESSAGES = {
    "resident_id": _(
        "This text contains what looks like a resident ID card number. ReqHub must not store "
        "ID numbers; remove it."
    ),
    "bank_card": _(
        "This text contains what looks like a bank card number. ReqHub must not store card "
        "numbers; remove it."
    ),
}


def validate_no_personal_data(value: object) -> None:
    """Field validator for every free-text field."""
    if not isinstance(value, str) or not value:
        return
    for kind in find_personal_data(value):
        raise ValidationError(_MESSAGES[kind], code=f"pii_{kind}")


def validate_work_phone(value: object) -> None:
    """Field validator for contact phone numbers: a landline or switchboard, not a mobile."""
    if not isinstance(value, str) or not value:
        return
    if is_personal_mobile(value):
        raise ValidationError(
            _(
                "This looks like a personal mobile number. Record the contact's work phone "
                "(landline or switchboard with extension) instead."
            ),
            code="pii_mobile",
        )
    if not re.fullmatch(r"[0-9+()\- ]{3,32}(?:\s*(?:ext\.?|x|转|分机)\s*\d{1,6})?", value.strip()):
        raise ValidationError(
            _("Enter a phone number made of digits, spaces, +, - and brackets."),
            code="invalid_phone",
        )
    validate_no_personal_data(value)


def validate_work_email(value: object) -> None:
    """Field validator for contact e-mail: a company address, not a personal mail box."""
    if isinstance(value, str) and is_personal_mailbox(value):
        raise ValidationError(
            _(
                "This is a personal mail box (%(domain)s). Record the contact's work e-mail "
                "at the company's own domain instead."
            )
            % {"domain": value.rsplit("@", 1)[-1].lower()},
            code="pii_mailbox",
        )
