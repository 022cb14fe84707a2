"""Calendar quarters in a partnership's time zone, and SQL that buckets rows by quarter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case

from bot.domain.clock import utcnow

QUARTERS_SHOWN = 4


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return Quarter(self.year, self.number).next().start

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def local_today(tz: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(tz)).date()


def last_quarters(today: date, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    """The current quarter and the ``count - 1`` before it, oldest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    return quarters


def start_instant(day: date, tz: str) -> datetime:
    """Local midnight of ``day`` in ``tz``, as an aware datetime (compared in UTC)."""
    return datetime.combine(day, time(0), ZoneInfo(tz))


def bucket(column: Any, bounds: Sequence[Any]) -> Any:
    """The index of the interval [bounds[i], bounds[i+1]) a value falls in (SQL CASE)."""
    return case(*[(column < bound, i) for i, bound in enumerate(bounds[1:])], else_=None)


def within(column: Any, bounds: Sequence[Any]) -> ColumnElement[bool]:
    return and_(column >= bounds[0], column < bounds[-1])
