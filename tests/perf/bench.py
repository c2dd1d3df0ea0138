"""Benchmarks of the requirement pool at scale, each beside a raw-SQL baseline from the same run.

Run it with `scripts/bench.sh` (see there), never by the test suite: it needs the `reqhub_bench`
database, seeded with the bulk seeder, and takes minutes. Each figure is timed over --runs runs
after --warmup untimed ones (re-scoring the pool, a minute-scale statement, over
--rescore-runs); p50/p95 are nearest-rank percentiles in milliseconds. The table goes to stdout
and to test-artifacts/bench.txt.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress, even on a pipe
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reqhub.settings.local")
# Measure as deployed: no DEBUG (which records every query), no HTTPS redirect for the client.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

# Celery messages of this run under their own prefix: a developer's worker never takes them.
os.environ.setdefault("CELERY_BROKER_KEY_PREFIX", f"reqhub-bench-{os.getpid()}:")

# No collectstatic here: WhiteNoise's notice about it is noise.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from customers.models import Customer  # noqa: E402
from reqhub.accounts.models import User  # noqa: E402
from reqhub.exports import services as exports  # noqa: E402
from requirements import access, bulk, scoring, selectors, services  # noqa: E402
from requirements.exports import requirement_rows  # noqa: E402
from requirements.models import Requirement, RescoreJob, ScoringModel  # noqa: E402

BENCH_DB = "reqhub_bench"
DUPLICATE_TITLE = "希望生产数据能实时同步到ERP系统"
POOL_SQL = (
    "SELECT r.id, number, title, r.status, score, priority, quadrant, customer_id, owner_id, "
    "created_at, updated_at FROM requirements_requirement r "
    "JOIN requirements_requirementrank k ON k.requirement_id = r.id WHERE k.status = 'new' "
    "ORDER BY score DESC, r.id DESC LIMIT 50"
)
SEARCH_SQL = (
    "SELECT r.id, number, title, r.status, score, priority, quadrant, customer_id, owner_id, "
    "created_at, updated_at FROM requirements_requirement r "
    "JOIN requirements_requirementrank k ON k.requirement_id = r.id "
    "WHERE k.status = 'new' AND search @@ to_tsquery('simple', %s) "
    "ORDER BY score DESC, r.id DESC LIMIT 50"
)
CANDIDATES_SQL = (
    "SELECT number, title, description, status FROM requirements_requirement "
    "WHERE customer_id = %s AND status NOT IN ('merged', 'rejected') ORDER BY id DESC LIMIT 500"
)
POOL_CANDIDATES_SQL = (
    "SELECT number, title, description, status FROM requirements_requirement "
    "WHERE status NOT IN ('merged', 'rejected') AND search @@ to_tsquery('simple', %s) "
    "ORDER BY id DESC LIMIT 500"
)
STATUS_SQL = (
    "SELECT id, number, title, status, updated_at, planned_completion, access_code_hash "
    "FROM requirements_requirement WHERE number = %s"
)
# Two scoring models to alternate between, so every re-score changes most rows.
WEIGHTS = [
    scoring.Weights(Decimal("0.40"), Decimal("0.20"), Decimal("0.20"), Decimal("0.20"),
                    Decimal("4.0"), Decimal("3.0")),
    scoring.Weights(Decimal("0.25"), Decimal("0.25"), Decimal("0.30"), Decimal("0.20"),
                    Decimal("3.8"), Decimal("2.8")),
]  # fmt: skip


@dataclass
class Figure:
    name: str
    target_ms: float  # in ``unit``
    times: list[float]
    raw: list[float]
    note: str = ""
    unit: str = "ms"

    @property
    def ok(self) -> bool:
        return percentile(self.times, 95) <= self.target_ms


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank: ceil(n * p / 100)
    return ordered[int(rank) - 1]


def timed(fn: Callable[[], Any], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def raw(sql: str, params: list[Any] | None = None) -> Callable[[], list[Any]]:
    def run() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def raw_update(sql: str) -> Callable[[], int]:
    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return int(cursor.rowcount)

    return run


def ensure_data(customers: int, requirements: int) -> bool:
    """Top the database up to the requested scale with the bulk seeder; True if it seeded."""
    have_customers = Customer.objects.count()
    have_requirements = Requirement.objects.count()
    more_customers = max(0, customers - have_customers)
    more_requirements = max(0, requirements - have_requirements)
    if not more_customers and not more_requirements:
        print(
            f"Data already there: {have_customers:,} customers, "
            f"{have_requirements:,} requirements; not seeding."
        )
        return False
    print(f"Seeding {more_customers:,} customers and {more_requirements:,} requirements ...")
    call_command("seed_demo", customers=more_customers, requirements=more_requirements)
    vacuum()
    return True


def vacuum() -> None:
    """Set the visibility map and hint bits, as autovacuum would, outside any timing."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) requirements_requirement")
        cursor.execute("VACUUM (ANALYZE) requirements_requirementrank")
        cursor.execute("VACUUM (ANALYZE) customers_customer")


def api_client(user: User) -> tuple[Client, dict[str, str]]:
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_HOST": "localhost"}
    return Client(), headers


def api_get(client: Client, headers: dict[str, str], url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url, secure=True, **headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content!r}")
        return response

    return run


def requirements_api_url() -> str | None:
    try:
        return reverse("requirement-list")
    except NoReverseMatch:
        return None


def pool_figures(pm: User, runs: int, warmup: int) -> list[Figure]:
    figures = []
    raw_pool = timed(raw(POOL_SQL), runs, warmup)

    def orm_pool() -> list[Requirement]:
        qs = selectors.requirement_visible(pm).filter(rank__status="new")
        return list(qs.select_related("customer", "owner").order_by("-rank__score", "-id")[:50])

    figures.append(Figure("1. pool page, ORM", 50, timed(orm_pool, runs, warmup), raw_pool))
    url = requirements_api_url()
    if url is None:
        print("The requirements API is not registered yet: API figures left out.")
        return figures
    client, headers = api_client(pm)
    page = f"{url}?status=new&ordering=-score&page_size=50"
    response = api_get(client, headers, page)()
    assert len(response.json()["results"]) == 50, response.content[:300]
    figures.append(
        Figure("1. pool page, API", 50, timed(api_get(client, headers, page), runs, warmup),
               raw_pool)
    )  # fmt: skip
    query = "同步"
    search_page = f"{url}?status=new&q={query}&ordering=-score&page_size=50"
    raw_search = timed(raw(SEARCH_SQL, [query]), runs, warmup)
    figures.append(
        Figure("1. search q=同步 page, API", 50,
               timed(api_get(client, headers, search_page), runs, warmup), raw_search)
    )  # fmt: skip
    return figures


def duplicate_figures(pm: User, runs: int, warmup: int) -> list[Figure]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customer_id, count(*) FROM requirements_requirement GROUP BY customer_id "
            "HAVING count(*) BETWEEN 25 AND 50 ORDER BY customer_id LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        print("No customer with 25-50 requirements at this scale: duplicate figure left out.")
        return []
    customer = Customer.objects.get(pk=row[0])

    def for_customer() -> Any:
        return selectors.requirement_duplicates(pm, title=DUPLICATE_TITLE, customer=customer)

    def whole_pool() -> Any:
        return selectors.requirement_duplicates(pm, title=DUPLICATE_TITLE)

    from requirements import search

    any_token = " | ".join(dict.fromkeys(search.tokens(DUPLICATE_TITLE)))
    return [
        Figure(f"2. duplicates, customer ({row[1]} reqs)", 100,
               timed(for_customer, runs, warmup),
               timed(raw(CANDIDATES_SQL, [customer.pk]), runs, warmup)),
        Figure("2. duplicates, whole pool", 100, timed(whole_pool, runs, warmup),
               timed(raw(POOL_CANDIDATES_SQL, [any_token]), runs, warmup)),
    ]  # fmt: skip


def rescore_figure(runs: int) -> Figure:
    """The re-scoring job as a worker runs it (services.rescore_run: batches by id, each
    committed, progress after each), alternating two models so most rows change every run;
    beside it one raw UPDATE rewriting every rank row, rolled back. Vacuumed between runs (not
    timed), as autovacuum would, so the table does not bloat from run to run."""
    times, raw_times = [], []
    first = 1 if scoring.weights_current() == WEIGHTS[0] else 0  # every run must change rows
    for i in range(runs):
        w = WEIGHTS[(first + i) % 2]
        # As scoring_model_update saves it, minus queueing the job (no worker is involved).
        ScoringModel.objects.update_or_create(pk=1, defaults={
            "w_importance": w.importance, "w_urgency": w.urgency,
            "w_customer_value": w.customer_value, "w_ease": w.ease,
            "high_threshold": w.high_threshold, "medium_threshold": w.medium_threshold,
        })  # fmt: skip
        job = RescoreJob.objects.create()
        started = time.perf_counter()
        job = services.rescore_run(str(job.id))
        times.append((time.perf_counter() - started) * 1000)
        print(f"   re-score run {i + 1} job: {times[-1] / 1000:.1f}s, {job.changed:,} changed")
        vacuum()
        started = time.perf_counter()
        try:
            with transaction.atomic():
                raw_update("UPDATE requirements_requirementrank SET score = score")()
                raw_times.append((time.perf_counter() - started) * 1000)
                raise _Rollback
        except _Rollback:
            pass
        print(f"   re-score run {i + 1} raw: {raw_times[-1] / 1000:.1f}s")
        vacuum()
    return Figure("3. re-score whole pool", 30_000, times, raw_times, note=f"n={runs}")


