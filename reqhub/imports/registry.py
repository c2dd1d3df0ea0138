"""What can be imported: each app registers its kinds (columns, matching and writes).

A kind's ``plan`` looks a chunk of parsed rows up in bulk (one query per lookup, not per row)
and decides, row by row, what the commit will do; ``apply`` makes one planned write through the
app's own services, so the rules of the forms and services hold for imported rows too.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils.functional import Promise

from reqhub.core.exceptions import DomainError, StaleVersionError

# How a cell is read: text, int, decimal, date, choice (label or code), or a key column.
TEXT, INT, DECIMAL, DATE, CHOICE = "text", "int", "decimal", "date", "choice"

CREATE, UPDATE, UNCHANGED, CONFLICT, ERROR = "create", "update", "unchanged", "conflict", "error"


@dataclass(frozen=True)
class ImportColumn:
    name: str  # the field (or pseudo-field such as "customer_code") the value goes to
    header: str | Promise  # the same translated label as the export's column
    help: str | Promise = ""
    cell: str = TEXT  # how the cell is read
    choices: type[models.TextChoices] | None = None
    width: int = 16
    required: bool = False  # the header must be in the file
    read_only: bool = False  # recognised (exports carry it) but never written
    template: bool = True  # a column of the blank template (Version and such are not)


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int  # the sheet's row number, as Excel shows it
    values: dict[str, Any]  # column name -> parsed value, only the columns the file has
    errors: list[RowError] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # columns whose cell could not be read


@dataclass
class RowPlan:
    row: int
    action: str  # CREATE, UPDATE, UNCHANGED, CONFLICT or ERROR
    key: str = ""  # the code/number the row names (for the report)
    errors: list[RowError] = field(default_factory=list)
    message: str = ""  # why a conflict is one
    target: Any = None  # the existing object for UPDATE; the parent for CREATE where needed
    data: dict[str, Any] = field(default_factory=dict)  # fields to write (changed ones only)
    version: int | None = None  # the version the file was exported at, checked on write
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanContext:
    """State shared by the chunks of one file: keys already seen (duplicates), headers."""

    user: Any
    headers: dict[str, str]  # column name -> header as shown to the user
    seen: dict[Any, int] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name, name)

    def error(self, row: int, name: str, message: Any) -> RowError:
        return RowError(row, self.header(name) if name else "", str(message))

    def check(self, row: ParsedRow, candidate: models.Model) -> list[RowError]:
        """The model's own validation of a candidate row (personal-data guard included), as
        errors on that row; cells that could not be read are not checked twice."""
        try:
            candidate.full_clean(
                validate_unique=False,
                validate_constraints=False,
                exclude=clean_exclude(type(candidate), row.failed),
            )
        except ValidationError as exc:
            return self.validation_errors(row.row, exc)
        return []

    def validation_errors(self, row: int, exc: ValidationError) -> list[RowError]:
        """One error per message, on the column of the field it names."""
        if not hasattr(exc, "error_dict"):
            return [self.error(row, "", m) for m in exc.messages]
        return [
            self.error(row, "" if name == NON_FIELD_ERRORS else name, message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]


def clean_exclude(model: type[models.Model], failed: list[str]) -> list[str]:
    """Fields full_clean skips in a plan: cells that could not be read, and relations, which
    the plan has already looked up in bulk (full_clean would query each one again)."""
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    return [*failed, *relations]


def model_data(
    model: type[models.Model], values: dict[str, Any], names: list[str]
) -> dict[str, Any]:
    """The field values of ``names`` that the file gives, an empty cell clearing the field.

    An empty cell in a column whose field may not be empty (lifecycle, channel, scores) means
    "not given": a new record takes the default, an existing one keeps its value.
    """
    data: dict[str, Any] = {}
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if value is None:
            field: Any = model._meta.get_field(name)
            if not field.blank:
                continue
            value = None if field.null else ""
        data[name] = value
    return data


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str | Promise
    # columns(user): what this user may write (read-only ones flagged); the template and the
    # header check both come from here
    columns: Callable[[Any], list[ImportColumn]]
    plan: Callable[[PlanContext, list[ParsedRow]], list[RowPlan]]
    # apply(user, plans): write the chunk's CREATE/UPDATE plans; returns (plan, message) for
    # rows skipped as conflicts; raises RowApplyError to fail the whole import
    apply: Callable[[Any, list[RowPlan]], list[tuple[RowPlan, str]]]
    allowed: Callable[[Any], bool]
    instructions: str | Promise = ""


class RowApplyError(Exception):
    """A row the services refused at commit time: the whole import is rolled back."""

    def __init__(self, plan: RowPlan, message: str) -> None:
        super().__init__(message)
        self.plan = plan
        self.message = message


def per_row(write: Callable[[Any, RowPlan], None]) -> Callable[..., list[tuple[RowPlan, str]]]:
    """A chunk writer that calls ``write`` (a service call) for each row.

    A stale version (someone changed the record since the preview) skips the row as a
    conflict; any other refusal fails the import.
    """

    def apply(user: Any, plans: list[RowPlan]) -> list[tuple[RowPlan, str]]:
        skipped = []
        for plan in plans:
            try:
                write(user, plan)
            except StaleVersionError as exc:
                skipped.append((plan, str(exc.message)))
            except ValidationError as exc:
                raise RowApplyError(plan, " ".join(exc.messages)) from exc
            except DomainError as exc:
                raise RowApplyError(plan, str(exc.message)) from exc
            except PermissionDenied as exc:
                raise RowApplyError(plan, str(exc)) from exc
        return skipped

    return apply


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind
