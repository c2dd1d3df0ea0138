"""Requirement pages: thin views over the selectors and services."""

import copy
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can, has_scope
from reqhub.accounts.roles import Scope
from reqhub.core.exceptions import DomainError
from reqhub.core.forms import add_service_errors
from reqhub.core.keyset import keyset_page
from reqhub.core.types import AuthedHttpRequest

from . import scoring, selectors, services, workflow
from .filters import RequirementFilterSet
from .forms import (
    AssignmentRulesForm,
    BulkScreenForm,
    ChangeDecisionForm,
    ChangeRequestForm,
    EvidenceForm,
    MergeForm,
    NoteForm,
    RequirementEditForm,
    RequirementIntakeForm,
    ScoringModelForm,
    TransitionForm,
    customer_from_text,
)
from .models import (
    AssignmentRule,
    Decision,
    HistoryKind,
    Priority,
    Quadrant,
    Requirement,
    RequirementEvent,
)
from .permissions import can_edit_requirement, can_merge_requirement, can_transition_requirement
from .workflow import Status

PAGE_SIZE = 50
SORTS = {
    "-score": ("rank__score", True), "score": ("rank__score", False),
    "-created": ("created_at", True), "created": ("created_at", False),
    "-updated": ("updated_at", True), "updated": ("updated_at", False),
}  # fmt: skip
CODES_KEY = "requirements:access_codes"
BULK_KEY = "requirements:bulk_results"

QUADRANT_SHORT = {
    Quadrant.QUICK_WIN: gettext_lazy("Quick win"),
    Quadrant.STRATEGIC: gettext_lazy("Strategic"),
    Quadrant.FILL_IN: gettext_lazy("Fill-in"),
    Quadrant.DEPRIORITIZE: gettext_lazy("Deprioritize"),
}

S = Status
MOVE_LABELS = {
    (S.NEW, S.NOT_STARTED): gettext_lazy("Accept"),
    (S.NEW, S.NEEDS_INFO): gettext_lazy("Ask for information"),
    (S.NEW, S.OUT_OF_SCOPE): gettext_lazy("Out of scope"),
    (S.NEEDS_INFO, S.NEW): gettext_lazy("Customer answered"),
    (S.NOT_STARTED, S.IN_PROGRESS): gettext_lazy("Start work"),
    (S.IN_PROGRESS, S.TESTING): gettext_lazy("Send to testing"),
    (S.IN_PROGRESS, S.NOT_STARTED): gettext_lazy("Put back"),
    (S.TESTING, S.AWAITING_ACCEPTANCE): gettext_lazy("Hand over for acceptance"),
    (S.AWAITING_ACCEPTANCE, S.DONE): gettext_lazy("Customer accepted"),
    (S.AWAITING_ACCEPTANCE, S.IN_PROGRESS): gettext_lazy("Customer sent it back"),
    (S.OUT_OF_SCOPE, S.NEW): gettext_lazy("Reopen"),
    (S.REJECTED, S.NEW): gettext_lazy("Reopen"),
}


# The main path forward from each status: shown as the primary button.
FORWARD = frozenset(
    {
        (S.NEW, S.NOT_STARTED), (S.NEEDS_INFO, S.NEW), (S.NOT_STARTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.TESTING), (S.TESTING, S.AWAITING_ACCEPTANCE),
        (S.AWAITING_ACCEPTANCE, S.DONE), (S.OUT_OF_SCOPE, S.NEW), (S.REJECTED, S.NEW),
    }
)  # fmt: skip


def _require(request: AuthedHttpRequest, action: str, owner_id: int | None = None) -> None:
    if not can(request.user, action, owner_id=owner_id):
        raise PermissionDenied


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _error_text(exc: ValidationError | DomainError) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    return " ".join(str(m) for m in exc.messages)


# --- Pool ---------------------------------------------------------------------------------