class _Rollback(Exception):
    pass


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _export_filters(rows: int) -> dict[str, str]:
    """A pool filter matching the newest ``rows`` requirements and the rest of the oldest one's
    creation day (a few hundred more)."""
    newest = Requirement.objects.order_by("-created_at", "-id").values_list("created_at", flat=True)
    return {"created_after": timezone.localdate(newest[rows - 1]).isoformat()}


def export_figures(pm: User, runs: int, rows: int) -> list[Figure]:
    """The requirements export of ``rows`` rows as a real worker process runs it (solo pool,
    its own broker key prefix), from queued to done, and the worker's peak memory; beside
    them a bare openpyxl write-only loop over the same query's rows, in its own process."""
    filters = _export_filters(rows)
    exported = requirement_rows(pm, filters)
    sql, params = exported.query.sql_with_params()
    count = exported.count()
    env = {**os.environ, "CELERY_BROKER_KEY_PREFIX": os.environ["CELERY_BROKER_KEY_PREFIX"]}
    log = ROOT / "test-artifacts" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "reqhub", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    times, peaks = [], []
    try:
        for i in range(runs):
            started = time.perf_counter()
            job = exports.export_start(actor=pm, kind="requirements", filters=filters)
            while job.state not in ("done", "failed"):
                if worker.poll() is not None:
                    raise SystemExit(f"The worker exited ({worker.returncode}); see {log}.")
                time.sleep(0.05)
                job.refresh_from_db()
            if job.state != "done":
                raise SystemExit(f"The export failed: {job.error}")
            times.append((time.perf_counter() - started) * 1000)
            peaks.append(_peak_mb(worker.pid))
            print(f"   export run {i + 1}: {times[-1] / 1000:.1f}s, {job.rows:,} rows, "
                  f"worker peak {peaks[-1]:.0f} MB")  # fmt: skip
            Path(job.file.path).unlink(missing_ok=True)
            job.delete()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    bare_times, bare_peaks = [], []
    for i in range(runs):
        query = json.dumps([sql, list(params)], default=str)
        out = subprocess.run(
            [sys.executable, __file__, "--bare-export", query],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        elapsed, peak = json.loads(out.stdout.strip().splitlines()[-1])
        bare_times.append(elapsed)
        bare_peaks.append(peak)
        print(f"   bare openpyxl run {i + 1}: {elapsed / 1000:.1f}s, peak {peak:.0f} MB")
    note = f"{count:,} rows, n={runs}"
    return [
        Figure("5. export requirements, queued to done", 15_000, times, bare_times, note=note),
        Figure("5. export, worker peak memory", 250, peaks, bare_peaks, note=note, unit="MB"),
    ]


def bare_export(query: str) -> None:
    """The baseline: the export's query through a server-side cursor into a write-only
    workbook, no formatting or labels; prints [milliseconds, peak MB]."""
    sql, params = json.loads(query)
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("bare")
    with transaction.atomic(), connection.connection.cursor(name="bare") as cursor:
        cursor.itersize = 2_000
        cursor.execute(sql, params)
        for row in cursor:
            ws.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
    with tempfile.TemporaryDirectory() as tmp:
        wb.save(Path(tmp) / "bare.xlsx")
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps([elapsed, _peak_mb(os.getpid())]))


def status_figures(runs: int, warmup: int) -> list[Figure]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number FROM requirements_requirement TABLESAMPLE SYSTEM (1) LIMIT 500"
        )
        numbers = [r[0] for r in cursor.fetchall()]
    rng = random.Random(7)  # noqa: S311 -- which rows to read, not a secret
    code = bulk.ACCESS_CODE

    def orm_lookup() -> bool:
        req = Requirement.objects.only(
            "id", "number", "title", "status", "updated_at", "planned_completion",
            "access_code_hash",
        ).get(number=rng.choice(numbers))  # fmt: skip
        return access.code_matches(code, req.access_code_hash)

    def raw_lookup() -> Any:
        return raw(STATUS_SQL, [rng.choice(numbers)])()

    figures = [
        Figure("4. status look-up, ORM + hmac", 15, timed(orm_lookup, runs, warmup),
               timed(raw_lookup, runs, warmup)),
    ]  # fmt: skip
    if not orm_lookup():
        figures[0].note = "code differs (SECRET_KEY changed since seeding)"
    try:
        from requirements import public
    except ImportError:
        return figures
    figures.append(
        Figure("4. status look-up, public.status_lookup", 15,
               timed(lambda: public.status_lookup(rng.choice(numbers), code), runs, warmup),
               figures[0].raw)
    )  # fmt: skip
    return figures


