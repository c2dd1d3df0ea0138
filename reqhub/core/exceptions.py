"""Domain errors and the one place that turns them (and validation errors) into API answers."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule refused the request; ``code`` picks the HTTP status in the API."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "detail": [str(self.message)]}


class ConflictError(DomainError):
    """A refused state change or a stale version: nothing was changed."""

    status_code = status.HTTP_409_CONFLICT


class StaleVersionError(ConflictError):
    def __init__(self, current: int) -> None:
        super().__init__(
            _(
                "Someone else changed this record in the meantime (version is now %(v)s). "
                "Reload it and apply your change again."
            )
            % {"v": current},
            field="version",
        )
        self.current = current


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: Any = exc.as_dict()
        if exc.field is None:
            body = {"detail": str(exc.message)}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return exception_handler(exc, context)
