"""Review prompts go out on the cadence, in the partnership's zone and calendar, by tick(now)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.domain.people import Actor
from bot.domain.reviews import schedules as review_schedules
from bot.domain.reviews.cadence import to_utc
from storage.models import Partnership
from tests.bench.harness import VENDOR
from tests.reviews.helpers import linked, prompt_key, prompts, schedule, set_cadence, tick

MON, TUE, WED, THU, FRI = range(5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sent(report):
    """The review prompts a tick sent (overdue DMs and the like left out)."""
    return [d for d in report.deliveries if d.kind == "review_prompt"]


def nominal_dates(fake) -> list[str]:
    return [prompt_key(m).rsplit(":", 1)[1] for m in prompts(fake)]


def test_every_two_weeks_across_iso_week_53_follows_the_anchor(bench, fake_slack):
    # 2026 has 53 ISO weeks: cron week='*/2' would fire 2026-12-29 and again 2027-01-05.
    p = linked(bench, tz="Europe/Berlin", at=utc(2026, 12, 1, 8))
    set_cadence(
        bench,
        p,
        every=2,
        weekday=TUE,
        at=time(10),
        starting=date(2026, 12, 15),
        now=utc(2026, 12, 1, 8),
    )
    for day in (15, 22, 29):
        tick(bench, utc(2026, 12, day, 9, 0, 20))
    for moment in (utc(2027, 1, 5, 9, 0, 20), utc(2027, 1, 12, 8, 59), utc(2027, 1, 12, 9, 0, 20)):
        tick(bench, moment)
    assert nominal_dates(fake_slack) == ["2026-12-15", "2026-12-29", "2027-01-12"]
    assert schedule(bench).next_on == date(2027, 1, 26)


def test_new_york_keeps_local_time_across_spring_forward_and_fall_back(bench, fake_slack):
    p = linked(bench, tz="America/New_York", at=utc(2026, 10, 20, 12))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=MON,
        at=time(9, 30),
        starting=date(2026, 10, 26),
        now=utc(2026, 10, 20, 12),
    )
    # 26 Oct: EDT (13:30 UTC); 2 Nov, after fall back: EST (14:30 UTC).
    assert not sent(tick(bench, utc(2026, 10, 26, 13, 29)))
    assert len(sent(tick(bench, utc(2026, 10, 26, 13, 30, 5)))) == 1
    assert not sent(tick(bench, utc(2026, 11, 2, 13, 30, 5)))
    assert len(sent(tick(bench, utc(2026, 11, 2, 14, 30, 5)))) == 1
    # Spring forward on Sunday 14 March 2027: Monday 15 March is 13:30 UTC again.
    with_schedule = schedule(bench)
    assert with_schedule.next_due_at == utc(2026, 11, 9, 14, 30)
    tick(bench, utc(2027, 3, 8, 14, 30, 5))  # catches up (downtime): only the 8 March one
    assert schedule(bench).next_due_at == utc(2027, 3, 15, 13, 30)
    assert not sent(tick(bench, utc(2027, 3, 15, 13, 29)))
    assert len(sent(tick(bench, utc(2027, 3, 15, 13, 30, 5)))) == 1
    assert nominal_dates(fake_slack) == ["2026-10-26", "2026-11-02", "2027-03-08", "2027-03-15"]


def test_berlin_keeps_local_time_across_both_changes(bench, fake_slack):
    p = linked(bench, tz="Europe/Berlin", at=utc(2027, 3, 20, 12))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=FRI,
        at=time(8),
        starting=date(2027, 3, 26),
        now=utc(2027, 3, 20, 12),
    )
    # Spring forward on Sunday 28 March 2027: 08:00 is 07:00 UTC (CET), then 06:00 UTC (CEST).
    assert not sent(tick(bench, utc(2027, 3, 26, 6, 59)))
    assert len(sent(tick(bench, utc(2027, 3, 26, 7, 0, 5)))) == 1
    assert not sent(tick(bench, utc(2027, 4, 2, 5, 59)))
    assert len(sent(tick(bench, utc(2027, 4, 2, 6, 0, 5)))) == 1
    assert nominal_dates(fake_slack) == ["2027-03-26", "2027-04-02"]
    # Fall back on Sunday 31 October 2027: Friday 29 Oct is CEST (06:00Z), 5 Nov CET (07:00Z).
    assert to_utc(date(2027, 10, 29), time(8), "Europe/Berlin") == utc(2027, 10, 29, 6)
    assert to_utc(date(2027, 11, 5), time(8), "Europe/Berlin") == utc(2027, 11, 5, 7)


def test_a_local_time_that_does_not_exist_moves_to_the_first_valid_instant(bench, fake_slack):
    # Egypt springs forward at midnight on the last Friday of April: 00:30 doesn't exist.
    p = linked(bench, tz="Africa/Cairo", at=utc(2027, 4, 20, 12))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=FRI,
        at=time(0, 30),
        starting=date(2027, 4, 30),
        now=utc(2027, 4, 20, 12),
    )
    assert schedule(bench).next_due_at == utc(2027, 4, 29, 22)  # 01:00 EEST, the jump
    assert not sent(tick(bench, utc(2027, 4, 29, 21, 59)))
    assert len(sent(tick(bench, utc(2027, 4, 29, 22, 0, 5)))) == 1
    assert schedule(bench).next_due_at == utc(2027, 5, 6, 21, 30)  # 00:30 EEST


def test_moving_a_review_into_the_dst_gap_and_overlap_in_new_york(bench, fake_slack):
    p = linked(bench, tz="America/New_York", at=utc(2027, 3, 1, 12))
    set_cadence(
        bench,
        p,
        every=2,
        weekday=TUE,
        at=time(10),
        starting=date(2027, 3, 16),
        now=utc(2027, 3, 1, 12),
    )
    actor = Actor("U_TM", VENDOR)
    with bench.session() as session:
        partnership = session.get(Partnership, p.id)
        from freezegun import freeze_time

        with freeze_time(utc(2027, 3, 1, 12)):
            moved = review_schedules.move_next(
                session, partnership, actor, date(2027, 3, 14), "02:30"
            )
            session.commit()
    assert moved.next_due_at == utc(2027, 3, 14, 7)  # 03:00 EDT: the clocks jump 02:00 → 03:00
    assert len(sent(tick(bench, utc(2027, 3, 14, 7, 0, 5)))) == 1
    assert schedule(bench).next_due_at == utc(2027, 3, 30, 14)  # the cadence goes on
    # An ambiguous time (fall back) takes its first occurrence.
    assert to_utc(date(2026, 11, 1), time(1, 30), "America/New_York") == utc(2026, 11, 1, 5, 30)


def test_a_half_hour_zone(bench, fake_slack):
    p = linked(bench, tz="Asia/Kolkata", at=utc(2026, 12, 1, 3))
    set_cadence(
        bench,
        p,
        every=3,
        weekday=WED,
        at=time(9, 30),
        starting=date(2026, 12, 2),
        now=utc(2026, 12, 1, 3),
    )
    assert schedule(bench).next_due_at == utc(2026, 12, 2, 4)  # 09:30 IST = 04:00 UTC
    assert not sent(tick(bench, utc(2026, 12, 2, 3, 59, 59)))
    assert len(sent(tick(bench, utc(2026, 12, 2, 4, 0, 5)))) == 1
    assert schedule(bench).next_due_at == utc(2026, 12, 23, 4)


def test_a_holiday_moves_one_send_but_not_the_cadence(bench, fake_slack):
    # Thanksgiving, Thursday 26 Nov 2026: that review goes out on Friday; the next stays Thursday.
    p = linked(bench, tz="America/New_York", country="US", at=utc(2026, 11, 10, 12))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=THU,
        at=time(10),
        starting=date(2026, 11, 19),
        now=utc(2026, 11, 10, 12),
    )
    tick(bench, utc(2026, 11, 19, 15, 0, 5))
    assert not sent(tick(bench, utc(2026, 11, 26, 15, 0, 5)))
    assert len(sent(tick(bench, utc(2026, 11, 27, 15, 0, 5)))) == 1
    assert schedule(bench).next_due_at == utc(2026, 12, 3, 15)
    tick(bench, utc(2026, 12, 3, 15, 0, 5))
    assert nominal_dates(fake_slack) == ["2026-11-19", "2026-11-26", "2026-12-03"]
    sent_at = [m.ts for m in prompts(fake_slack)]
    assert len(sent_at) == 3
