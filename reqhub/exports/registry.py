"""What can be exported: each app registers its kinds (columns + the rows a user may see)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django_filters import FilterSet

# A column: header (translated lazily), width, how to read the value from a row dict.
Getter = Callable[[dict[str, Any]], Any]


def choice_label(choices: Any, field: str) -> Getter:
    """A getter that shows a coded field (``TextChoices``) by its label, in the job's language."""
    labels = dict(choices.choices)
    return lambda r: str(labels.get(r[field], r[field] or ""))


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Getter
    width: int = 16
    # Only where General would show the value wrongly (dates, fixed decimals): a formatted cell
    # costs a styled cell object per row, a quarter of a 100,000-row export's time.
    number_format: str | None = None


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str | Promise
    # columns(user): what this user may see; rows(user, filters): dicts already scoped to them
    columns: Callable[[Any], list[Column]]
    rows: Callable[[Any, dict[str, Any]], QuerySet[Any] | Iterable[dict[str, Any]]]
    # the list page's FilterSet: filters are checked against it before a job is queued
    filterset: type[FilterSet] | None = None


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.name] = kind
    return kind
