"""Business numbers (C2026001, REQ-2026-000001) that stay unique under concurrent creation."""

from django.db import connection
from django.utils import timezone


def counter_next(key: str) -> int:
    """Return the next value for ``key`` in one atomic upsert (no lost update, no gap on race).

    Run inside the transaction that stores the object, a rollback hands the number back.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_counter (key, value) VALUES (%s, 1) "
            "ON CONFLICT (key) DO UPDATE SET value = core_counter.value + 1 "
            "RETURNING value",
            [key],
        )
        (value,) = cursor.fetchone()
    return int(value)


def current_year() -> int:
    """The year in the project's time zone (Asia/Shanghai), not UTC's."""
    return timezone.localdate().year
