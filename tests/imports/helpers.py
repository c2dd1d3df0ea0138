"""Building Excel files and running import jobs for tests."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from reqhub.accounts.models import User
from reqhub.imports import services
from reqhub.imports.models import ImportJob


def xlsx(rows: list[list[Any]], name: str = "import.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def validate(user: User, kind: str, rows: list[list[Any]] | SimpleUploadedFile) -> ImportJob:
    upload = rows if isinstance(rows, SimpleUploadedFile) else xlsx(rows)
    job = services.import_start(actor=user, kind=kind, upload=upload)
    return services.import_validate(str(job.id))


def commit(job: ImportJob) -> ImportJob:
    services.import_commit_start(actor=job.user, job=job)
    return services.import_commit(str(job.id))


def run(user: User, kind: str, rows: list[list[Any]] | SimpleUploadedFile) -> ImportJob:
    """Validate and commit; the preview must have no errors."""
    job = validate(user, kind, rows)
    assert job.state == "ready", (job.error, job.report)
    assert job.counts["errors"] == 0, job.report["errors"]
    return commit(job)
