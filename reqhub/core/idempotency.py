"""`Idempotency-Key` on API POSTs: a repeat with the same key returns the first response."""

import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .exceptions import DomainError
from .models import IdempotencyKey
from .types import AuthedRequest

HEADER = "Idempotency-Key"


def idempotent(request: AuthedRequest, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` once per (user, key); later calls get the stored response back.

    The key row is inserted in the same transaction as the handler's writes: a concurrent
    repeat waits on the unique index until the first commits, then replays its answer. A handler
    that raises rolls the key back with everything else, so a corrected retry can use it again.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return handler()
    if len(key) > 100:
        raise DomainError(_("Idempotency-Key must be at most 100 characters."), field=HEADER)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user, key=key, method=request.method or "", path=request.path
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=request.user, key=key)
            if record.path != request.path or record.method != request.method:
                raise DomainError(
                    _("This Idempotency-Key was already used for a different request."),
                    field=HEADER,
                ) from None
            return Response(record.response_body, status=record.response_status)
        response = handler()
        record.response_status = response.status_code
        record.response_body = _jsonable(response.data)
        record.save(update_fields=["response_status", "response_body"])
        return response


def _jsonable(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data)) if data is not None else None
