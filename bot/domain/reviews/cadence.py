"""Cadence math: when each review of a partnership falls, in its own zone and calendar.

Rules, in one line each:
- Nominal dates come from ``dateutil.rrule(WEEKLY, interval=N, byweekday=D)`` counted from
  the schedule's anchor date, never from ISO week numbers (2026 has 53 of them).
- A nominal date on a weekend or a public holiday of the holiday country sends on the next
  business day; the following nominal dates are unchanged (the cadence does not drift).
- A local time that does not exist that day (spring forward) moves forward to the first
  valid instant, the moment the clocks jump (02:30 in New York on 14 March 2027 → 03:00 EDT).
- A local time that happens twice (fall back) takes its first occurrence (fold=0).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import WEEKLY, rrule, weekday

from bot.domain.text import zone_name

MIN_WEEKS, MAX_WEEKS = 1, 8
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Cadence:
    """Every ``every_weeks`` weeks on ``weekday`` (0 = Monday) at ``at`` local time."""

    every_weeks: int
    weekday: int
    at: time
    time_zone: str
    holiday_country: str | None
    anchor_on: date

    def describe(self) -> str:
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        return f"{every} on {WEEKDAYS[self.weekday]} at {self.at:%H:%M} {zone_name(self.time_zone)}"


@dataclass(frozen=True)
class Slot:
    """One review of a cadence: its nominal date and when its prompt goes out (UTC)."""

    nominal_on: date
    due_at: datetime


def first_on_or_after(day: date, weekday_: int) -> date:
    return day + timedelta(days=(weekday_ - day.weekday()) % 7)


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_business_day(day: date, country: str | None) -> bool:
    if day.weekday() >= 5:
        return False
    return not (country and day in _holidays(country, day.year))


def send_day(nominal: date, country: str | None) -> date:
    """The nominal date, or the next business day when it falls on a weekend or holiday."""
    day = nominal
    while not is_business_day(day, country):
        day += timedelta(days=1)
    return day


def add_business_days(moment: datetime, days: int, tz: str, country: str | None) -> datetime:
    """``moment`` plus ``days`` business days, at the same local time (UTC out)."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(days):
        day += timedelta(days=1)
        while not is_business_day(day, country):
            day += timedelta(days=1)
    return to_utc(day, local.time().replace(tzinfo=None), tz)


def to_utc(day: date, at: time, tz: str) -> datetime:
    """A local wall-clock time in ``tz`` as an aware UTC instant (see the module's rules)."""
    zone = ZoneInfo(tz)
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant  # exists (if it happens twice, fold=0 is the first)
    # It doesn't exist: the clocks jump over it. Find the jump: the first UTC instant whose
    # local time is at or after the wanted wall time.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = instant
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def nominal_dates(cadence: Cadence, start: date) -> Iterator[date]:
    """The cadence's nominal dates on or after ``start``.

    The first review is the anchor date's weekday on or after the anchor; the rule starts
    at the last review on or before ``start`` so iterating costs the same in year ten.
    """
    first = first_on_or_after(cadence.anchor_on, cadence.weekday)
    period = 7 * cadence.every_weeks
    skipped = max(0, (start - first).days // period)
    rule = rrule(
        WEEKLY,
        interval=cadence.every_weeks,
        byweekday=weekday(cadence.weekday),
        dtstart=datetime.combine(first + timedelta(days=skipped * period), time()),
    )
    for moment in rule:
        if moment.date() >= start:
            yield moment.date()


def slot(cadence: Cadence, nominal: date) -> Slot:
    day = send_day(nominal, cadence.holiday_country)
    return Slot(nominal_on=nominal, due_at=to_utc(day, cadence.at, cadence.time_zone))


def slots(cadence: Cadence, start: date) -> Iterator[Slot]:
    """The cadence's reviews from nominal date ``start`` on, with their send instants."""
    for nominal in nominal_dates(cadence, start):
        yield slot(cadence, nominal)


def next_slot(cadence: Cadence, after: datetime) -> Slot:
    """The first review whose prompt goes out after ``after``."""
    local_day = after.astimezone(ZoneInfo(cadence.time_zone)).date()
    # A holiday run can push a send a few days past its nominal date: start a little early.
    for candidate in slots(cadence, max(cadence.anchor_on, local_day - timedelta(days=14))):
        if candidate.due_at > after:
            return candidate
    raise AssertionError("a weekly rule never ends")


def upcoming(cadence: Cadence, after: datetime, until: datetime) -> list[Slot]:
    """Every review whose prompt goes out in (after, until]."""
    found: list[Slot] = []
    first = next_slot(cadence, after)
    for candidate in slots(cadence, first.nominal_on):
        if candidate.due_at > until:
            break
        found.append(candidate)
    return found
