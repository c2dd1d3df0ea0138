"""`manage.py adduser <username> --role <role> --password <password>`: create or update."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reqhub.accounts.roles import Role
from reqhub.accounts.services import roles_sync_groups, user_save


class Command(BaseCommand):
    help = "Create a user with a role, or update the role and password of an existing one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", default=None)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        roles_sync_groups()
        user = user_save(
            username=options["username"],
            role=options["role"],
            password=options["password"],
            email=options["email"],
        )
        self.stdout.write(self.style.SUCCESS(f"{user.username}: role {user.role}"))
