"""Import pages: upload, template download, the job page (progress, preview, commit, result)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reqhub.core.forms import add_service_errors
from reqhub.core.types import AuthedHttpRequest

from . import selectors, services
from .forms import ImportUploadForm
from .registry import KINDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    kinds = selectors.import_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, user=request.user,
        initial={"kind": request.GET.get("kind")},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("imports:job", job_id=job.id)
    return render(request, "imports/import_upload.html", {"form": form, "kinds": kinds})


@login_required
def import_template(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    content = services.template_build(actor=request.user, kind=kind)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="reqhub-{kind}-template.xlsx"'
    return response


@login_required
def import_job(request: AuthedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.import_get(request.user, job_id)
    context = {"job": job, "kind": KINDS.get(job.kind)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "imports/_job.html", context)
    return render(request, "imports/import_job.html", context)


@login_required
@require_POST
def import_commit(request: AuthedHttpRequest, job_id: str) -> HttpResponse:
    job = selectors.import_get(request.user, job_id)
    try:
        job = services.import_commit_start(actor=request.user, job=job)
    except ValidationError as exc:
        context = {"job": job, "kind": KINDS.get(job.kind), "commit_error": exc.messages}
        return render(request, "imports/import_job.html", context, status=400)
    return redirect("imports:job", job_id=job.id)
