"""Set-ups for review tests: a linked partnership with a cadence, and ticking at a moment."""

from __future__ import annotations

from datetime import date, datetime, time

from freezegun import freeze_time
from sqlalchemy import select

from bot.domain.people import Actor
from bot.domain.reviews import schedules as review_schedules
from bot.domain.reviews.schedules import CadenceForm
from bot.runtime import make_ticker
from bot.scheduler import TickReport
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Occurrence, Partnership, Review, ReviewSchedule
from tests.bench.harness import CHANNEL, VENDOR, SlackBench
from tests.bench.scenarios import link_partnership

TM = Actor("U_TM", VENDOR)


def linked(
    bench: SlackBench,
    *,
    tz: str = "America/New_York",
    country: str | None = None,
    at: datetime,
    channel: str = CHANNEL,
) -> Partnership:
    """A partnership linked through Slack at the frozen moment ``at``."""
    with freeze_time(at):
        return link_partnership(
            bench,
            channel=channel,
            **{B.TIME_ZONE: rq.option(tz), B.HOLIDAY_COUNTRY: rq.text(country or "")},
        )


def set_cadence(
    bench: SlackBench,
    partnership: Partnership,
    *,
    every: int,
    weekday: int,
    at: time,
    starting: date,
    now: datetime,
) -> ReviewSchedule:
    with freeze_time(now), bench.session() as session:
        p = session.get(Partnership, partnership.id)
        schedule = review_schedules.set_cadence(
            session, p, CadenceForm(str(every), str(weekday), f"{at:%H:%M}", starting), TM
        )
        session.commit()
        return schedule


def tick(bench: SlackBench, now: datetime) -> TickReport:
    with freeze_time(now):
        return make_ticker(bench.settings, bench.sessions).tick(now)


def occurrences(bench: SlackBench, kind: str | None = None) -> list[Occurrence]:
    with bench.session() as session:
        query = select(Occurrence).order_by(Occurrence.due_at, Occurrence.id)
        if kind:
            query = query.where(Occurrence.kind == kind)
        return list(session.scalars(query))


def reviews(bench: SlackBench) -> list[Review]:
    with bench.session() as session:
        return list(session.scalars(select(Review).order_by(Review.nominal_on)))


def schedule(bench: SlackBench) -> ReviewSchedule:
    with bench.session() as session:
        found = session.scalar(select(ReviewSchedule))
        assert found is not None
        return found


def prompts(fake, channel: str = CHANNEL):
    """Top-level review prompts posted in the channel (not thread replies)."""
    return [
        m
        for m in fake.posts(channel)
        if m.thread_ts is None
        and (m.metadata or {}).get("event_type") == "partnerbot_reminder"
        and str(m.metadata["event_payload"]["key"]).startswith("review:")
    ]


def prompt_key(message) -> str:
    return message.metadata["event_payload"]["key"]
