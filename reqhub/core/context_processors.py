"""What every page's layout needs: the navigation for the user's role."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items = []
    if has_scope(user, "customer.view") != Scope.NONE:
        items.append({"label": _("Customers"), "url": reverse("customers:list")})
    if has_scope(user, "requirement.view") != Scope.NONE:
        items.append({"label": _("Requirements"), "url": reverse("requirements:pool")})
    if can(user, "scoring.manage"):
        items.append({"label": _("Scoring model"), "url": reverse("requirements:scoring")})
    # The longest matching prefix wins: /requirements/scoring/ is "Scoring model", not the pool.
    matches = [item for item in items if request.path.startswith(str(item["url"]))]
    current = max(matches, key=lambda item: len(str(item["url"])), default=None)
    for item in items:
        item["active"] = item is current
    return {"nav_items": items}
