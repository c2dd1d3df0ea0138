"""Requirement page forms: validate and shape only; the services decide."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer
from customers.selectors import customer_visible
from reqhub.accounts.models import User
from reqhub.accounts.roles import Role

from . import scoring, workflow
from .models import ChangeRequest, Channel, Decision, Requirement, RequirementNote, RequirementType
from .selectors import NUMBER_PATTERN
from .workflow import Status

_CODE_RE = re.compile(r"^\s*(C\d{7,})\b", re.IGNORECASE)
# Tags are separated by ASCII or full-width commas, the ideographic comma or semicolons.
_TAG_SPLIT = re.compile(r"[,，、;；]+")
_number = RegexValidator(
    rf"^{NUMBER_PATTERN}$", _("A requirement number looks like REQ-2026-000001.")
)
SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]
SCREENING_TARGETS = [
    (Status.NOT_STARTED.value, _("Accept (not started)")),
    (Status.NEEDS_INFO.value, _("Needs information")),
    (Status.OUT_OF_SCOPE.value, _("Out of scope")),
    (Status.REJECTED.value, _("Reject")),
]


def split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in _TAG_SPLIT.split(text or "") if t.strip()))


def customer_from_text(user: User, text: str) -> Customer | None:
    """The customer a type-ahead value names: "C2026001 name" (what a pick fills in), a bare
    code, or a name only one visible customer contains."""
    text = (text or "").strip()
    if not text:
        return None
    visible = customer_visible(user)
    match = _CODE_RE.match(text)
    if match:
        return visible.filter(code__iexact=match.group(1)).first()
    found = list(visible.filter(name__icontains=text)[:2])
    return found[0] if len(found) == 1 else None


def _people() -> Any:
    return User.objects.filter(is_active=True).order_by("username")


def person_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} · {user.get_role_display()}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class TagsField(forms.CharField):
    """Comma-separated tags in, a list of names out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("help_text", _("Separate with commas, e.g. 功能优化, 紧急bug, 定制需求."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        tags = split_tags(text)
        if any(len(t) > 40 for t in tags):
            raise forms.ValidationError(_("A tag is at most 40 characters."))
        return tags


class RequirementIntakeForm(forms.ModelForm):
    """Logging a requirement: the customer comes from the type-ahead, the rest from the model."""

    customer = forms.CharField(
        label=_("Customer"),
        max_length=250,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("Type part of the name or the code")}
        ),
    )
    tags = TagsField()
    file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("A chat screenshot, photo, PDF or Office file, up to 10 MB."),
    )

    class Meta:
        model = Requirement
        fields = [
            "contact", "channel", "title", "description", "background", "evidence",
            "urgency_class", "notify_contact",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = [
        "customer", "contact", "channel", "title", "description", "background", "evidence",
        "tags", "urgency_class", "file",
    ]  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        picked = self["customer"].value()
        self.picked_customer = customer_from_text(user, picked) if picked else None
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
        contact.queryset = (
            Contact.objects.filter(customer=self.picked_customer)
            if self.picked_customer
            else Contact.objects.none()
        )
        contact.empty_label = (
            _("— no particular contact —")
            if self.picked_customer
            else _("— pick the customer first —")
        )
        # Progressive enhancement: contacts follow the picked customer, duplicates the title.
        contact.widget.attrs.update(
            {
                "hx-get": reverse("requirements:intake-contacts"),
                "hx-trigger": "customer-picked from:#id_customer, change from:#id_customer",
                "hx-include": "#id_customer",
                "hx-target": "this",
                "hx-sync": "this:replace",
            }
        )
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": reverse("requirements:intake-duplicates"),
                "hx-trigger": "keyup changed delay:400ms",
                "hx-include": "#id_customer",
                "hx-target": "#duplicates",
                "hx-sync": "this:replace",
            }
        )
        self.fields["channel"].initial = (
            Channel.SUPPORT_TICKET if user.role == Role.CUSTOMER_SUCCESS else Channel.SALES_VISIT
        )
        self.fields["title"].widget.attrs.update(
            {"autocomplete": "off", "placeholder": _("One line: what the customer needs")}
        )
        self.fields["description"].widget.attrs["placeholder"] = _(
            "Scenario: … Pain point: … Expected effect: …"
        )
        self.fields["evidence"].widget.attrs["placeholder"] = _("Quote the customer, word for word")

    def clean_customer(self) -> Customer:
        customer = customer_from_text(self.user, self.cleaned_data["customer"])
        if customer is None:
            raise forms.ValidationError(
                _("Pick the customer from the list (type part of its name or its code).")
            )
        return customer

    def service_data(self) -> dict[str, Any]:
        """The keyword arguments for services.requirement_create, the file left out."""
        data = dict(self.cleaned_data)
        data.pop("file", None)
        return data