@login_required
def requirement_pool(request: AuthedHttpRequest) -> HttpResponse:
    if has_scope(request.user, "requirement.view") == Scope.NONE:
        raise PermissionDenied
    filterset = RequirementFilterSet(
        request.GET, queryset=selectors.requirement_visible(request.user)
    )
    sort = request.GET.get("sort", "-score")
    if sort not in SORTS:
        sort = "-score"
    field, descending = SORTS[sort]
    qs = filterset.qs
    try:
        page = keyset_page(
            qs.select_related("customer", "owner").prefetch_related("tags"),
            field=field, descending=descending, cursor=request.GET.get("cursor"), size=PAGE_SIZE,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc.message))
        query = request.GET.copy()
        query.pop("cursor", None)
        return redirect(f"{reverse('requirements:pool')}?{query.urlencode()}")
    now = timezone.now()
    rows = [
        {
            "r": r,
            "sla": selectors.requirement_sla_state(r, now),
            "quadrant": QUADRANT_SHORT[r.quadrant],
        }
        for r in page.rows
    ]
    query = request.GET.copy()
    query.pop("cursor", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        "requirements/requirement_pool.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "sort": sort,
            "query": query.urlencode(),
            "unsorted_query": unsorted.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k not in ("sort", "cursor")),
            "charts": _chart_data(qs),
            "can_screen": can(request.user, "requirement.screen"),
            "can_create": has_scope(request.user, "requirement.create") != Scope.NONE,
            "bulk_form": BulkScreenForm(),
            "bulk_results": request.session.pop(BULK_KEY, None),
            "statuses": Status.choices,
            "selected_statuses": request.GET.getlist("status"),
            "people": User.objects.filter(is_active=True).order_by("username"),
        },
    )


def _chart_data(qs: Any) -> dict[str, Any]:
    """The two charts' data from three bounded reads (two GROUP BYs and a ≤500-point sample)."""
    by_status = selectors.requirement_count_by_status(qs)
    by_quadrant = selectors.requirement_count_by_quadrant(qs)
    return {
        "status": [
            {"key": value, "label": str(label), "n": by_status.get(value, 0)}
            for value, label in Status.choices
            if value in by_status or value in workflow.OPEN
        ],
        "quadrants": [
            {"key": value, "label": str(label), "n": by_quadrant.get(value, 0)}
            for value, label in Quadrant.choices
        ],
        "points": [
            {**p, "url": reverse("requirements:detail", args=[p["number"]])}
            for p in selectors.requirement_matrix_points(qs)
        ],
        "total": sum(by_quadrant.values()),
        "sample": selectors.MATRIX_SAMPLE,
        "text": {
            "value": _("Value (importance + customer value) / 2"),
            "cost": _("Cost (difficulty)"),
            "requirements": _("Requirements"),
            "score": _("Score"),
            "sampled": _("Showing the %(n)s highest-scored requirements.")
            % {"n": selectors.MATRIX_SAMPLE},
        },
    }


@login_required
@require_POST
def requirement_bulk_screen(request: AuthedHttpRequest) -> HttpResponse:
    _require(request, "requirement.screen")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}) or not back.startswith(
        reverse("requirements:pool")
    ):
        back = reverse("requirements:pool")
    form = BulkScreenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    numbers = form.cleaned_data["numbers"]
    found = {
        r.number: r for r in selectors.requirement_visible(request.user).filter(number__in=numbers)
    }
    results = services.requirement_bulk_transition(
        actor=request.user,
        requirements=[found[n] for n in numbers if n in found],
        to=form.cleaned_data["to"],
        reason=form.cleaned_data["reason"],
    )
    rows = [{"number": r.number, "ok": r.ok, "error": r.error} for r in results]
    missing = [n for n in numbers if n not in found]
    rows += [{"number": n, "ok": False, "error": _("Not found.")} for n in missing]
    request.session[BULK_KEY] = {
        "to": str(Status(form.cleaned_data["to"]).label),
        "ok": sum(1 for r in rows if r["ok"]),
        "rows": rows,
    }
    return redirect(back)


# --- Intake -------------------------------------------------------------------------------


@login_required
def requirement_create(request: AuthedHttpRequest) -> HttpResponse:
    if has_scope(request.user, "requirement.create") == Scope.NONE:
        raise PermissionDenied
    initial = {}
    picked = customer_from_text(request.user, request.GET.get("customer", ""))
    if picked is not None:
        initial["customer"] = f"{picked.code} {picked.name}"
    form = RequirementIntakeForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            # The file is checked by the service; a refused file logs nothing.
            with transaction.atomic():
                req, code = services.requirement_create(actor=request.user, **form.service_data())
                if upload:
                    services.requirement_evidence_add(
                        actor=request.user, requirement=req, upload=upload
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _remember_code(request, req.number, code, created=True)
            return redirect("requirements:code", number=req.number)
    return render(
        request,
        "requirements/requirement_form.html",
        {"form": form, "duplicates": _duplicates_for(request, form)},
    )


def _labelled(duplicates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**d, "status_label": Status(d["status"]).label} for d in duplicates]


def _duplicates_for(request: AuthedHttpRequest, form: RequirementIntakeForm) -> list[Any]:
    title = form["title"].value() or ""
    if not form.is_bound or not title.strip():
        return []
    return _labelled(
        selectors.requirement_duplicates(request.user, title=title, customer=form.picked_customer)
    )


