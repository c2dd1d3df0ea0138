"""Response SLA and the technical-plan deadline, on the Chinese working-day calendar."""

from datetime import date, datetime, timedelta

import chinese_calendar

RESPONSE_WINDOW = {"urgent": timedelta(hours=24), "normal": timedelta(hours=72)}
PLAN_WORKING_DAYS = 3
NEAR_BREACH = timedelta(hours=4)


def is_working_day(day: date) -> bool:
    """Holidays and adjusted working days (调休) per the State Council calendar.

    Outside the years the calendar package knows, weekends are the only days off.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The same time of day, ``days`` working days after ``start``'s date."""
    day = start.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, start.timetz())


def response_due(urgency_class: str, start: datetime) -> datetime | None:
    window = RESPONSE_WINDOW.get(urgency_class)
    return start + window if window else None


def plan_due(start: datetime) -> datetime:
    return add_working_days(start, PLAN_WORKING_DAYS)