CONTENT_FIELDS = ["title", "contact", "channel", "description", "background", "evidence"]


class RequirementEditForm(forms.ModelForm):
    """Classification, scores, urgency, owner, plan and tags; the content while still in intake."""

    tags = TagsField()
    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Optional: why you change this")}),
    )

    class Meta:
        model = Requirement
        fields = [
            *CONTENT_FIELDS, "category", "nature", "type", "urgency_class", "importance",
            "urgency", "customer_value", "difficulty", "owner", "planned_completion",
            "notify_contact",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "planned_completion": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Select(choices=SCORE_CHOICES)
                for name in ("importance", "urgency", "customer_value", "difficulty")
            },
        }
        field_classes = {"owner": UserChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        req = self.instance
        # Once accepted into the plan, what is asked for changes only through change requests.
        self.content_editable = req.status in (Status.NEW, Status.NEEDS_INFO)
        if not self.content_editable:
            for name in CONTENT_FIELDS:
                self.fields.pop(name)
        else:
            contact = self.fields["contact"]
            assert isinstance(contact, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
            contact.queryset = Contact.objects.filter(customer_id=req.customer_id)
            contact.empty_label = _("— no particular contact —")
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
        owner.queryset = _people()
        owner.empty_label = _("— nobody yet —")
        self.fields["importance"].help_text = _("1 = nice to have, 5 = critical")
        self.fields["urgency"].help_text = _("1 = whenever, 5 = right now")
        self.fields["customer_value"].help_text = _("1 = small account, 5 = key account")
        self.fields["difficulty"].help_text = _("1 = trivial, 5 = very hard")
        if req.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(t.name for t in req.tags.all())

    def content_fields(self) -> list[Any]:
        return [self[name] for name in CONTENT_FIELDS if name in self.fields]

    def plan_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in CONTENT_FIELDS]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "REQ-2026-000001", "autocomplete": "off"}),
        help_text=_("The requirement that stays; this one keeps its number and points to it."),
    )
    reason = forms.CharField(
        label=_("Why are they the same?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_into(self) -> str:
        number = str(self.cleaned_data["into"]).strip().upper()
        _number(number)
        return number


class NoteForm(forms.ModelForm):
    class Meta:
        model = RequirementNote
        fields = ["text", "customer_visible"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Note")}
        help_texts = {
            "customer_visible": _(
                "Shown on the customer's status page; the first such note counts as our response."
            )
        }


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("Images, PDF or Office files (xlsx, docx, pptx), up to 10 MB.")
    )


class ChangeRequestForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = ["what", "why", "impact_scope", "impact_effort", "impact_dates"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "why": forms.Textarea(attrs={"rows": 2}),
            "impact_scope": forms.TextInput(),
            "impact_effort": forms.TextInput(),
            "impact_dates": forms.TextInput(),
        }


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(d.value, d.label) for d in (Decision.APPROVED, Decision.REJECTED)]
    )
    note = forms.CharField(label=_("Decision note"), required=False, max_length=2000)


class BulkScreenForm(forms.Form):
    """Screening many requirements at once (the moves out of `new`)."""

    numbers = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    to = forms.ChoiceField(label=_("Screening outcome"), choices=SCREENING_TARGETS)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def clean_numbers(self) -> list[str]:
        given = self.cleaned_data.get("numbers") or []
        numbers = list(dict.fromkeys(str(n).strip() for n in given if str(n).strip()))
        if not numbers:
            raise forms.ValidationError(_("Select at least one requirement."))
        if len(numbers) > 100:
            raise forms.ValidationError(_("Screen at most 100 requirements at once."))
        for n in numbers:
            _number(n)
        return numbers

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        to = data.get("to")
        needs_reason = any((source, to) in workflow.REASON_REQUIRED for source in Status)
        if to and needs_reason and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: this outcome needs a reason."))
        return data


