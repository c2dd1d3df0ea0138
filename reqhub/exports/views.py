"""Export pages: the button on every list starts a job; a progress bar follows it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reqhub.core.types import AuthedHttpRequest

from . import selectors, services

# Parameters of a list page that are not filters.
NOT_FILTERS = {"csrfmiddlewaretoken", "kind", "page", "cursor", "sort", "ordering"}


@login_required
@require_POST
def export_start(request: AuthedHttpRequest) -> HttpResponse:
    filters = {
        key: (values if len(values) > 1 else values[0])
        for key, values in request.POST.lists()
        if key not in NOT_FILTERS and any(values)
    }
    try:
        job = services.export_start(
            actor=request.user, kind=request.POST.get("kind", ""), filters=filters
        )
    except ValidationError as exc:
        return render(request, "exports/_progress.html", {"error": exc.messages}, status=400)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "exports/_progress.html", {"job": job})
    return redirect("export-page", job_id=job.id)


@login_required
def export_progress(request: AuthedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.export_get(request.user, job_id)
    template = "exports/_progress.html" if request.htmx else "exports/export_page.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
