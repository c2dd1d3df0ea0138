"""Policy functions shared by pages and the API: may this user do this to this object?"""

from typing import Any

from rest_framework.permissions import BasePermission

from .roles import Scope, scope_of


def has_scope(user: Any, action: str) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    if user.is_superuser:
        return Scope.ALL
    return scope_of(user.role, action)


ANY_OBJECT: Any = object()


def can(user: Any, action: str, *, owner_id: Any = ANY_OBJECT) -> bool:
    """True when ``user`` may do ``action``.

    ``owner_id`` is the object's owner for OWN scopes (None: an object nobody owns, which an OWN
    scope does not reach); leave it out to ask whether the role may do this to any object.
    """
    scope = has_scope(user, action)
    if scope == Scope.ALL:
        return True
    if scope == Scope.OWN:
        return owner_id is ANY_OBJECT or (owner_id is not None and owner_id == user.pk)
    return False


def action_permission(action: str) -> type[BasePermission]:
    """A DRF permission class that requires ``action`` (object checks stay in the selectors)."""

    class _ActionPermission(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            return has_scope(request.user, action) != Scope.NONE

    _ActionPermission.__name__ = f"Can_{action.replace('.', '_')}"
    return _ActionPermission
