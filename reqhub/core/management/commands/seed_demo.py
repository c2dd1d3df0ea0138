"""`manage.py seed_demo`: demo users and data; running it again adds nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from customers.demo import seed_customers
from reqhub.accounts.roles import Role
from reqhub.accounts.services import roles_sync_groups, user_save

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


class Command(BaseCommand):
    help = "Create the demo users (password reqhub-demo) and demo customers; idempotent."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        roles_sync_groups()
        users = {}
        for username, role, name in DEMO_USERS:
            users[username] = user_save(
                username=username, role=role, first_name=name,
                email=f"{username}@reqhub.example.com",
                password=DEMO_PASSWORD,
            )  # fmt: skip
        created = seed_customers(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {created} new customers."))
