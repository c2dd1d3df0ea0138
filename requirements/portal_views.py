"""The public status page (/status/): customers look up, accept and rate, with no account."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from reqhub.core.exceptions import DomainError

from . import public
from .services import portal
from .throttles import StatusLookupThrottle


class LookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Request number"), max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "REQ-2026-000001", "autocomplete": "off"}),
    )  # fmt: skip
    code = forms.CharField(
        label=gettext_lazy("Access code"), max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip


class AcceptanceForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", "accept"), ("0", "return")], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you?"),
        choices=[(str(i), str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


def _throttled(request: HttpRequest) -> HttpResponse | None:
    throttle = StatusLookupThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    wait = int(throttle.wait() or 60)
    response = render(request, "status/status_throttled.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@csrf_protect
def status_page(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    lookup = LookupForm(source if source.get("number") else None)
    context: dict[str, object] = {"lookup": lookup}
    if not lookup.is_bound:
        return render(request, "status/status_page.html", context)
    if (limited := _throttled(request)) is not None:
        return limited
    req = (
        public.status_lookup(lookup.data.get("number", ""), lookup.data.get("code", ""))
        if lookup.is_valid()
        else None
    )
    if req is None:
        context["not_found"] = True
        return render(request, "status/status_page.html", context, status=404)
    number, code = lookup.cleaned_data["number"].strip().upper(), lookup.cleaned_data["code"]
    here = f"{reverse('status')}?{urlencode({'number': number, 'code': code})}"
    acceptance = AcceptanceForm(request.POST if request.POST.get("form") == "acceptance" else None)
    feedback = FeedbackForm(request.POST if request.POST.get("form") == "feedback" else None)
    try:
        if acceptance.is_bound and acceptance.is_valid():
            portal.portal_acceptance(requirement=req, **acceptance.cleaned_data)
            messages.success(request, _("Thank you, we have recorded your answer."))
            return redirect(here)
        if feedback.is_bound and feedback.is_valid():
            portal.portal_feedback(requirement=req, **feedback.cleaned_data)
            messages.success(request, _("Thank you for your rating."))
            return redirect(here)
    except ValidationError as exc:
        target = acceptance if acceptance.is_bound else feedback
        for field, errors in exc.message_dict.items():
            target.add_error(field if field in target.fields else None, errors)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(here)
    context.update(
        status=public.public_status(req), number=number, code=code,
        acceptance=acceptance, feedback=feedback,
    )  # fmt: skip
    return render(request, "status/status_page.html", context)