@login_required
@require_GET
def intake_customers(request: AuthedHttpRequest) -> HttpResponse:
    """Type-ahead: the customers matching what was typed."""
    text = request.GET.get("customer", "")
    return render(
        request,
        "requirements/includes/_customer_options.html",
        {"customers": selectors.requirement_intake_customers(request.user, text), "text": text},
    )


@login_required
@require_GET
def intake_contacts(request: AuthedHttpRequest) -> HttpResponse:
    """The contact select's options for the picked customer."""
    customer = customer_from_text(request.user, request.GET.get("customer", ""))
    contacts = customer.contacts.all() if customer else []
    return render(
        request,
        "requirements/includes/_contact_options.html",
        {"contacts": contacts, "customer": customer},
    )


@login_required
@require_GET
def intake_duplicates(request: AuthedHttpRequest) -> HttpResponse:
    """Likely duplicates of the title being typed, among the customer's requirements."""
    customer = customer_from_text(request.user, request.GET.get("customer", ""))
    title = request.GET.get("title", "")[:200]
    found = _labelled(
        selectors.requirement_duplicates(request.user, title=title, customer=customer)
    )
    return render(
        request,
        "requirements/includes/_duplicates.html",
        {"duplicates": found, "customer": customer, "title": title},
    )


def _remember_code(request: AuthedHttpRequest, number: str, code: str, *, created: bool) -> None:
    """Keep a fresh access code for the one page that shows it (then it is forgotten)."""
    codes = request.session.get(CODES_KEY, {})
    codes[number] = {"code": code, "created": created}
    request.session[CODES_KEY] = codes


@login_required
def requirement_code(request: AuthedHttpRequest, number: str) -> HttpResponse:
    """The number and the access code, shown once, right after they are issued."""
    req = selectors.requirement_get(request.user, number)
    codes = request.session.get(CODES_KEY, {})
    shown = codes.pop(number, None)
    if shown is not None:
        request.session[CODES_KEY] = codes
    status_url = ""
    if shown:
        query = urlencode({"number": req.number, "code": shown["code"]})
        status_url = request.build_absolute_uri(f"{reverse('status')}?{query}")
    return render(
        request,
        "requirements/requirement_code.html",
        {
            "req": req,
            "shown": shown,
            "status_url": status_url,
            "can_edit": can_edit_requirement(request.user, req),
        },
    )


# --- Detail and its actions ---------------------------------------------------------------


def _moves(request: AuthedHttpRequest, req: Requirement) -> list[dict[str, Any]]:
    """The moves this user may make now, the main path first and refusals last."""
    source = Status(req.status)
    order = list(Status)

    def rank(target: Status) -> tuple[bool, bool, int]:
        danger = target in (S.REJECTED, S.OUT_OF_SCOPE)
        return danger, (source, target) not in FORWARD, order.index(target)

    targets = [
        t
        for t in workflow.allowed_targets(source)
        if can_transition_requirement(request.user, req, t)
    ]
    return [
        {
            "to": target.value,
            "label": MOVE_LABELS.get((source, target), gettext_lazy("Reject")),
            "target_label": target.label,
            "reason_required": (source, target) in workflow.REASON_REQUIRED,
            "primary": (source, target) in FORWARD,
            "danger": target in (S.REJECTED, S.OUT_OF_SCOPE),
        }
        for target in sorted(targets, key=rank)
    ]


def _display(field: str, value: str) -> str:
    """A history value as people read it: choice labels instead of codes."""
    if not value:
        return ""
    try:
        model_field = Requirement._meta.get_field(field)
    except FieldDoesNotExist:
        return value
    choices = dict(getattr(model_field, "choices", None) or [])
    return str(choices.get(value, value))


