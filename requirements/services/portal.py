"""The customer's own moves from the public status page: accept, send back, rate."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.core.exceptions import ConflictError

from .. import notify
from ..models import HistoryKind, Requirement
from ..public import customer_label
from ..workflow import Status
from .common import lock, record
from .workflow import requirement_transition

MAX_COMMENT = 2_000


def _comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": _("Tell us what is still missing.")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("At most %(n)s characters.") % {"n": MAX_COMMENT}})
    if "\x00" in comment:
        raise ValidationError({"comment": _("The comment contains invalid characters.")})
    return comment


@transaction.atomic
def portal_acceptance(*, requirement: Requirement, accept: bool, comment: str = "") -> Requirement:
    """The customer accepts the delivery (done) or sends it back with a comment (in progress).

    Refused (409) unless the requirement awaits acceptance. The owner and followers are told.
    """
    comment = _comment(comment, required=not accept)
    req = lock(requirement)
    if req.status != Status.AWAITING_ACCEPTANCE:
        raise ConflictError(
            _("This request is not waiting for your acceptance (it is “%(s)s”).")
            % {"s": customer_label(req.status)}
        )
    target = Status.DONE if accept else Status.IN_PROGRESS
    req = requirement_transition(
        actor=None, requirement=req, to=target, reason=comment or _("Accepted by the customer.")
    )
    notify.requirement_staff(req, accepted=accept, comment=comment)
    return req


@transaction.atomic
def portal_feedback(
    *, requirement: Requirement, satisfaction: int, comment: str = ""
) -> Requirement:
    """The customer rates a done requirement once (1-5, with an optional comment)."""
    comment = _comment(comment, required=False)
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Choose a rating from 1 to 5.")})
    req = lock(requirement)
    if req.status != Status.DONE:
        raise ConflictError(_("You can rate a request once it is done."))
    if req.satisfaction is not None:
        raise ConflictError(_("You have already rated this request. Thank you!"))
    req.satisfaction, req.satisfaction_comment = satisfaction, comment
    req.feedback_at = timezone.now()
    req.save(update_fields=["satisfaction", "satisfaction_comment", "feedback_at", "updated_at"])
    record(
        req, by=None, kind=HistoryKind.FEEDBACK, field="satisfaction", new=satisfaction,
        reason=comment,
    )  # fmt: skip
    return req
