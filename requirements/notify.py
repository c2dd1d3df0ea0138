"""E-mails about requirements, sent after the transaction commits (never for rolled-back work)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Requirement
from .public import customer_label


def _send(subject: str, template: str, context: dict[str, object], to: list[str]) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    body = render_to_string(template, context)
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
        )
    )


def requirement_staff(req: Requirement, *, accepted: bool, comment: str) -> None:
    """Tell the owner and followers that the customer accepted or sent back the delivery."""
    people = [req.owner, *req.followers.all()] if req.owner else list(req.followers.all())
    subject = (
        _("%(number)s accepted by the customer") if accepted
        else _("%(number)s sent back by the customer")
    ) % {"number": req.number}  # fmt: skip
    _send(
        subject,
        "requirements/email/acceptance.txt",
        {"req": req, "accepted": accepted, "comment": comment},
        [p.email for p in people if p and p.email],
    )


def customer_contact(req: Requirement, *, note: str = "") -> None:
    """Tell the customer's contact about a customer-visible change, when staff asked for it."""
    contact = req.contact if req.notify_contact else None
    if contact is None or not contact.work_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Update on your request %(number)s: %(status)s") % {
            "number": req.number,
            "status": customer_label(req.status),
        }
        _send(
            subject,
            "requirements/email/customer_update.txt",
            {"req": req, "status_label": customer_label(req.status), "note": note,
             "site_url": settings.SITE_URL},
            [contact.work_email],
        )  # fmt: skip
