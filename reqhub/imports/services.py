"""Excel imports: upload and check a file, validate every row (preview), commit all or nothing."""

import functools
import io
import logging
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from reqhub.accounts.models import User

from .models import ImportJob, State
from .registry import (
    CHOICE,
    CONFLICT,
    CREATE,
    DATE,
    DECIMAL,
    ERROR,
    INT,
    KINDS,
    UNCHANGED,
    UPDATE,
    ImportColumn,
    ImportKind,
    ParsedRow,
    PlanContext,
    RowApplyError,
    RowError,
    RowPlan,
)

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 500
# The report keeps this many errors (and conflicts) and counts the rest.
REPORT_LIMIT = 500
MAX_ATTEMPTS = 3
# Formula-like text the export prefixed with an apostrophe (reqhub.exports.services.neutralise).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4ED8")
LISTS_SHEET = "lists"


class FileProblem(Exception):
    """The file as a whole cannot be imported (not .xlsx, wrong header row, too many rows)."""


def _stale_seconds() -> int:
    return int(getattr(settings, "IMPORT_STALE_SECONDS", settings.EXPORT_STALE_SECONDS))


# ---- Reading cells ------------------------------------------------------------------------------


def normal(text: Any) -> str:
    """Headers and labels compare without case or extra spaces."""
    return " ".join(str(text).split()).casefold()


@functools.cache
def choice_lookup(choices: Any) -> dict[str, str]:
    """Label (Chinese or English, any case) or code -> code."""
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(normal(label), value)
    for value in choices.values:
        lookup[normal(value)] = value
    return lookup


def _header_lookup(columns: list[ImportColumn]) -> dict[str, ImportColumn]:
    lookup: dict[str, ImportColumn] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for column in columns:
                lookup.setdefault(normal(column.header), column)
    for column in columns:
        lookup.setdefault(normal(column.name), column)
    return lookup


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]  # what the export neutralised comes back as the original text
    return text


def parse_cell(column: ImportColumn, value: Any) -> Any:
    """The cell's value as the column's type; None for an empty cell; ValueError with the
    message for the user when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise ValueError(_("Formulas are not imported; enter the value itself."))
    if column.cell == INT:
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value)
        if text.lstrip("-").isdigit():
            return int(text)
        raise ValueError(_("Enter a whole number."))
    if column.cell == DECIMAL:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(str(value))
        try:
            return Decimal(_text(value).replace(",", "").replace("¥", ""))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
    if column.cell == DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value).replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat(text[:10])
        except ValueError as exc:
            raise ValueError(_("Enter a date like 2026-03-31.")) from exc
    if column.cell == CHOICE and column.choices is not None:
        text = _text(value)
        code = choice_lookup(column.choices).get(normal(text))
        if code is None:
            labels = "; ".join(str(label) for label in column.choices.labels)
            raise ValueError(
                _("“%(value)s” is not one of: %(labels)s.") % {"value": text, "labels": labels}
            )
        return code
    return _text(value)


# ---- The file -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The header of an uploaded file, matched against the kind's columns."""

    columns: dict[int, ImportColumn]  # 0-based position -> writable column
    headers: dict[str, str]  # column name -> header text as in the file
    ignored: list[str] = field(default_factory=list)  # read-only columns (exports carry them)
    unknown: list[str] = field(default_factory=list)