def tidy(value: Decimal, places: int) -> Decimal:
    """``value`` with ``places`` decimals, or more when it needs them."""
    short = value.quantize(Decimal(1).scaleb(-places))
    return short if short == value else value.normalize()


def _weight(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
    )


def _threshold(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "1", "max": "5"}),
    )


class ScoringModelForm(forms.Form):
    importance = _weight(_("Importance"))
    urgency = _weight(_("Urgency"))
    customer_value = _weight(_("Customer value"))
    ease = _weight(_("Ease (6 − difficulty)"))
    high_threshold = _threshold(_("High priority from"))
    medium_threshold = _threshold(_("Medium priority from"))

    @classmethod
    def initial_of(cls, w: scoring.Weights) -> dict[str, Decimal]:
        """The model's values as people write them: 0.30 rather than 0.300, 4.0 not 4.00."""
        return {
            "importance": tidy(w.importance, 2), "urgency": tidy(w.urgency, 2),
            "customer_value": tidy(w.customer_value, 2), "ease": tidy(w.ease, 2),
            "high_threshold": tidy(w.high_threshold, 1),
            "medium_threshold": tidy(w.medium_threshold, 1),
        }  # fmt: skip

    def weights(self) -> scoring.Weights:
        d = self.cleaned_data
        return scoring.Weights(
            d["importance"], d["urgency"], d["customer_value"], d["ease"],
            d["high_threshold"], d["medium_threshold"],
        )  # fmt: skip

    def weights_sum(self) -> Decimal:
        d = self.cleaned_data
        return Decimal(d["importance"] + d["urgency"] + d["customer_value"] + d["ease"])


class AssignmentRulesForm(forms.Form):
    """One owner and one optional collaborator per routing type."""

    def __init__(self, *args: Any, rules: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = _people()
        # One read of the people for all eight selects (validation still checks each pick).
        options = [(u.pk, person_label(u)) for u in people]
        for value, label in RequirementType.choices:
            rule = rules.get(value)
            owner = UserChoiceField(
                queryset=people, required=False, label=label,
                initial=rule.owner_id if rule else None,
            )  # fmt: skip
            owner.choices = [("", _("— not set —")), *options]
            collaborator = UserChoiceField(
                queryset=people, required=False, label=_("Collaborator"),
                initial=rule.collaborator_id if rule else None,
            )  # fmt: skip
            collaborator.choices = [("", _("— none —")), *options]
            self.fields[f"{value}-owner"] = owner
            self.fields[f"{value}-collaborator"] = collaborator

    HINTS = {
        RequirementType.FUNCTION: _("usually a product manager, with R&D"),
        RequirementType.SERVICE: _("usually customer support, with technical support"),
        RequirementType.SALES: _("usually a sales rep, with product"),
        RequirementType.CUSTOM: _("usually a project manager, with the technical team"),
    }

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"type": value, "label": label, "hint": self.HINTS[RequirementType(value)],
             "owner": self[f"{value}-owner"], "collaborator": self[f"{value}-collaborator"]}
            for value, label in RequirementType.choices
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for value, _label in RequirementType.choices:
            if data.get(f"{value}-collaborator") and not data.get(f"{value}-owner"):
                self.add_error(f"{value}-owner", _("Choose the owner first."))
        return data

    def changed_rules(self) -> list[dict[str, Any]]:
        """The rules to save: every type with an owner whose row was changed."""
        out = []
        for value, _label in RequirementType.choices:
            owner = self.cleaned_data.get(f"{value}-owner")
            names = (f"{value}-owner", f"{value}-collaborator")
            if owner and any(n in self.changed_data for n in names):
                collaborator = self.cleaned_data.get(f"{value}-collaborator")
                out.append({"type": value, "owner": owner, "collaborator": collaborator})
        return out
