"""The whole life of a promise through Slack, under frozen time: made, reminded, made good,
confirmed; "not yet"; a new date accepted or declined; released."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import PromiseState
from tests.bench.harness import PARTNER, response_json
from tests.promises.steps import (
    action_value,
    click_partner,
    click_vendor,
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
    assert "<@U_TM> (Vendor Inc) promises to make it up to you by Fri 4 Dec 2026." in note.text
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
    assert ":wave: Due in 3 days — your promise to <@U_DANA>" in first.text
    assert "It is due on Fri 4 Dec 2026. If that date won't hold" in texts(first)
    assert "Next reminder Fri 4 Dec 2026, unless you mark it made good or snooze it." in texts(
        first
    )
    assert "Reminder 1" not in texts(first)
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
    assert ":alarm_clock: Due today — your promise" in second.text
    assert "It is due today, Fri 4 Dec 2026." in texts(second)
    assert "Next reminder Tue 8 Dec 2026, unless you mark it made good" in texts(second)
    # overdue: two business days after Friday is Tuesday
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(8, 14)]
    clock.move_to(at(8, 14, 0))
    tick.tick()
    third = dms(bench, "U_TM")[-1]
    assert ":warning: Overdue by 4 days — your promise" in third.text
    assert "It was due on Fri 4 Dec 2026 and <@U_DANA> is still waiting." in texts(third)
    assert "Next reminder Thu 10 Dec 2026" in texts(third)
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(10, 14)]
    clock.move_to(at(10, 14, 0))
    tick.tick()
    fourth = dms(bench, "U_TM")[-1]
    assert ":rotating_light: Overdue by 6 days — your promise" in fourth.text
    assert "<@U_DANA> has been waiting 6 days. Make good on it today" in texts(fourth)
    # the state is said once: no sentence says "overdue" twice
    assert all(line.lower().count("overdue") <= 1 for line in texts(fourth).splitlines())
    assert "Next reminder Mon 14 Dec 2026" in texts(fourth)
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


def test_not_yet_goes_back_to_the_maker_until_confirmed(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    clock.move_to(at(3, 16))
    made_good(bench, promise.id, note="Sent the registrations")
    request = dms(bench, "U_DANA")[-1]

    click_partner(bench, Action.PROMISE_NOT_YET, action_value(request, Action.PROMISE_NOT_YET))
    view = bench.last_view()
    assert view["callback_id"] == Callback.PROMISE_NOT_YET
    # an empty comment is a field error; nothing changes
    body = response_json(
        bench.submit(
            {B.PROMISE_COMMENT: rq.text("  ")}, user="U_DANA", user_team=PARTNER, view=view
        )
    )
    assert body["response_action"] == "errors" and B.PROMISE_COMMENT in body["errors"]
    assert stored(bench, promise.id).state is PromiseState.MADE_GOOD
    response = bench.submit(
        {B.PROMISE_COMMENT: rq.text("Only two of three are in the portal")},
        user="U_DANA",
        user_team=PARTNER,
        view=view,
    )
    assert response.status == 200 and not response.body
    assert stored(bench, promise.id).state is PromiseState.OPEN
    back = dms(bench, "U_TM")[-1]
    assert "<@U_DANA> says it isn't made good yet" in back.text
    assert "Only two of three are in the portal" in back.text
    # the maker's buttons come with it, and reminders resume: on the day, Friday 09:00
    assert action_value(back, Action.PROMISE_MADE_GOOD) == str(promise.id)
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(4, 14)]

    made_good(bench, promise.id, note="The third one is in now")
    click_partner(bench, Action.PROMISE_CONFIRM, str(promise.id))
    kept = stored(bench, promise.id)
    assert kept.state is PromiseState.KEPT and kept.kept_on_time is True
    assert "your promise is kept (on time)" in dms(bench, "U_TM")[-1].text
    assert events(bench, promise.id) == [
        "made",
        "made_good",
        "not_yet",
        "made_good",
        "confirmed",
    ]


def renegotiate(bench, promise_id: int, new_date: str, reason: str = "Globex froze spending"):
    click_vendor(bench, Action.PROMISE_RENEGOTIATE, str(promise_id))
    view = bench.last_view()
    assert view["callback_id"] == Callback.PROMISE_RENEGOTIATE
    return bench.submit(
        {B.PROMISE_NEW_DATE: rq.date(new_date), B.PROMISE_REASON: rq.text(reason)}, view=view
    )


def test_renegotiation_accepted_moves_the_date_and_the_reminders(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    body = response_json(renegotiate(bench, promise.id, "2026-11-20"))
    assert "in the past" in body["errors"][B.PROMISE_NEW_DATE]
    body = response_json(renegotiate(bench, promise.id, "2026-12-18", reason=" "))
    assert B.PROMISE_REASON in body["errors"]
    assert stored(bench, promise.id).proposed_due_date is None

    response = renegotiate(bench, promise.id, "2026-12-18")
    assert response.status == 200 and not response.body
    asked = dms(bench, "U_DANA")[-1]
    assert "asks to move the date of their promise from Fri 4 Dec 2026 to Fri 18 Dec 2026" in (
        asked.text
    )
    assert "Globex froze spending" in texts(asked)
    assert "The agreed date stands until they do" in dms(bench, "U_TM")[-1].text
    # not applied yet: the date and the reminders stay
    assert str(stored(bench, promise.id).due_date) == "2026-12-04"
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(1, 14)]

    value = action_value(asked, Action.PROMISE_ACCEPT_DATE)
    click_partner(bench, Action.PROMISE_ACCEPT_DATE, value)
    moved = stored(bench, promise.id)
    assert str(moved.due_date) == "2026-12-18" and moved.proposed_due_date is None
    assert moved.due_at == datetime(2026, 12, 19, 5, 0, tzinfo=UTC)
    assert "You accepted Fri 18 Dec 2026" in last_reply(bench)["text"]
    assert "accepted the new date: make good by Fri 18 Dec 2026" in dms(bench, "U_TM")[-1].text
    # reminders start over for the new date: heads-up Tuesday 15 Dec, 09:00 New York
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(15, 14)]
    # a second click changes nothing
    click_partner(bench, Action.PROMISE_ACCEPT_DATE, value)
    assert "already answered" in last_reply(bench)["text"]
    assert events(bench, promise.id).count("renegotiation_accepted") == 1


def test_renegotiation_declined_keeps_the_date(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    renegotiate(bench, promise.id, "2026-12-18")
    asked = dms(bench, "U_DANA")[-1]
    click_partner(
        bench, Action.PROMISE_DECLINE_DATE, action_value(asked, Action.PROMISE_DECLINE_DATE)
    )
    kept = stored(bench, promise.id)
    assert str(kept.due_date) == "2026-12-04" and kept.proposed_due_date is None
    assert "the agreed date, Fri 4 Dec 2026, stands" in last_reply(bench)["text"]
    assert "declined Fri 18 Dec 2026: the promise is still due Fri 4 Dec 2026" in (
        dms(bench, "U_TM")[-1].text
    )
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(1, 14)]
    assert events(bench, promise.id)[-2:] == ["renegotiation_proposed", "renegotiation_declined"]


def test_partner_releases_the_maker(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    note = dms(bench, "U_DANA")[-1]
    click_partner(bench, Action.PROMISE_RELEASE, action_value(note, Action.PROMISE_RELEASE))
    released = stored(bench, promise.id)
    assert released.state is PromiseState.RELEASED and released.closed_by == "U_DANA"
    assert "You released <@U_TM> from the promise" in last_reply(bench)["text"]
    assert "<@U_DANA> released you from your promise" in dms(bench, "U_TM")[-1].text
    assert pending_reminders(bench, promise.id) == []
    # nothing is sent any more
    sent = len(dms(bench, "U_TM"))
    clock.move_to(at(10, 15))
    ticker(bench).tick()
    assert len(dms(bench, "U_TM")) == sent


def test_a_named_partner_approver_may_answer_for_the_partner(bench, fake_slack, clock):
    from tests.bench.scenarios import link_partnership

    link_partnership(bench, **{B.PARTNER_APPROVERS: rq.users("U_PAT")})
    promise = make_promise(bench)
    made_good(bench, promise.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(promise.id), user="U_PAT")
    assert stored(bench, promise.id).state is PromiseState.KEPT


def test_snooze_moves_the_next_reminder(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    clock.move_to(at(1, 14))
    ticker(bench).tick()
    reminder = dms(bench, "U_TM")[-1]
    options = action_value(reminder, Action.PROMISE_SNOOZE)
    assert f"{promise.id}:week" in options
    click_vendor(bench, Action.PROMISE_SNOOZE, "", selected_option=f"{promise.id}:week")
    # next week: Monday 7 Dec, 09:00 New York
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(7, 14)]
    assert (
        "I'll remind you about this promise on Mon 7 Dec 2026, 09:00 New York time"
        in (last_reply(bench)["text"])
    )
    # the same choice clicked again changes nothing
    click_vendor(bench, Action.PROMISE_SNOOZE, "", selected_option=f"{promise.id}:week")
    assert events(bench, promise.id).count("snoozed") == 1
    assert len(pending_reminders(bench, promise.id)) == 1
    click_vendor(bench, Action.PROMISE_SNOOZE, "", selected_option=f"{promise.id}:1d")
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(2, 14)]

    clock.move_to(at(2, 14))
    ticker(bench).tick()
    after = dms(bench, "U_TM")[-1]
    assert ":wave: Due in 2 days — your promise" in after.text  # the state, not the count
    # then back on the plan: on the day
    assert [o.due_at for o in pending_reminders(bench, promise.id)] == [at(4, 14)]


def test_marking_made_good_says_what_happens_next_not_well_done(bench, fake_slack, partnership):
    """The partner hasn't confirmed anything yet: the maker is told what comes next."""
    promise = make_promise(bench)
    bench.click(Action.PROMISE_MADE_GOOD, str(promise.id), channel="DU_TM")
    bench.submit({B.PROMISE_NOTE: rq.text("Sent the two leads over.")})
    said = "\n".join(m.text or "" for m in dms(bench, "U_TM"))
    assert "I'll tell you when they do" in said and "Well done" not in said