def _field_label(field: str) -> str:
    special = {
        "tags": _("tags"), "evidence_file": _("evidence file"),
        "merged_from": _("merged from"), "decision": _("decision"),
    }  # fmt: skip
    if field in special:
        return special[field]
    try:
        return str(getattr(Requirement._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field


def _history(req: Requirement, events: Any) -> list[dict[str, Any]]:
    out = []
    e: RequirementEvent
    for e in events:
        field = e.field or ("status" if e.kind == HistoryKind.CREATED else "")
        if e.field == "decision":
            old, new = str(Decision(e.old).label), str(Decision(e.new).label)
        else:
            old, new = _display(field, e.old), _display(field, e.new)
        out.append(
            {
                "at": e.at,
                "by": (e.by.get_full_name() or e.by.username) if e.by else _("Customer"),
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "field": _field_label(field) if field else "",
                "old": old,
                "new": new,
                "reason": e.reason,
                "customer_visible": e.customer_visible,
                "other": e.requirement.number if e.requirement_id != req.pk else "",
            }
        )
    return out


def _detail(
    request: AuthedHttpRequest, req: Requirement, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    weights = scoring.weights_current()
    can_edit = can_edit_requirement(user, req)
    can_merge = can_merge_requirement(user) and req.status in workflow.OPEN
    context = {
        "req": req,
        "tags": [t.name for t in req.tags.all()],
        "followers": list(req.followers.all()),
        "merged_from": list(req.merged_from.values("number", "title")),
        "explain": scoring.explain(
            req.importance, req.urgency, req.customer_value, req.difficulty, weights
        ),
        "weights": weights,
        "value": (req.importance + req.customer_value) / 2,
        "sla_state": selectors.requirement_sla_state(req),
        "moves": _moves(request, req),
        "history": _history(req, selectors.requirement_history(req)),
        "notes": req.notes.select_related("author"),
        "files": req.files.select_related("uploaded_by"),
        "changes": req.change_requests.select_related("requested_by", "decided_by"),
        "can_edit": can_edit,
        "can_note": can_edit or can(user, "requirement.deliver", owner_id=req.owner_id),
        "can_merge": can_merge,
        "can_decide": can(user, "requirement.screen"),
        "can_change": can_edit and req.status in workflow.ACCEPTED,
        "duplicates": (
            _labelled(selectors.requirement_duplicates(user, title=req.title, exclude=req.number))
            if can_merge
            else []
        ),
        "note_form": forms.get("note_form") or NoteForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "change_form": forms.get("change_form") or ChangeRequestForm(),
        "decision_choices": [Decision.APPROVED, Decision.REJECTED],
        "status_url": request.build_absolute_uri(reverse("status"))
        + "?"
        + urlencode({"number": req.number}),
    }
    return render(request, "requirements/requirement_detail.html", context, status=status)


@login_required
def requirement_detail(request: AuthedHttpRequest, number: str) -> HttpResponse:
    return _detail(request, selectors.requirement_get(request.user, number))


@login_required
def requirement_edit(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    if not can_edit_requirement(request.user, req):
        raise PermissionDenied
    # The form edits a copy; the service re-reads the row under lock and checks the version.
    form = RequirementEditForm(request.POST or None, instance=copy.copy(req))
    if request.method == "POST":
        version = _int(request.POST.get("version"))
        if form.is_valid():
            try:
                services.requirement_update(
                    actor=request.user, requirement=req, version=version,
                    reason=form.cleaned_data["reason"], **form.service_data(),
                )  # fmt: skip
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("requirements:detail", number=req.number)
    return render(
        request,
        "requirements/requirement_edit.html",
        {"form": form, "req": req, "version": _int(request.POST.get("version")) or req.version},
    )


@login_required
@require_POST
def requirement_transition(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered moves."))
        return redirect("requirements:detail", number=req.number)
    try:
        req = services.requirement_transition(
            actor=request.user,
            requirement=req,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except (ValidationError, DomainError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(number)s is now “%(status)s”.")
            % {"number": req.number, "status": Status(req.status).label},
        )
    return redirect("requirements:detail", number=req.number)


@login_required
@require_POST
def requirement_merge(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    if not can_merge_requirement(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            into = selectors.requirement_get(request.user, form.cleaned_data["into"])
        except Http404:
            form.add_error("into", _("There is no requirement with this number."))
        else:
            try:
                services.requirement_merge(
                    actor=request.user, requirement=req, into=into,
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s was merged into %(into)s.")
                    % {"number": req.number, "into": into.number},
                )
                return redirect("requirements:detail", number=req.number)
    return _detail(request, req, merge_form=form)


@login_required
@require_POST
def requirement_note_add(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.requirement_note_add(
                actor=request.user, requirement=req, text=form.cleaned_data["text"],
                customer_visible=form.cleaned_data["customer_visible"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect(reverse("requirements:detail", args=[req.number]) + "#notes")
    return _detail(request, req, note_form=form)


@login_required
@require_POST
def requirement_evidence_add(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.requirement_evidence_add(
                actor=request.user, requirement=req, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("File attached."))
            return redirect(reverse("requirements:detail", args=[req.number]) + "#files")
    return _detail(request, req, evidence_form=form)


@login_required
@require_GET
def requirement_evidence_file(request: AuthedHttpRequest, number: str, pk: int) -> FileResponse:
    req = selectors.requirement_get(request.user, number)
    evidence = get_object_or_404(req.files, pk=pk)
    inline = evidence.content_type.startswith("image/")
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def change_request_create(request: AuthedHttpRequest, number: str) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    form = ChangeRequestForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_create(actor=request.user, requirement=req, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Change request recorded."))
            return redirect(reverse("requirements:detail", args=[req.number]) + "#changes")
    return _detail(request, req, change_form=form)


@login_required
@require_POST
def change_request_decide(request: AuthedHttpRequest, number: str, pk: int) -> HttpResponse:
    req = selectors.requirement_get(request.user, number)
    change = get_object_or_404(req.change_requests, pk=pk)
    form = ChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            services.change_request_decide(
                actor=request.user, change=change, decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except (ValidationError, DomainError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect(reverse("requirements:detail", args=[req.number]) + "#changes")


@login_required
def requirement_access_code_renew(request: AuthedHttpRequest, number: str) -> HttpResponse:
    """Confirm, then issue a new access code; the old one stops working at once."""
    req = selectors.requirement_get(request.user, number)
    if not can_edit_requirement(request.user, req):
        raise PermissionDenied
    if request.method == "POST":
        code = services.requirement_access_code_renew(actor=request.user, requirement=req)
        _remember_code(request, req.number, code, created=False)
        return redirect("requirements:code", number=req.number)
    return render(request, "requirements/access_code_confirm.html", {"req": req})


# --- Scoring model and assignment rules ---------------------------------------------------


def _scoring_page(
    request: AuthedHttpRequest,
    form: ScoringModelForm,
    rules_form: AssignmentRulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = scoring.weights_current()
    if rules_form is None:
        rules_form = AssignmentRulesForm(rules=_rules())
    return render(
        request,
        "requirements/scoring_model.html",
        {
            "form": form,
            "rules_form": rules_form,
            "current": ScoringModelForm.initial_of(current),
            "rescore": selectors.rescore_latest(),
            **_preview_context(form, current),
        },
        status=status,
    )


def _rules() -> dict[str, AssignmentRule]:
    return {r.type: r for r in AssignmentRule.objects.all()}


def _preview_context(form: ScoringModelForm, current: scoring.Weights) -> dict[str, Any]:
    weights, total = current, None
    if form.is_bound and form.is_valid():
        weights, total = form.weights(), form.weights_sum()
    preview = [
        {
            **row,
            "moved_by": abs(row["moved"]),
            "priority_label": Priority(row["priority"]).label,
            "new_priority_label": Priority(row["new_priority"]).label,
        }
        for row in selectors.requirement_score_preview(weights)
    ]
    return {
        "preview": preview,
        "weights_sum": total,
        "weights_sum_ok": total is None or total == 1,
    }


@login_required
def scoring_model(request: AuthedHttpRequest) -> HttpResponse:
    _require(request, "scoring.manage")
    form = ScoringModelForm(
        request.POST or None, initial=ScoringModelForm.initial_of(scoring.weights_current())
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scoring_model_update(actor=request.user, weights=form.weights())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Scoring model saved. The pool is being re-scored in the background.")
            )
            return redirect("requirements:scoring")
    return _scoring_page(request, form)


@login_required
def scoring_progress(request: AuthedHttpRequest, job_id: str) -> HttpResponse:
    """The re-scoring's progress bar, polled by the scoring page while the job runs; when the
    job is over, the page is told (``rescored``) so that its preview shows the new scores."""
    _require(request, "scoring.manage")
    job = selectors.rescore_get(job_id)
    response = render(request, "requirements/includes/_rescore_progress.html", {"rescore": job})
    if _is_htmx(request) and not job.is_active:
        response["HX-Trigger"] = "rescored"
    return response


@login_required
@require_POST
def scoring_preview(request: AuthedHttpRequest) -> HttpResponse:
    """How the top of the pool would re-order under the weights in the form (nothing saved)."""
    _require(request, "scoring.manage")
    form = ScoringModelForm(request.POST)
    if not _is_htmx(request):
        return _scoring_page(request, form)
    context = _preview_context(form, scoring.weights_current())
    context["form"] = form
    return render(request, "requirements/includes/_score_preview.html", context)


@login_required
@require_POST
def assignment_rules(request: AuthedHttpRequest) -> HttpResponse:
    _require(request, "scoring.manage")
    form = AssignmentRulesForm(request.POST, rules=_rules())
    if form.is_valid():
        try:
            with transaction.atomic():
                for rule in form.changed_rules():
                    services.assignment_rule_set(actor=request.user, **rule)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Assignment rules saved."))
            return redirect(reverse("requirements:scoring") + "#rules")
    initial = ScoringModelForm.initial_of(scoring.weights_current())
    return _scoring_page(request, ScoringModelForm(initial=initial), form)
