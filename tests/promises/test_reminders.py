"""Reminders go through the outbox: on time, never twice, never for a closed promise; and a
partner who can't be DMed is told in a thread in the partnership channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.domain import outbox
from bot.domain.promises.service import REMINDER_KIND
from handlers.ids import Action
from sandbox.slack import Fault
from storage.models import Occurrence, OccurrenceStatus, PromiseState
from tests.bench.harness import CHANNEL, PARTNER
from tests.promises.steps import (
    action_value,
    click_partner,
    dms,
    events,
    last_reply,
    made_good,
    make_promise,
    pending_reminders,
    stored,
    texts,
    ticker,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def reminder_dms(bench) -> list:
    return [m for m in dms(bench, "U_TM") if "Next reminder " in texts(m)]


def test_no_duplicate_reminders_across_ticks_tickers_and_a_restart(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    clock.move_to(at(1, 14, 5))
    first = ticker(bench, "replica-a")
    second = ticker(bench, "replica-b")
    first.tick()
    first.tick()
    second.tick()
    ticker(bench, "after-a-restart").tick()
    assert len(reminder_dms(bench)) == 1
    with bench.session() as session:
        sent = session.scalars(
            select(Occurrence).where(
                Occurrence.status == OccurrenceStatus.SENT, Occurrence.kind == REMINDER_KIND
            )
        ).all()
        assert [o.key for o in sent] == [f"promise:{promise.id}:1:1"]
        assert sent[0].channel == "DU_TM" and sent[0].ts
    assert events(bench, promise.id).count("reminded") == 1


def test_a_reminder_left_pending_for_a_closed_promise_is_skipped(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    made_good(bench, promise.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(promise.id))
    # as if an occurrence had escaped the cancel (say a replica enqueued it meanwhile)
    with bench.session() as session:
        outbox.enqueue(
            session,
            REMINDER_KIND,
            f"promise:{promise.id}:1:9",
            at(1, 14),
            subject_id=promise.id,
            payload={"plan": 1, "number": 1},
        )
        session.commit()
    sent = len(dms(bench, "U_TM"))
    clock.move_to(at(1, 15))
    report = ticker(bench).tick()
    assert [d.outcome.value for d in report.deliveries] == ["skipped"]
    assert "kept" in report.deliveries[0].reason
    assert len(dms(bench, "U_TM")) == sent


def test_a_stale_plan_is_skipped_after_a_snooze(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    with bench.session() as session:
        # a reminder of the first plan, claimed by a replica before the snooze cancelled it
        outbox.enqueue(
            session,
            REMINDER_KIND,
            "stale",
            at(1, 14),
            subject_id=promise.id,
            payload={"plan": 1, "number": 1},
        )
        session.commit()
    bench.click(Action.PROMISE_SNOOZE, "", channel="DU_TM", selected_option=f"{promise.id}:3d")
    with bench.session() as session:
        stale = session.scalar(select(Occurrence).where(Occurrence.key == "stale"))
        stale.status = OccurrenceStatus.PENDING  # it escaped the cancel
        session.commit()
    clock.move_to(at(1, 15))
    report = ticker(bench).tick()
    assert [d.outcome.value for d in report.deliveries] == ["skipped"]
    assert reminder_dms(bench) == []
    # the snoozed reminder itself goes on Thursday 3 Dec, 09:00 New York
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(3, 14)]


def test_a_rate_limited_reminder_is_retried_and_sent_once(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    # more 429s than the Web API client's own retries absorb
    fake_slack.fail("chat.postMessage", *[Fault(status=429, retry_after=1)] * 3)
    clock.move_to(at(1, 14))
    tick = ticker(bench)
    report = tick.tick()
    assert reminder_dms(bench) == []
    assert [d.outcome.value for d in report.deliveries] == ["retry"]
    clock.move_to(at(1, 15))
    tick.tick()
    tick.tick()
    assert len(reminder_dms(bench)) == 1
    assert events(bench, promise.id).count("reminded") == 1


def test_holidays_and_weekends_are_skipped_while_overdue(bench, fake_slack, partnership, clock):
    # due Wednesday 23 Dec; Friday 25 Dec is a US holiday, then the weekend
    promise = make_promise(bench, due="2026-12-23")
    clock.move_to(at(23, 14))
    tick = ticker(bench)
    tick.tick()
    assert "Due today" in reminder_dms(bench)[-1].text
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(28, 14)]
    clock.move_to(at(28, 14))
    tick.tick()
    assert "Overdue by 5 days" in reminder_dms(bench)[-1].text


def test_reminders_follow_the_makers_time_zone(bench, fake_slack, partnership, clock):
    # Casey is in Chicago: 09:00 there is 15:00 UTC
    promise = make_promise(bench, user="U_CAM")
    assert promise.time_zone == "America/Chicago"
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(1, 15)]


def test_dm_refused_falls_back_to_a_thread_in_the_channel(bench, fake_slack, partnership, clock):
    fake_slack.users["U_DANA"].dm_refused = True
    promise = make_promise(bench)
    assert dms(bench, "U_DANA") == []
    root, note = fake_slack.posts(CHANNEL)[-2:]
    assert root.thread_ts is None and "details are in this thread" in root.text
    assert note.thread_ts == root.ts
    assert note.text.startswith("<@U_DANA> ")
    assert "<@U_TM> (Vendor Inc) promises to make it up to you by Fri 4 Dec 2026." in note.text
    kept = stored(bench, promise.id)
    assert kept.in_thread and kept.partner_channel == CHANNEL and kept.partner_ts == root.ts

    # the confirmation request follows in the same thread, and is answered there
    made_good(bench, promise.id)
    request = fake_slack.posts(CHANNEL)[-1]
    assert request.thread_ts == root.ts and request.text.startswith("<@U_DANA> ")
    value = action_value(request, Action.PROMISE_CONFIRM)
    bench.click(Action.PROMISE_CONFIRM, value, user="U_DANA", user_team=PARTNER)
    assert stored(bench, promise.id).state is PromiseState.KEPT
    assert "You confirmed" in last_reply(bench)["text"]


def test_a_failed_partner_note_is_told_to_the_maker(bench, fake_slack, partnership, clock):
    fake_slack.fail("conversations.open", Fault(error="user_not_found"))
    promise = make_promise(bench)
    assert stored(bench, promise.id).state is PromiseState.OPEN
    said = "\n".join(texts(m) for m in dms(bench, "U_TM"))
    assert "I couldn't reach <@U_DANA> about your promise" in said
    # the cause in plain words (handlers.delivery's table), never Slack's code
    assert "Slack no longer knows that person" in said and "user_not_found" not in said


def test_a_ticker_dying_after_slack_answered_does_not_dm_twice(
    bench, fake_slack, partnership, clock
):
    from bot.app import make_client
    from handlers.promises.senders import send_reminder

    promise = make_promise(bench)
    clock.move_to(at(1, 14))
    with bench.session() as session:
        [claimed] = outbox.claim(session, "dying-replica", at(1, 14))
        session.commit()
        send_reminder(make_client(bench.settings), session, claimed)
        session.rollback()  # it died before recording the delivery
    assert len(reminder_dms(bench)) == 1
    clock.move_to(at(1, 14) + outbox.LEASE + timedelta(seconds=1))
    report = ticker(bench).tick()
    assert [d.outcome.value for d in report.deliveries] == ["sent"]
    assert len(reminder_dms(bench)) == 1
    assert events(bench, promise.id).count("reminded") == 1
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(4, 14)]


def test_a_reminder_slack_will_never_take_tells_the_other_owners(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    fake_slack.fail("conversations.open", Fault(error="user_disabled"))
    clock.move_to(at(1, 14))
    report = ticker(bench).tick()
    assert [d.outcome.value for d in report.deliveries] == ["permanent"]
    assert reminder_dms(bench) == []
    [note] = dms(bench, "U_CAM")  # U_CAM co-owns the partnership with the maker, U_TM
    assert "I couldn't remind <@U_TM>" in note.text
    # the cause in plain words, never Slack's code
    assert "Slack account is deactivated" in note.text and "user_disabled" not in note.text
    assert "Register your next three Globex opportunities first" in note.text
    assert stored(bench, promise.id).state is PromiseState.OPEN
