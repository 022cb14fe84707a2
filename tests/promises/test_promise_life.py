"""The whole life of a promise through Slack, under frozen time: made, reminded, made good,
confirmed; "not yet"; a new date accepted or declined; released."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.ids import Action
from storage.models import PromiseState
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


def test_made_reminded_made_good_confirmed(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    assert promise.state is PromiseState.OPEN
    assert promise.owed_to_id == "U_DANA" and promise.maker_id == "U_TM"
    assert str(promise.due_date) == "2026-12-04" and promise.time_zone == "America/New_York"
    # the end of Friday in New York
    assert promise.due_at == datetime(2026, 12, 5, 5, 0, tzinfo=UTC)

    [card] = dms(bench, "U_TM")
    assert "You promised <@U_DANA> at Acme Resellers" in card.text
    assert "Register your next three Globex opportunities first" in texts(card)
    [note] = dms(bench, "U_DANA")
    assert "<@U_TM> promised to make it up to you by Fri 4 Dec 2026" in note.text
    assert action_value(note, Action.PROMISE_RELEASE) == str(promise.id)

    tick = ticker(bench)
    # The heads-up: Tuesday 1 Dec at 09:00 New York time (14:00 UTC), not a minute before.
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(1, 14)]
    clock.move_to(at(1, 13, 59))
    tick.tick()
    assert len(dms(bench, "U_TM")) == 1
    clock.move_to(
        at(
            1,
            14,
            0,
        )
    )
    tick.tick()
    first = dms(bench, "U_TM")[-1]
    assert "A friendly heads-up about your promise" in first.text
    assert "due in 3 days" in first.text
    # the next one is on the day, at 09:00 local
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(4, 14)]
    clock.move_to(
        at(
            4,
            14,
            0,
        )
    )
    tick.tick()
    second = dms(bench, "U_TM")[-1]
    assert "A reminder: your promise is due" in second.text and "due today" in second.text
    # overdue: two business days after Friday is Tuesday
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(8, 14)]
    clock.move_to(at(8, 14, 0))
    tick.tick()
    third = dms(bench, "U_TM")[-1]
    assert "Time to make good on your promise" in third.text and "overdue by 4 days" in third.text
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(10, 14)]
    clock.move_to(at(10, 14, 0))
    tick.tick()
    fourth = dms(bench, "U_TM")[-1]
    assert "overdue, and the partner's trust is on the line" in fourth.text
    # Thursday + 2 business days skips the weekend: Monday 14 Dec
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(14, 14)]

    made_good(bench, promise.id, note="Registered all three for you")
    assert stored(bench, promise.id).state is PromiseState.MADE_GOOD
    assert pending_reminders(bench, promise.id) == []
    request = dms(bench, "U_DANA")[-1]
    assert "<@U_TM> says they made good" in request.text
    assert "Registered all three for you" in texts(request)
    assert "I asked <@U_DANA> to confirm" in dms(bench, "U_TM")[-1].text

    click_partner(bench, Action.PROMISE_CONFIRM, action_value(request, Action.PROMISE_CONFIRM))
    kept = stored(bench, promise.id)
    assert kept.state is PromiseState.KEPT and kept.kept_on_time is False
    assert kept.closed_by == "U_DANA"
    assert last_reply(bench)["replace_original"] is True
    assert "You confirmed <@U_TM> made good" in last_reply(bench)["text"]
    assert "your promise is kept (late, but kept)" in dms(bench, "U_TM")[-1].text
    assert events(bench, promise.id) == [
        "made",
        "reminded",
        "reminded",
        "reminded",
        "reminded",
        "made_good",
        "confirmed",
    ]
    # nothing more is sent for a kept promise
    sent = len(dms(bench, "U_TM"))
    clock.move_to(at(20, 14))
    tick.tick()
    assert len(dms(bench, "U_TM")) == sent
