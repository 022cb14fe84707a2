"""/promise list, the review agenda's open and overdue promises, and promise-keeping figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time

from bot.domain.partners.names import Sides
from bot.domain.promises import plan as plan
from bot.domain.promises.records import open_promises_for, promise_keeping
from bot.domain.promises.service import promises_open_and_overdue
from handlers.blocks import MAX_MESSAGE_BLOCKS
from handlers.ids import Action
from handlers.promises import messages
from storage.models import Promise, PromiseState
from tests.bench.harness import OTHER, block_texts, response_json
from tests.promises.steps import MADE_AT, click_partner, made_good, make_promise


def test_promise_list_shows_mine_and_owners_see_all(bench, fake_slack, partnership, clock):
    mine = make_promise(bench)
    cams = make_promise(bench, user="U_CAM", due="2026-12-10")
    body = response_json(bench.command("/promise", "list"))
    assert body["response_type"] == "ephemeral"
    text = block_texts(body["blocks"])
    assert "Your open promises" in text and "due in 4 days, on Fri 4 Dec 2026" in text
    # U_TM owns the partnership too, so Casey's promise shows under the owned ones
    assert "Open promises on partnerships you own" in text and "<@U_CAM> → <@U_DANA>" in text

    made_good(bench, mine.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(mine.id))
    text = block_texts(response_json(bench.command("/promise", "list"))["blocks"])
    assert "Your open promises" not in text
    assert "Register your next three" in text  # Casey's, still open
    assert cams.id


def test_a_vendor_person_who_owns_nothing_sees_only_their_own(bench, fake_slack, partnership):
    fake_slack.add_user("U_VAL", "T_VENDOR", "Val", "America/New_York")
    make_promise(bench)
    body = response_json(bench.command("/promise", "list", user="U_VAL"))
    assert "No open promises" in block_texts(body["blocks"])


def test_unknown_subcommand_says_what_works(bench, partnership):
    body = response_json(bench.command("/promise", "lsit"))
    assert "I don't know `/promise lsit`" in body["text"] and "/promise list" in body["text"]


def test_the_list_stays_within_slacks_block_limit(bench, fake_slack, partnership, clock, session):
    for n in range(60):
        make_promise(bench, **{"due": f"2026-12-{1 + n % 28:02d}"})
    listed = open_promises_for(session, "U_TM")
    message = messages.list_message(listed, MADE_AT)
    assert len(message["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert listed.more == 20
    assert "and 20 more" in block_texts(message["blocks"])
    assert response_json(bench.command("/promise", "list"))["blocks"]


def test_open_and_overdue_for_the_review_agenda(bench, fake_slack, partnership, clock, session):
    early = make_promise(bench, due="2026-12-01")
    later = make_promise(bench, due="2026-12-09")
    pending = make_promise(bench, due="2026-12-01")
    made_good(bench, pending.id)
    agenda = promises_open_and_overdue(session, partnership.id, datetime(2026, 12, 3, tzinfo=UTC))
    assert [p.id for p in agenda.open] == [early.id, pending.id, later.id]
    # made good (waiting for the partner) is not overdue
    assert [p.id for p in agenda.overdue] == [early.id]


def test_promise_keeping_per_maker_and_per_partnership(bench, fake_slack, partnership, clock):
    on_time = make_promise(bench, due="2026-12-01")
    late = make_promise(bench, due="2026-12-01")
    overdue = make_promise(bench, due="2026-12-01")
    released = make_promise(bench, user="U_CAM", due="2026-12-01")
    waiting = make_promise(bench, user="U_CAM", due="2026-12-20")
    made_good(bench, on_time.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(on_time.id))
    clock.move_to(datetime(2026, 12, 3, 15, tzinfo=UTC))
    made_good(bench, late.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(late.id))
    click_partner(bench, Action.PROMISE_RELEASE, str(released.id))
    now = datetime(2026, 12, 3, 16, tzinfo=UTC)
    with bench.session() as session:
        by_maker = {k.key: k for k in promise_keeping(session, now, by="maker")}
        tm, cam = by_maker["U_TM"], by_maker["U_CAM"]
        assert (tm.kept_on_time, tm.kept_late, tm.overdue, tm.waiting, tm.released) == (
            1,
            1,
            1,
            0,
            0,
        )
        assert tm.on_time_rate == 1 / 3
        assert (cam.released, cam.waiting, cam.total) == (1, 1, 2)
        assert cam.on_time_rate is None
        [whole] = promise_keeping(session, now, by="partnership", vendor_team_id="T_VENDOR")
        assert whole.key == partnership.id and whole.total == 5 and whole.overdue == 1
        assert promise_keeping(session, now, vendor_team_id=OTHER) == []
        assert session.get(Promise, overdue.id).state is PromiseState.OPEN
        assert session.get(Promise, waiting.id).state is PromiseState.OPEN


# -- the plan on its own -------------------------------------------------------------------------
NY = plan.Calendar("America/New_York", "US")


def days(due: date, count: int, calendar: plan.Calendar = NY) -> list[date]:
    out = []
    for day in plan.reminder_days(due, calendar):
        out.append(day)
        if len(out) == count:
            return out
    return out


def test_heads_up_on_the_day_then_every_second_business_day():
    assert days(date(2026, 12, 4), 5) == [
        date(2026, 12, 1),
        date(2026, 12, 4),
        date(2026, 12, 8),
        date(2026, 12, 10),
        date(2026, 12, 14),
    ]


def test_a_weekend_due_date_is_reminded_the_friday_before():
    # due Sunday 6 Dec: heads-up Thursday 3 Dec, "on the day" Friday 4 Dec
    assert days(date(2026, 12, 6), 3) == [date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 8)]


def test_a_heads_up_landing_on_a_holiday_moves_earlier():
    # due Sunday 29 Nov: heads-up would be Thanksgiving (26 Nov), so Wednesday 25 Nov
    assert days(date(2026, 11, 29), 2)[:2] == [date(2026, 11, 25), date(2026, 11, 27)]


def test_reminders_are_at_nine_local_time_across_daylight_saving():
    berlin = plan.Calendar("Europe/Berlin", "DE")
    assert berlin.at_reminder_time(date(2026, 3, 27)) == datetime(2026, 3, 27, 8, tzinfo=UTC)
    assert berlin.at_reminder_time(date(2026, 3, 30)) == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_due_at_is_the_end_of_the_due_date_in_the_makers_zone():
    assert plan.due_at(date(2026, 12, 4), "Asia/Kolkata") == datetime(
        2026, 12, 4, 18, 30, tzinfo=UTC
    )


def test_next_reminder_after_downtime_skips_to_the_next_one_due():
    after = datetime(2026, 12, 9, 12, tzinfo=UTC)  # missed Tue 8 Dec
    assert plan.next_reminder(date(2026, 12, 4), NY, after) == datetime(
        2026, 12, 10, 14, tzinfo=UTC
    )


def test_snooze_choices():
    friday_noon = datetime(2026, 12, 4, 17, tzinfo=UTC)
    assert plan.snooze_until(plan.Snooze.ONE_DAY, NY, friday_noon) == datetime(
        2026, 12, 7, 14, tzinfo=UTC
    )  # Saturday is no business day: Monday
    assert plan.snooze_until(plan.Snooze.THREE_DAYS, NY, friday_noon) == datetime(
        2026, 12, 7, 14, tzinfo=UTC
    )
    assert plan.snooze_until(plan.Snooze.NEXT_WEEK, NY, friday_noon - timedelta(days=3)) == (
        datetime(2026, 12, 7, 14, tzinfo=UTC)
    )


def test_reminder_tone_follows_the_state_and_gets_firmer_as_days_pass():
    headlines = {left: messages.tone(left) for left in (3, 1, 0, -1, -4, -5, -9)}
    assert headlines[3] == (":wave:", "Due in 3 days")
    assert headlines[1] == (":alarm_clock:", "Due tomorrow")
    assert headlines[0] == (":alarm_clock:", "Due today")
    assert headlines[-1] == (":warning:", "Overdue by 1 day")
    assert headlines[-4] == (":warning:", "Overdue by 4 days")
    # from the fifth day late on, the firmest emoji
    assert headlines[-5] == (":rotating_light:", "Overdue by 5 days")
    assert headlines[-9] == (":rotating_light:", "Overdue by 9 days")


@freeze_time(MADE_AT)
def test_worst_case_messages_fit_slacks_limits():
    long = "x" * 1000
    promise = Promise(
        id=1,
        maker_id="U_TM",
        owed_to_id="U_DANA",
        raw_deal=long,
        promise=long,
        due_date=date(2026, 12, 4),
        due_at=plan.due_at(date(2026, 12, 4), "America/New_York"),
        time_zone="America/New_York",
        state=PromiseState.OPEN,
        made_good_note="y" * 500,
        proposed_due_date=date(2026, 12, 18),
        proposed_reason="z" * 500,
    )
    from storage.models import Partnership

    promise.partnership = Partnership(id=1, partner_name="P" * 200, channel_id="C1")
    for message in (
        messages.maker_card(promise, MADE_AT, "note"),
        messages.reminder_message(promise, MADE_AT),
        messages.partner_note(promise, Sides("V" * 200, "P" * 200), True),
        messages.made_good_request(promise, True),
        messages.renegotiation_request(promise, 3, True),
        messages.to_maker(promise, long, True),
    ):
        assert len(message["blocks"]) <= MAX_MESSAGE_BLOCKS
        assert len(message["text"]) <= 3000
