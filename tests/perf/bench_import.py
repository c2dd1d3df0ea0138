"""Time of validating and committing a 10,000-row customer import (target: at most 30 s).

Run `python tests/perf/bench_import.py` (the project's virtualenv): it creates a throw-away
database (test_reqhub_bench_import, or TEST_DATABASE_NAME), runs the services the worker runs,
prints the times and drops the database. Not collected by pytest. Two rounds: 10,000 new
customers, then the same customers exported, every row edited and imported back (updates).
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reqhub.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "test_reqhub_bench_import")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))


def upload(wb: Workbook) -> SimpleUploadedFile:
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("bench.xlsx", out.getvalue())


def timed(label: str, user, kind: str, file: SimpleUploadedFile) -> None:
    from reqhub.imports import services

    started = time.perf_counter()
    job = services.import_start(actor=user, kind=kind, upload=file)
    uploaded = time.perf_counter()
    job = services.import_validate(str(job.id))
    validated = time.perf_counter()
    assert job.counts["errors"] == 0, job.report["errors"][:3]
    services.import_commit_start(actor=user, job=job)
    job = services.import_commit(str(job.id))
    done = time.perf_counter()
    assert job.state == "done", job.error
    print(
        f"{label:<28} rows={job.total:>6}  upload check {uploaded - started:5.1f} s  "
        f"validate {validated - uploaded:5.1f} s  commit {done - validated:5.1f} s  "
        f"total {done - started:5.1f} s  counts={job.counts}"
    )


def main() -> None:
    from reqhub.accounts.models import User
    from reqhub.accounts.roles import Role
    from reqhub.exports import services as exports
    from reqhub.imports import services as imports

    # The bench runs each step inline: nothing goes to the broker (no worker would find the
    # throw-away database's jobs).
    imports._enqueue = lambda step, job_id: None  # type: ignore[assignment]
    exports._enqueue = lambda job_id: None  # type: ignore[assignment]
    manager = User.objects.create_user("bench-manager", password="x", role=Role.MANAGER)
    translation.activate("en")
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Industry", "Size", "Region", "Lifecycle", "Value tier", "Satisfaction",
               "Uses per month", "First cooperation", "Notes"])  # fmt: skip
    for i in range(ROWS):
        ws.append([f"基准客户{i}有限公司", "Manufacturing", "100-499 employees", "苏州", "活跃",
                   "high", 1 + i % 5, i, "2024-03-01", f"第 {i} 行的备注"])  # fmt: skip
    timed("create", manager, "customers", upload(wb))

    export = exports.export_run(str(exports.export_start(actor=manager, kind="customers").id))
    edited = load_workbook(export.file.path)
    sheet = edited.active
    column = [c.value for c in sheet[1]].index("Region") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value="杭州")
    timed("update (edited export)", manager, "customers", upload(edited))


if __name__ == "__main__":
    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