def _open(source: Any) -> Any:
    try:
        return load_workbook(source, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(
            _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and upload it again.")
        ) from exc


def read_header(ws: Any, columns: list[ImportColumn]) -> Sheet:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
    lookup = _header_lookup(columns)
    sheet = Sheet(columns={}, headers={})
    problems: list[str] = []
    for index, raw in enumerate(first):
        if raw is None or not str(raw).strip():
            continue
        text = str(raw).strip()
        column = lookup.get(normal(text))
        if column is None:
            sheet.unknown.append(text)
        elif column.name in sheet.headers:
            problems.append(_("The column “%(name)s” appears twice.") % {"name": text})
        elif column.read_only:
            sheet.headers[column.name] = text
            sheet.ignored.append(text)
        else:
            sheet.headers[column.name] = text
            sheet.columns[index] = column
    missing = [str(c.header) for c in columns if c.required and c.name not in sheet.headers]
    if missing or not sheet.columns:
        expected = ", ".join(str(c.header) for c in columns if c.template)
        problems.append(
            _(
                "The first row must hold the column headers of the template. Missing: "
                "%(missing)s. Expected columns: %(expected)s."
            )
            % {"missing": ", ".join(missing) or "—", "expected": expected}
        )
    if problems:
        raise FileProblem(" ".join(problems))
    return sheet


def _rows(ws: Any, sheet: Sheet) -> Iterator[ParsedRow]:
    """Every non-empty row after the header, parsed; FileProblem past MAX_ROWS."""
    count = 0
    for number, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": MAX_ROWS}
            )
        row = ParsedRow(row=number, values={})
        for index, column in sheet.columns.items():
            raw = cells[index] if index < len(cells) else None
            try:
                row.values[column.name] = parse_cell(column, raw)
            except ValueError as exc:
                header = sheet.headers.get(column.name, str(column.header))
                row.errors.append(RowError(number, header, str(exc)))
                row.failed.append(column.name)
        yield row


def _count_rows(ws: Any) -> int:
    count = 0
    for cells in ws.iter_rows(min_row=2, values_only=True):
        if any(c is not None and not (isinstance(c, str) and not c.strip()) for c in cells):
            count += 1
            if count > MAX_ROWS:
                break
    return count


def _kind(kind: str, user: Any) -> ImportKind:
    if kind not in KINDS:
        raise ValidationError(
            {"kind": _("Unknown import “%(kind)s”. Available: %(all)s.")
             % {"kind": kind, "all": ", ".join(sorted(KINDS))}}
        )  # fmt: skip
    found = KINDS[kind]
    if not found.allowed(user):
        raise PermissionDenied(_("Your role may not import %(what)s.") % {"what": found.label})
    return found


def import_start(*, actor: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Check an uploaded file and queue its validation; the worker starts after commit.

    Refused with ValidationError (on ``file``) unless it is an .xlsx of at most 10 MB and
    20,000 rows whose first row holds the kind's headers; PermissionDenied when the role may
    not import this kind.
    """
    found = _kind(kind, actor)
    name = upload.name or "import.xlsx"
    if not name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel file (.xlsx).")})
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB; split it.")})
    upload.seek(0)
    data = upload.read()
    try:
        wb = _open(io.BytesIO(data))
        try:
            ws = wb.worksheets[0]
            read_header(ws, found.columns(actor))
            total = _count_rows(ws)
        finally:
            wb.close()
        if total > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": MAX_ROWS}
            )
        if total == 0:
            raise FileProblem(_("The file has no rows under the header."))
    except FileProblem as exc:
        raise ValidationError({"file": str(exc)}) from exc
    with transaction.atomic():
        job = ImportJob(
            user=actor, kind=kind, filename=name[:255], total=total,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )  # fmt: skip
        job.file.save(f"{uuid.uuid4().hex}.xlsx", io.BytesIO(data), save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue("validate", str(job.id)))
    return job


def _enqueue(step: str, job_id: str) -> None:
    """Send the step to the workers; with the broker down the catch-up sends it later."""
    from .tasks import import_commit_task, import_validate_task

    task = import_validate_task if step == "validate" else import_commit_task
    try:
        task.delay(job_id)
    except KombuOperationalError:
        logger.warning("Broker unavailable; import %s waits for the catch-up", job_id)


def imports_requeue(now: datetime | None = None) -> int:
    """Send again the jobs no worker holds (run by beat after a broker or worker outage)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_stale_seconds())
    jobs = list(
        ImportJob.objects.filter(
            Q(state=State.UPLOADED, created_at__lt=stale)
            | Q(state__in=[State.VALIDATING, State.COMMITTING], heartbeat_at__lt=stale)
        ).values_list("id", "state")
    )
    for job_id, state in jobs:
        _enqueue("commit" if state == State.COMMITTING else "validate", str(job_id))
    return len(jobs)


