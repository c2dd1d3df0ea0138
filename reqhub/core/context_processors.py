"""What every page's layout needs: the navigation for the user's role."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reqhub.accounts.permissions import has_scope
from reqhub.accounts.roles import Scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items = []
    if has_scope(user, "customer.view") != Scope.NONE:
        items.append({"label": _("Customers"), "url": reverse("customers:list")})
    for item in items:
        item["active"] = request.path.startswith(str(item["url"]))
    return {"nav_items": items}
