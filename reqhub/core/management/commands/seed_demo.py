"""`manage.py seed_demo`: demo users and data; running it again adds nothing twice.

With `--customers N --requirements M` it instead bulk-loads that many synthetic customers and
requirements (requirements.bulk, PostgreSQL COPY) for load tests, then refreshes the planner's
statistics.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import transaction

from customers.demo import seed_customers
from reqhub.accounts.models import User
from reqhub.accounts.roles import Role
from reqhub.accounts.services import roles_sync_groups, user_save
from requirements import bulk
from requirements.demo import seed_requirements

DEMO_PASSWORD = "reqhub-demo"
DEMO_USERS = [
    ("admin", Role.ADMIN, "系统管理员"),
    ("pm", Role.PRODUCT_MANAGER, "陈晓"),
    ("sales1", Role.SALES_REP, "李明"),
    ("sales2", Role.SALES_REP, "张芳"),
    ("cs", Role.CUSTOMER_SUCCESS, "赵婷"),
    ("dev", Role.DELIVERY, "孙工"),
    ("reviewer", Role.REVIEWER, "周审"),
    ("manager", Role.MANAGER, "王总"),
]


class ProgressBar:
    """A one-line progress bar on a terminal; on a pipe, a line every tenth of the way."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.label = ""
        self.started = 0.0
        self.reported = -1

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.label, self.started, self.reported = label, time.monotonic(), -1
        share = done / total if total else 1.0
        tenth = int(share * 10)
        if not self.tty and tenth == self.reported:
            return
        self.reported = tenth
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate else 0.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{label:>12} [{bar}] {share:4.0%} {done:,}/{total:,} {elapsed:5.1f}s"
        if rate >= 1 and done < total:
            line += f" {rate:,.0f}/s eta {eta:.0f}s"
        end = "\n" if done >= total or not self.tty else ""
        # On a terminal each line overwrites the last: pad it so no tail of that one remains.
        self.stream.write(("\r" + line.ljust(100) if self.tty else line) + end, ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Create the demo users (password reqhub-demo), demo customers and demo requirements; "
        "idempotent. With --customers/--requirements, bulk-load that many synthetic rows instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--customers", type=int, default=0, help="Synthetic customers to add (bulk mode)."
        )
        parser.add_argument(
            "--requirements",
            type=int,
            default=0,
            help="Synthetic requirements to add, spread over the new customers (bulk mode).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=bulk.BATCH, help="Rows per COPY (bulk mode)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        customers, requirements = options["customers"], options["requirements"]
        if customers < 0 or requirements < 0:
            raise CommandError("--customers and --requirements cannot be negative.")
        users = self._users()
        if customers or requirements:
            result = bulk.bulk_seed(
                customers=customers,
                requirements=requirements,
                users=users,
                progress=ProgressBar(self.stderr),
                batch_size=options["batch_size"],
            )
            analyzing = time.monotonic()
            bulk.analyze()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bulk data ready: {result.customers:,} customers and "
                    f"{result.requirements:,} requirements in {result.seconds:.1f}s "
                    f"(+ ANALYZE {time.monotonic() - analyzing:.1f}s; "
                    f"total {time.monotonic() - started:.1f}s)."
                )
            )
            return
        with transaction.atomic():
            created = seed_customers(users)
            made = seed_requirements(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} new customers, {made} new requirements "
                f"({time.monotonic() - started:.1f}s)."
            )
        )

    @transaction.atomic
    def _users(self) -> dict[str, User]:
        roles_sync_groups()
        users = {}
        for username, role, name in DEMO_USERS:
            users[username] = user_save(
                username=username, role=role, first_name=name,
                email=f"{username}@reqhub.example.com",
                password=DEMO_PASSWORD,
            )  # fmt: skip
        return users