# ---- Template -----------------------------------------------------------------------------------


def template_build(*, actor: User, kind: str) -> bytes:
    """A blank .xlsx for ``kind``: styled frozen header, drop-downs, an instructions sheet."""
    found = _kind(kind, actor)
    columns = [c for c in found.columns(actor) if c.template and not c.read_only]
    wb = Workbook()
    ws = wb.active
    ws.title = str(found.label)[:31]
    lists = wb.create_sheet(LISTS_SHEET)
    help_ws = wb.create_sheet(_("Instructions")[:31])
    list_col = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=str(column.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        if column.help:
            cell.comment = Comment(str(column.help), "ReqHub", width=300, height=120)
        ws.column_dimensions[letter].width = column.width
        if column.cell == CHOICE and column.choices is not None:
            list_col += 1
            list_letter = get_column_letter(list_col)
            labels = [str(label) for label in column.choices.labels]
            lists.cell(row=1, column=list_col, value=str(column.header))
            for offset, label in enumerate(labels, start=2):
                lists.cell(row=offset, column=list_col, value=label)
            ref = (
                f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(labels) + 1}"
            )
            validation = DataValidation(
                type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                error=_("Pick a value from the list."), errorTitle=str(column.header),
            )  # fmt: skip
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    head = [_("Column"), _("Required"), _("What to enter"), _("Allowed values")]
    help_ws.append(head)
    for cell in help_ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in columns:
        allowed = (
            " / ".join(str(label) for label in column.choices.labels)
            if column.choices is not None
            else ""
        )
        help_ws.append(
            [str(column.header), _("yes") if column.required else "", str(column.help), allowed]
        )
    if found.instructions:
        help_ws.append([])
        help_ws.append([str(found.instructions)])
    for letter, width in zip("ABCD", (22, 8, 70, 60), strict=True):
        help_ws.column_dimensions[letter].width = width
    help_ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- Validate and commit ------------------------------------------------------------------------


@dataclass
class Tally:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("created", "updated", "unchanged", "conflicts", "errors"), 0
        )
    )
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_more: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    conflicts_more: int = 0
    rows: int = 0

    def add(self, plan: RowPlan) -> None:
        self.rows += 1
        if plan.action == ERROR:
            self.counts["errors"] += 1
            for error in plan.errors:
                if len(self.errors) < REPORT_LIMIT:
                    self.errors.append(
                        {"row": error.row, "column": error.column, "message": error.message,
                         "key": plan.key}
                    )  # fmt: skip
                else:
                    self.errors_more += 1
        elif plan.action == CONFLICT:
            self.conflict(plan.row, plan.key, plan.message)
        else:
            name = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}[plan.action]
            self.counts[name] += 1

    def conflict(self, row: int, key: str, message: str) -> None:
        self.counts["conflicts"] += 1
        if len(self.conflicts) < REPORT_LIMIT:
            self.conflicts.append({"row": row, "key": key, "message": message})
        else:
            self.conflicts_more += 1


