"""Excel exports: start a job (queued after commit), run it with progress, expire old files."""

import logging
import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reqhub.accounts.models import User

from .models import ExportJob, State
from .registry import KINDS, Column

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 2_000
MAX_ATTEMPTS = 3
# Text a spreadsheet would run as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4ED8")


def export_start(*, actor: User, kind: str, filters: dict[str, Any] | None = None) -> ExportJob:
    """Queue an export of what ``actor`` sees in list ``kind``; the worker starts after commit."""
    if kind not in KINDS:
        raise ValidationError(
            {"kind": _("Unknown export “%(kind)s”. Available: %(all)s.")
             % {"kind": kind, "all": ", ".join(sorted(KINDS))}}
        )  # fmt: skip
    if filters is not None and not isinstance(filters, dict):
        raise ValidationError({"filters": _("Filters are an object of field names and values.")})
    filterset_class = KINDS[kind].filterset
    if filters and filterset_class is not None:
        checked = filterset_class(filters, queryset=filterset_class._meta.model.objects.none())
        if not checked.is_valid():
            raise ValidationError(
                {"filters": [f"{k}: {' '.join(v)}" for k, v in checked.errors.items()]}
            )
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=actor, kind=kind, filters=filters or {},
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )  # fmt: skip
        transaction.on_commit(lambda: _enqueue(str(job.id)))
    return job


def _enqueue(job_id: str) -> None:
    """Send the job to the workers; with the broker down it stays queued for the catch-up."""
    from .tasks import export_run_task

    try:
        export_run_task.delay(job_id)
    except KombuOperationalError:
        logger.warning("Broker unavailable; export %s waits for the catch-up", job_id)


def exports_requeue(now: datetime | None = None) -> int:
    """Send again the jobs no worker holds: queued for a while, or running without heartbeat.

    Run by beat, this catches up after a broker or worker outage; a job already held by a live
    worker is never sent twice at once (export_run checks the heartbeat).
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    ids = list(
        ExportJob.objects.filter(
            Q(state=State.QUEUED, created_at__lt=stale)
            | Q(state=State.RUNNING, heartbeat_at__lt=stale)
        ).values_list("id", flat=True)
    )
    for job_id in ids:
        _enqueue(str(job_id))
    return len(ids)


def neutralise(value: Any) -> Any:
    """Cell value as Excel should store it: real dates and numbers, inert text."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float, Decimal)) or value is None:
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _header(ws: Worksheet, columns: list[Column]) -> None:
    row = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        row.append(cell)
    ws.append(row)


def _cells(ws: Worksheet, columns: list[Column], record: dict[str, Any]) -> list[Any]:
    cells = []
    for column in columns:
        value = neutralise(column.value(record))
        if column.number_format and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = column.number_format
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def export_run(job_id: str) -> ExportJob:
    """Write the job's file, updating progress; safe to run again (it starts over, one file).

    The file is written beside its final name and renamed into place, so a worker killed half
    way leaves no half file behind and a re-run produces exactly one file.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.state in (State.DONE, State.FAILED):
            return job
        stale = timezone.now() - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
        if job.state == State.RUNNING and job.heartbeat_at and job.heartbeat_at >= stale:
            return job  # a live worker has it
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            job.state, job.error = State.FAILED, _("The export was interrupted too many times.")
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error", "attempts", "finished_at"])
            return job
        job.state, job.progress, job.rows = State.RUNNING, 0, 0
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(
            update_fields=["state", "started_at", "heartbeat_at", "progress", "rows", "attempts"]
        )

    kind = KINDS[job.kind]
    user = job.user
    final = Path(settings.MEDIA_ROOT) / "exports" / f"{job.id}.xlsx"
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".part")
    with translation.override(job.language):
        columns = kind.columns(user)
        rows = kind.rows(user, job.filters)
        total = rows.count() if hasattr(rows, "count") else 0
        ExportJob.objects.filter(pk=job.pk).update(total=total)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=str(kind.label)[:31])
        ws.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        _header(ws, columns)
        written = 0
        iterator = rows.iterator(chunk_size=2_000) if hasattr(rows, "iterator") else iter(rows)
        for record in iterator:
            ws.append(_cells(ws, columns, record))
            written += 1
            if written % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(
                    rows=written,
                    progress=min(99, written * 100 // max(total, 1)),
                    heartbeat_at=timezone.now(),
                )
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last}{written + 1}"
        wb.save(partial)
    os.replace(partial, final)
    now = timezone.now()
    ttl = timedelta(hours=settings.EXPORT_TTL_HOURS)
    ExportJob.objects.filter(pk=job.pk).update(
        state=State.DONE, progress=100, rows=written, total=max(total, written),
        file=f"exports/{job.id}.xlsx", finished_at=now, expires_at=now + ttl,
    )  # fmt: skip
    job.refresh_from_db()
    return job


def export_fail(job_id: str, error: str) -> None:
    """Record a failure the user will see; the job is not retried after this."""
    ExportJob.objects.filter(pk=job_id).exclude(state=State.DONE).update(
        state=State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def exports_expire(now: datetime | None = None) -> int:
    """Delete the files of expired exports; return how many were removed."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lt=now).exclude(file="")
    removed = 0
    for job in expired.iterator():
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="", state=State.FAILED, error=_("Expired."))
        removed += 1
    return removed
