"""The upload form: validate and shape only; the service checks the file's content."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import import_kinds


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("At most 10 MB and 20,000 rows; the first row holds the column headers."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 -- narrows the type
        kind.choices = import_kinds(user)