def _claim(job_id: str, states: tuple[str, ...], running: str) -> ImportJob | None:
    """Take the job for this worker, or None when it is not for us (done, or held by a live
    worker); the job fails after too many interrupted attempts."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state not in states:
            return None
        stale = timezone.now() - timedelta(seconds=_stale_seconds())
        held = job.state == running and job.attempts > 0  # a worker took it before
        if held and job.heartbeat_at and job.heartbeat_at >= stale:
            return None
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            job.state, job.finished_at = State.FAILED, timezone.now()
            with translation.override(job.language):
                job.error = _("The import was interrupted too many times.")
            job.save(update_fields=["state", "error", "attempts", "finished_at"])
            return None
        job.state, job.progress, job.heartbeat_at = running, 0, timezone.now()
        job.save(update_fields=["state", "progress", "heartbeat_at", "attempts"])
    return job


def _walk(
    job: ImportJob, handle: Callable[[PlanContext, list[RowPlan]], None],
    progress: Callable[[int], None],
) -> Sheet:  # fmt: skip
    """Read the job's file chunk by chunk, plan each chunk, hand the plans to ``handle``."""
    kind = KINDS[job.kind]
    columns = kind.columns(job.user)
    with job.file.open("rb") as source:
        wb = _open(source)
        try:
            ws = wb.worksheets[0]
            sheet = read_header(ws, columns)
            headers = {c.name: str(c.header) for c in columns} | sheet.headers
            ctx = PlanContext(user=job.user, headers=headers)
            chunk: list[ParsedRow] = []
            done = 0
            for row in _rows(ws, sheet):
                chunk.append(row)
                if len(chunk) == CHUNK:
                    handle(ctx, kind.plan(ctx, chunk))
                    done += len(chunk)
                    chunk = []
                    progress(done)
            if chunk:
                handle(ctx, kind.plan(ctx, chunk))
        finally:
            wb.close()
    return sheet


