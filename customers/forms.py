"""Customer page forms: validate and shape only; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reqhub.accounts.models import User
from reqhub.accounts.permissions import can

from .models import Contact, Customer, Interaction, MissingDataNote
from .services import FINANCIAL_FIELDS


class CustomerForm(forms.ModelForm):
    """The customer form; fields the user may not see or set are left out."""

    class Meta:
        model = Customer
        fields = [
            "name", "industry", "size", "region", "owner", "lifecycle", "value_tier",
            "channel_preference", "main_business", "founded", "first_cooperation_on",
            "products_bought", "revenue_band", "purchase_amount_6m", "usage_per_month",
            "satisfaction", "notes",
        ]  # fmt: skip
        widgets = {
            "first_cooperation_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_id = self.instance.owner_id if self.instance.pk else user.pk
        if not can(user, "customer.view_financials", owner_id=owner_id):
            for name in FINANCIAL_FIELDS:
                self.fields.pop(name)
        if can(user, "customer.reassign"):
            owner_field = self.fields["owner"]
            assert isinstance(owner_field, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
            owner_field.queryset = User.objects.filter(is_active=True)
            self.fields["owner"].required = False
            self.fields["owner"].help_text = _("Empty means you.")
        else:
            self.fields.pop("owner")
        self.fields["name"].widget.attrs["autofocus"] = True


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "work_phone", "work_email", "decision_role"]


class FirstContactForm(ContactForm):
    """The optional first contact on the new-customer page."""

    prefix = "contact"
    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def has_contact(self) -> bool:
        return bool(self.cleaned_data.get("name"))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        others = ("position", "work_phone", "work_email")
        if not data.get("name") and any(data.get(f) for f in others):
            self.add_error("name", _("Give the contact's name, or leave the contact empty."))
        return data


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "occurred_at", "method", "participants", "summary", "mood", "key_demands",
            "next_follow_up_on", "next_follow_up_plan",
        ]  # fmt: skip
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "next_follow_up_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "key_demands": forms.Textarea(attrs={"rows": 2}),
        }


class MissingDataNoteForm(forms.ModelForm):
    class Meta:
        model = MissingDataNote
        fields = ["field", "reason", "supplier"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supplier = self.fields["supplier"]
        assert isinstance(supplier, forms.ModelChoiceField)  # noqa: S101 -- narrows the type
        supplier.queryset = User.objects.filter(is_active=True)
