"""Customer pages: thin views over the selectors and services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope
from reqhub.core.exceptions import DomainError
from reqhub.core.forms import add_service_errors
from reqhub.core.types import AuthedHttpRequest
from requirements.selectors import requirement_for_customer

from . import selectors, services
from .filters import CustomerFilterSet
from .forms import ContactForm, CustomerForm, FirstContactForm, InteractionForm, MissingDataNoteForm

PAGE_SIZE = 50
SORTS = {
    "code": "code", "-code": "-code", "name": "name", "-name": "-name",
    "updated": "updated_at", "-updated": "-updated_at", "created": "created_at",
    "-created": "-created_at",
}  # fmt: skip


def _require(request: AuthedHttpRequest, action: str, owner_id: int | None = None) -> None:
    if not can(request.user, action, owner_id=owner_id):
        raise PermissionDenied


@login_required
def customer_list(request: AuthedHttpRequest) -> HttpResponse:
    if has_scope(request.user, "customer.view") == Scope.NONE:
        raise PermissionDenied
    filterset = CustomerFilterSet(request.GET, queryset=selectors.customer_visible(request.user))
    sort = request.GET.get("sort", "-created")
    qs = filterset.qs.order_by(SORTS.get(sort, "-created_at"), "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": filterset,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "unsorted_query": unsorted.urlencode(),
            "show_financials": selectors.can_see_financials(request.user),
            "can_create": can(request.user, "customer.create"),
        },
    )


@login_required
def customer_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    customer = selectors.customer_get(request.user, code)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "contacts": customer.contacts.all(),
            "interactions": customer.interactions.select_related("logged_by")[:20],
            "missing": customer.missing_data.select_related("supplier").filter(resolved=False),
            "show_financials": selectors.can_see_financials(request.user, customer),
            "can_edit": can(request.user, "customer.edit", owner_id=customer.owner_id),
            "can_log": can(request.user, "interaction.create", owner_id=customer.owner_id),
            "requirements": requirement_for_customer(request.user, customer, limit=20),
            "can_log_requirement": can(
                request.user, "requirement.create", owner_id=customer.owner_id
            ),
        },
    )


@login_required
def customer_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(request, "customer.create")
    form = CustomerForm(request.POST or None, user=request.user)
    contact_form = FirstContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and contact_form.is_valid():
        try:
            with transaction.atomic():
                data = dict(form.cleaned_data)
                customer = services.customer_create(actor=request.user, **data)
                if contact_form.has_contact():
                    services.contact_create(
                        actor=request.user, customer=customer, **contact_form.cleaned_data
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Customer %(code)s created.") % {"code": customer.code})
            return redirect("customers:detail", code=customer.code)
    return render(
        request, "customers/customer_form.html", {"form": form, "contact_form": contact_form}
    )


@login_required
def customer_edit(request: AuthedHttpRequest, code: str) -> HttpResponse:
    customer = selectors.customer_get(request.user, code)
    _require(request, "customer.edit", customer.owner_id)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if request.method == "POST":
        # The form edits a copy; the service re-reads the row under lock and checks the version.
        version = _int(request.POST.get("version"))
        if form.is_valid():
            try:
                services.customer_update(
                    actor=request.user,
                    customer=customer,
                    version=version,
                    **{k: v for k, v in form.cleaned_data.items() if k != "owner" or v},
                )
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("customers:detail", code=customer.code)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
def contact_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    customer = selectors.customer_get(request.user, code)
    _require(request, "customer.edit", customer.owner_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_create(actor=request.user, customer=customer, **form.cleaned_data)
        messages.success(request, _("Contact added."))
        return redirect("customers:detail", code=customer.code)
    return _small_form(request, customer, form, _("New contact"))


@login_required
def interaction_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    customer = selectors.customer_get(request.user, code)
    _require(request, "interaction.create", customer.owner_id)
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = InteractionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_create(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if interaction.is_late:
                messages.warning(
                    request, _("Interaction logged. It was logged more than 24 hours late.")
                )
            else:
                messages.success(request, _("Interaction logged."))
            return redirect("customers:detail", code=customer.code)
    return _small_form(request, customer, form, _("Log an interaction"))


@login_required
def missing_data_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    customer = selectors.customer_get(request.user, code)
    _require(request, "customer.edit", customer.owner_id)
    form = MissingDataNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.missing_data_note_create(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Missing-data note recorded."))
            return redirect("customers:detail", code=customer.code)
    return _small_form(request, customer, form, _("Record missing data"))


def _small_form(request: AuthedHttpRequest, customer: Any, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "customers/small_form.html",
        {"customer": customer, "form": form, "title": title},
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