def _percent(done: int, total: int) -> int:
    return min(99, done * 100 // max(total, 1))


def import_validate(job_id: str) -> ImportJob:
    """Validate every row and store the preview (counts, errors, conflicts); nothing is written.

    Safe to run again: a job past validation, or held by a live worker, is left alone.
    """
    job = _claim(job_id, (State.UPLOADED, State.VALIDATING), State.VALIDATING)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    tally = Tally()

    def handle(ctx: PlanContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            tally.add(plan)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            progress=_percent(done, job.total), heartbeat_at=timezone.now()
        )

    with translation.override(job.language):
        try:
            sheet = _walk(job, handle, progress)
        except FileProblem as exc:
            import_fail(job_id, str(exc))
            return ImportJob.objects.get(pk=job_id)
    report = {
        "errors": tally.errors, "errors_more": tally.errors_more,
        "conflicts": tally.conflicts, "conflicts_more": tally.conflicts_more,
        "ignored_columns": sheet.ignored, "unknown_columns": sheet.unknown,
    }  # fmt: skip
    ImportJob.objects.filter(pk=job.pk, state=State.VALIDATING).update(
        state=State.READY, progress=100, total=tally.rows, counts=tally.counts, report=report,
        heartbeat_at=timezone.now(), attempts=0,
    )  # fmt: skip
    job.refresh_from_db()
    return job


def import_commit_start(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the commit of a validated job without errors; the worker starts after commit."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk, user=actor)
        if locked.state != State.READY:
            raise ValidationError(_("This import is not waiting to be committed."))
        if locked.counts.get("errors"):
            raise ValidationError(
                _(
                    "Fix the rows with errors in the file and upload it again; nothing is "
                    "imported while any row is wrong."
                )
            )
        if not locked.to_write:
            raise ValidationError(_("Nothing to import: every row is unchanged or a conflict."))
        # attempts 0: no worker holds it yet; the heartbeat dates the request for the catch-up
        locked.state, locked.progress, locked.attempts = State.COMMITTING, 0, 0
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["state", "progress", "attempts", "heartbeat_at"])
        transaction.on_commit(lambda: _enqueue("commit", str(locked.id)))
    return locked


class _Abort(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _SideChannel:
    """Progress written on a second connection: the commit's own transaction stays open until
    the end, and the page must see the bar move meanwhile."""

    def __init__(self, job_id: Any) -> None:
        self.job_id = job_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def update(self, progress: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET progress = %s, heartbeat_at = %s "  # noqa: S608 -- table name, not input
                "WHERE id = %s",
                [progress, timezone.now(), self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def import_commit(job_id: str) -> ImportJob:
    """Write every planned row in one transaction; any failure saves nothing.

    Rows are planned again against the data as it is now: a row that became a conflict (changed
    by someone else since the file was exported) is skipped and reported, a row that became
    wrong fails the whole import with its row number. The job is marked done in the same
    transaction, so a worker killed half way leaves nothing behind and a re-run starts over.
    """
    job = _claim(job_id, (State.COMMITTING,), State.COMMITTING)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    kind = KINDS[job.kind]
    tally = Tally()
    side = _SideChannel(job.pk)

    def handle(ctx: PlanContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            if plan.action == ERROR:
                first = plan.errors[0]
                raise _Abort(
                    _("Row %(row)s, %(column)s: %(message)s")
                    % {"row": first.row, "column": first.column or "—", "message": first.message}
                )
        writes = [p for p in plans if p.action in (CREATE, UPDATE)]
        try:
            skipped = kind.apply(job.user, writes) if writes else []
        except RowApplyError as exc:
            raise _Abort(
                _("Row %(row)s (%(key)s): %(message)s")
                % {"row": exc.plan.row, "key": exc.plan.key or "—", "message": exc.message}
            ) from exc
        conflicts = {id(plan): message for plan, message in skipped}
        for plan in plans:
            if id(plan) in conflicts:
                tally.conflict(plan.row, plan.key, conflicts[id(plan)])
            else:
                tally.add(plan)

    try:
        with translation.override(job.language):
            try:
                with transaction.atomic():
                    _walk(job, handle, lambda done: side.update(_percent(done, job.total)))
                    report = {**job.report, "preview_counts": job.counts,
                              "commit_conflicts": tally.conflicts}  # fmt: skip
                    ImportJob.objects.filter(pk=job.pk).update(
                        state=State.DONE, progress=100, counts=tally.counts, report=report,
                        finished_at=timezone.now(), heartbeat_at=timezone.now(),
                    )  # fmt: skip
            except (_Abort, FileProblem) as exc:
                message = exc.message if isinstance(exc, _Abort) else str(exc)
                import_fail(job_id, _("%(message)s Nothing was imported.") % {"message": message})
    finally:
        side.close()
    job.refresh_from_db()
    return job


def import_fail(job_id: str, error: str) -> None:
    """Record a failure the user will see; the job is not retried after this."""
    ImportJob.objects.filter(pk=job_id).exclude(state=State.DONE).update(
        state=State.FAILED, error=error[:4000], finished_at=timezone.now()
    )


def imports_expire(now: datetime | None = None) -> int:
    """Delete uploaded files nobody needs any more; return how many were removed.

    A finished import's file goes ``EXPORT_TTL_HOURS`` after it finished; a preview left
    uncommitted for ``IMPORT_READY_DAYS`` expires with it (it shows as failed: upload again).
    """
    now = now or timezone.now()
    finished = Q(state__in=(State.DONE, State.FAILED)) & Q(
        finished_at__lt=now - timedelta(hours=settings.EXPORT_TTL_HOURS)
    )
    abandoned = Q(
        state=State.READY, created_at__lt=now - timedelta(days=settings.IMPORT_READY_DAYS)
    )
    removed = 0
    for job in ImportJob.objects.filter(finished | abandoned).exclude(file="").iterator():
        changes: dict[str, Any] = {"file": ""}
        if job.state == State.READY:
            changes |= {"state": State.FAILED, "finished_at": now,
                        "error": _("Expired: upload the file again.")}  # fmt: skip
        # only if still in that state: a preview being committed right now keeps its file
        if ImportJob.objects.filter(pk=job.pk, state=job.state).update(**changes):
            job.file.delete(save=False)
            removed += 1
    return removed