def table(figures: list[Figure]) -> str:
    def ms(v: float, unit: str = "ms") -> str:
        if unit != "ms":
            return f"{v:.0f} {unit}"
        return f"{v / 1000:.1f}s" if v >= 10_000 else f"{v:.1f}"

    head = ["figure", "p50 ms", "p95 ms", "raw p50", "raw p95", "ratio p50", "target", "ok?"]
    rows = [head]
    for f in figures:
        raw50 = percentile(f.raw, 50)
        rows.append([
            f.name + (f" ({f.note})" if f.note else ""), ms(percentile(f.times, 50), f.unit),
            ms(percentile(f.times, 95), f.unit), ms(raw50, f.unit),
            ms(percentile(f.raw, 95), f.unit),
            f"{percentile(f.times, 50) / raw50:.1f}x" if raw50 else "-",
            f"≤ {ms(f.target_ms, f.unit)}", "ok" if f.ok else "OVER",
        ])  # fmt: skip
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        " | ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)) for r in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    env = os.environ.get
    parser.add_argument(
        "--requirements", type=int, default=int(env("REQHUB_BENCH_REQUIREMENTS", "1000000"))
    )
    parser.add_argument(
        "--customers", type=int, default=int(env("REQHUB_BENCH_CUSTOMERS", "100000"))
    )
    parser.add_argument("--runs", type=int, default=int(env("REQHUB_BENCH_RUNS", "60")))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--rescore-runs", type=int, default=int(env("REQHUB_BENCH_RESCORE_RUNS", "3"))
    )
    parser.add_argument(
        "--export-rows", type=int, default=int(env("REQHUB_BENCH_EXPORT_ROWS", "100000"))
    )
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--bare-export", help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=["pool", "duplicates", "rescore", "status", "export"],
        action="append",
        help="Run only these figures (repeatable).",
    )
    args = parser.parse_args()
    if args.bare_export:
        connection.ensure_connection()
        bare_export(args.bare_export)
        return

    name = connection.settings_dict["NAME"]
    if name != BENCH_DB:
        raise SystemExit(f"Refusing to run against {name!r}: benchmarks use {BENCH_DB!r} only.")
    started = time.monotonic()
    ensure_data(args.customers, args.requirements)
    pm = User.objects.get(username="pm")
    only = set(args.only or ["pool", "duplicates", "rescore", "status", "export"])
    figures: list[Figure] = []
    if "pool" in only:
        print("Timing the pool pages ...")
        figures += pool_figures(pm, args.runs, args.warmup)
    if "duplicates" in only:
        print("Timing the duplicate look-ups ...")
        figures += duplicate_figures(pm, args.runs, args.warmup)
    if "status" in only:
        print("Timing the status look-ups ...")
        figures += status_figures(args.runs, args.warmup)
    if "export" in only and args.export_runs > 0:
        print("Timing the Excel export on a real worker ...")
        figures += export_figures(pm, args.export_runs, args.export_rows)
    if "rescore" in only and args.rescore_runs > 0:
        print("Timing re-scoring the pool (minutes a run at 1,000,000 requirements) ...")
        figures.append(rescore_figure(args.rescore_runs))
    figures.sort(key=lambda f: f.name.split(".")[0])  # in the brief's order, stable within
    report = "\n".join([
        f"ReqHub benchmarks, {datetime.now():%Y-%m-%d %H:%M}, database {name}: "
        f"{Requirement.objects.count():,} requirements, {Customer.objects.count():,} customers",
        f"commit {_commit()}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.runs} runs per figure after "
        f"{args.warmup} warm-up runs; ratio = p50 / raw p50",
        "",
        table(figures),
        "",
        f"Total {time.monotonic() - started:.0f}s.",
    ])  # fmt: skip
    print()
    print(report)
    out = ROOT / "test-artifacts" / "bench.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report + "\n", encoding="utf-8")
    print(f"Written to {out.relative_to(ROOT)}.")


def _commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
    except OSError:
        return "?"
    return result.stdout.strip() or "?"


if __name__ == "__main__":
    main()
