"""The reminder bell in the top bar: the signed-in user's unread count."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import cached_property

from . import selectors


class _Bell:
    """Counts on first use only, so templates that show no bell (htmx fragments) cost nothing."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @cached_property
    def unread(self) -> int:
        return selectors.reminder_unread_count(self._user)


def reminders(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"reminder_bell": _Bell(user)}
