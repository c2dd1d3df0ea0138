"""Writes for users and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import User
from .roles import Role

# Django model permissions each role's group carries (used by the admin site and by anyone
# checking `user.has_perm`); the behaviour of pages and the API follows roles.ACTIONS.
_VIEW = ["view_customer", "view_contact", "view_interaction"]
_WRITE = [
    "add_customer", "change_customer", "add_contact", "change_contact", "add_interaction",
    "add_missingdatanote", "change_missingdatanote", "view_missingdatanote",
]  # fmt: skip
GROUP_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADMIN: [],  # administrators are superusers
    Role.PRODUCT_MANAGER: _VIEW + _WRITE,
    Role.SALES_REP: _VIEW + _WRITE,
    Role.CUSTOMER_SUCCESS: _VIEW + _WRITE,
    Role.DELIVERY: _VIEW,
    Role.REVIEWER: _VIEW,
    Role.MANAGER: _VIEW + _WRITE,
    Role.INTEGRATION: _VIEW + _WRITE,
}


@transaction.atomic
def roles_sync_groups() -> None:
    """Create one group per role with its model permissions; safe to run any number of times."""
    for role, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


@transaction.atomic
def user_save(
    *,
    username: str,
    role: Role | str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create or update a user with one role; the role's group is the user's only group.

    Administrators get the admin site (staff + superuser); nobody else does.
    """
    role = Role(role)
    user, _ = User.objects.select_for_update().get_or_create(username=username)
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if email:
        user.email = email
    if first_name or last_name:
        user.first_name, user.last_name = first_name, last_name
    if password:
        user.set_password(password)
    elif not user.has_usable_password() and not user.password:
        user.set_unusable_password()
    user.save()
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.set([group])
    return user
