"""When a promise's maker is reminded: calendar math in the maker's zone, no database.

The plan, for a promise due on day D in the maker's time zone:
1. a heads-up three days before D (moved back to a business day if it falls on a weekend or
   a holiday of the partnership's holiday country; dropped if that is not before step 2);
2. on D itself (or the business day before, when D is not a business day);
3. while the promise is still open after D: every second business day, counting from D.
Every reminder goes at 09:00 in the maker's zone. A snooze moves the next reminder to 09:00 on
the chosen business day; the plan then goes on from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

REMIND_AT = time(9, 0)
HEADS_UP_DAYS = 3
OVERDUE_EVERY_BUSINESS_DAYS = 2
# A reminder plan far in the past (downtime, a clock jump) is walked at most this far.
MAX_STEPS = 5000


class Snooze(StrEnum):
    ONE_DAY = "1d"
    THREE_DAYS = "3d"
    NEXT_WEEK = "week"


SNOOZE_LABELS = {
    Snooze.ONE_DAY: "1 day",
    Snooze.THREE_DAYS: "3 days",
    Snooze.NEXT_WEEK: "Next week",
}


@lru_cache(maxsize=64)
def _holidays(country: str | None, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:  # a country code the library no longer knows
        return frozenset()


@dataclass(frozen=True)
class Calendar:
    """Business days for one promise: weekends and the partnership's holidays are off."""

    time_zone: str
    holiday_country: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.holiday_country, day.year)

    def on_or_before(self, day: date) -> date:
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self.on_or_after(day + timedelta(days=1))
        return day

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def at_reminder_time(self, day: date) -> datetime:
        """09:00 on ``day`` in the maker's zone, in UTC."""
        return datetime.combine(day, REMIND_AT, tzinfo=self.zone).astimezone(UTC)


def due_at(due_date: date, time_zone: str) -> datetime:
    """The end of the due date in the maker's zone (the next local midnight), in UTC."""
    next_day = due_date + timedelta(days=1)
    return datetime.combine(next_day, time(0), tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def reminder_days(due_date: date, calendar: Calendar) -> Iterator[date]:
    """The local days a maker is reminded on, in order, without end (overdue ones repeat)."""
    on_the_day = calendar.on_or_before(due_date)
    heads_up = calendar.on_or_before(due_date - timedelta(days=HEADS_UP_DAYS))
    if heads_up < on_the_day:
        yield heads_up
    yield on_the_day
    day = due_date
    while True:
        day = calendar.add_business_days(day, OVERDUE_EVERY_BUSINESS_DAYS)
        yield day


def next_reminder(due_date: date, calendar: Calendar, after: datetime) -> datetime | None:
    """The first planned reminder strictly after ``after`` (UTC)."""
    for step, day in enumerate(reminder_days(due_date, calendar)):
        moment = calendar.at_reminder_time(day)
        if moment > after:
            return moment
        if step > MAX_STEPS:
            return None
    return None  # pragma: no cover - the days never run out


def snooze_until(option: Snooze, calendar: Calendar, now: datetime) -> datetime:
    """When a snoozed promise is next reminded: 09:00 on a business day in the maker's zone."""
    today = calendar.today(now)
    if option is Snooze.ONE_DAY:
        day = today + timedelta(days=1)
    elif option is Snooze.THREE_DAYS:
        day = today + timedelta(days=3)
    else:
        day = today + timedelta(days=7 - today.weekday())  # next Monday
    return calendar.at_reminder_time(calendar.on_or_after(day))


def days_left(due_date: date, calendar: Calendar, moment: datetime) -> int:
    """Calendar days from ``moment``'s local date to the due date (negative once overdue)."""
    return (due_date - calendar.today(moment)).days
