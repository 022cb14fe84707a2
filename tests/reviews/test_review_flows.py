"""People on both sides use the prompt's buttons and /partner cadence, through signed requests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from freezegun import freeze_time

from bot.domain.partners.names import TIMES
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import ReviewStatus
from tests.bench.harness import CHANNEL, OTHER, PARTNER, block_texts, response_json
from tests.reviews.helpers import linked, occurrences, prompts, reviews, schedule, set_cadence, tick

MONDAY_DUE = datetime(2026, 11, 30, 15, tzinfo=UTC)
LATER = datetime(2026, 11, 30, 16, tzinfo=UTC)


def at_time(value: str) -> dict:
    return {"type": "timepicker", "selected_time": value}


@pytest.fixture
def prompt(bench, fake_slack):
    p = linked(bench, tz="America/New_York", country="US", at=datetime(2026, 11, 20, tzinfo=UTC))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=0,
        at=time(10),
        starting=date(2026, 11, 30),
        now=datetime(2026, 11, 20, tzinfo=UTC),
    )
    tick(bench, MONDAY_DUE)
    [message] = prompts(fake_slack)
    return message


def click(bench, action, message, *, user="U_DANA", team=PARTNER):
    [review] = reviews(bench)
    with freeze_time(LATER):
        return bench.click(
            action,
            str(review.id),
            user=user,
            user_team=team,
            message={"ts": message.ts, "blocks": message.blocks, "text": message.text},
        )


def test_the_prompt_carries_the_agenda_buttons_and_its_key(bench, fake_slack, prompt):
    text = block_texts(prompt.blocks)
    # the review belongs to both companies; it is due
    assert text.startswith(
        f":calendar: Time for the funnel and account review · Vendor Inc {TIMES} Acme Resellers"
    )
    assert "This cycle's review (Mon 30 Nov 2026) is due." in text
    assert "Since the last review" in text
    ids = json.dumps(prompt.blocks)
    for action in (Action.REVIEW_HELD, Action.REVIEW_SNOOZE, Action.REVIEW_SKIP):
        assert action in ids
    assert prompt.metadata["event_payload"]["key"].startswith("review:")
    assert len(prompt.blocks) <= 50


def test_a_partner_contact_records_the_review_held(bench, fake_slack, prompt):
    click(bench, Action.REVIEW_HELD, prompt)
    view = bench.last_view()
    assert view["callback_id"] == Callback.REVIEW_HELD
    with freeze_time(LATER):
        response = bench.submit(
            {
                B.REVIEW_HELD_ON: rq.date("2026-11-30"),
                B.REVIEW_ATTENDEES: rq.users("U_TM", "U_DANA"),
                B.REVIEW_NOTES: rq.text("Walked the top ten opportunities."),
                B.REVIEW_NEXT_STEPS: rq.text("Dana: register the Globex deal by Friday."),
            },
            user="U_DANA",
            user_team=PARTNER,
        )
    assert response.status == 200 and not response_json(response).get("errors")
    [review] = reviews(bench)
    assert review.status is ReviewStatus.HELD and review.closed_by == "U_DANA"
    assert review.attendees == ["U_TM", "U_DANA"] and review.held_on == date(2026, 11, 30)
    [summary] = [m for m in fake_slack.posts(CHANNEL) if m.thread_ts == prompt.ts]
    assert "Review held on Mon 30 Nov 2026" in block_texts(summary.blocks)
    assert "Globex" in block_texts(summary.blocks)
    updated = fake_slack.message(CHANNEL, prompt.ts)
    assert Action.REVIEW_HELD not in json.dumps(updated.blocks)
    shown = block_texts(updated.blocks)
    assert "recorded by <@U_DANA>" in shown
    # the prompt no longer says the review is due: its header follows its state
    assert shown.startswith(f":white_check_mark: Review held · Vendor Inc {TIMES} Acme Resellers")
    assert "This cycle's review (Mon 30 Nov 2026) was held on Mon 30 Nov 2026." in shown
    assert "is due" not in shown and "Time for" not in shown
    # Held: no overdue DM two business days later.
    tick(bench, datetime(2026, 12, 2, 15, 1, tzinfo=UTC))
    assert not fake_slack.posts("DU_TM")
    # A second submission (double click) is refused, nothing changes.
    with freeze_time(LATER):
        again = bench.submit(
            {
                B.REVIEW_HELD_ON: rq.date("2026-11-30"),
                B.REVIEW_ATTENDEES: rq.users("U_TM"),
                B.REVIEW_NOTES: rq.text(""),
                B.REVIEW_NEXT_STEPS: rq.text(""),
            },
            user="U_TM",
            view=view,
        )
    assert "already marked this review held" in json.dumps(response_json(again))
    assert reviews(bench)[0].attendees == ["U_TM", "U_DANA"]


def test_held_modal_field_errors(bench, fake_slack, prompt):
    click(bench, Action.REVIEW_HELD, prompt, user="U_TM", team="T_VENDOR")
    with freeze_time(LATER):
        response = bench.submit(
            {
                B.REVIEW_HELD_ON: rq.date("2026-12-25"),
                B.REVIEW_ATTENDEES: rq.users(),
                B.REVIEW_NOTES: rq.text(""),
                B.REVIEW_NEXT_STEPS: rq.text(""),
            }
        )
    errors = response_json(response)["errors"]
    assert set(errors) == {B.REVIEW_HELD_ON, B.REVIEW_ATTENDEES}
    assert reviews(bench)[0].status is ReviewStatus.DUE


def test_outsiders_are_refused(bench, fake_slack, prompt):
    click(bench, Action.REVIEW_SKIP, prompt, user="U_OUT", team=OTHER)
    assert reviews(bench)[0].status is ReviewStatus.DUE
    assert "Only people from the two organizations" in json.dumps(fake_slack.responses)
    opened = len(fake_slack.views)
    click(bench, Action.REVIEW_HELD, prompt, user="U_OUT", team=OTHER)
    assert len(fake_slack.views) == opened


def test_snooze_a_day_reminds_the_thread_tomorrow_and_delays_the_overdue_dm(
    bench, fake_slack, prompt
):
    click(bench, Action.REVIEW_SNOOZE, prompt, user="U_PAT")
    [note] = [m for m in fake_slack.posts(CHANNEL) if m.thread_ts == prompt.ts]
    assert "snoozed the review a day" in note.text
    # both companies read the thread: each reader sees the time in their own zone
    assert "I'll remind this thread <!date^1796140800^{date_short_pretty} {time}|" in note.text
    assert "Tue 1 Dec 2026, 11:00 New York time>" in note.text
    assert reviews(bench)[0].snoozes == 1
    tick(bench, datetime(2026, 12, 1, 16, 1, tzinfo=UTC))  # a day after the snooze
    replies = [m for m in fake_slack.posts(CHANNEL) if m.thread_ts == prompt.ts]
    assert f"Reminder: the Vendor Inc {TIMES} Acme Resellers review is still due" in (
        replies[-1].text
    )
    # Overdue counts from the snooze: not on Wednesday, but on Thursday.
    tick(bench, datetime(2026, 12, 2, 15, 1, tzinfo=UTC))
    assert not fake_slack.posts("DU_TM")
    tick(bench, datetime(2026, 12, 3, 16, 1, tzinfo=UTC))
    assert len(fake_slack.posts("DU_TM")) == 1


def test_skip_this_cycle_closes_the_review_but_not_the_cadence(bench, fake_slack, prompt):
    click(bench, Action.REVIEW_SKIP, prompt, user="U_CAM", team="T_VENDOR")
    [review] = reviews(bench)
    assert review.status is ReviewStatus.SKIPPED
    updated = fake_slack.message(CHANNEL, prompt.ts)
    shown = block_texts(updated.blocks)
    assert "skipped this cycle" in shown
    assert shown.startswith(f":fast_forward: Review skipped · Vendor Inc {TIMES} Acme Resellers")
    assert "This cycle's review (Mon 30 Nov 2026) was skipped." in shown
    assert "is due" not in shown and "Time for" not in shown
    assert Action.REVIEW_SKIP not in json.dumps(updated.blocks)
    assert {o.status.value for o in occurrences(bench, "review_overdue")} == {"skipped"}
    tick(bench, datetime(2026, 12, 7, 15, 0, 5, tzinfo=UTC))
    assert len(prompts(fake_slack)) == 2


def test_partner_cadence_sets_shows_moves_pauses_and_resumes(bench, fake_slack):
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    linked(bench, tz="America/New_York", country="US", at=start)
    with freeze_time(start):
        bench.command("/partner", "cadence")
        view = bench.last_view()
        assert view["callback_id"] == Callback.REVIEW_CADENCE
        response = bench.submit(
            {
                B.REVIEW_EVERY_WEEKS: rq.option("2"),
                B.REVIEW_WEEKDAY: rq.option("1"),
                B.REVIEW_AT: at_time("10:00"),
                B.REVIEW_STARTING_ON: rq.date(None),
            }
        )
        assert not response_json(response).get("errors")
        saved = schedule(bench)
        assert (saved.every_weeks, saved.weekday, saved.at) == (2, 1, time(10))
        assert saved.next_due_at == datetime(2026, 11, 24, 15, tzinfo=UTC)
        # The summary shows the next review in the reader's own zone (Casey is in Chicago).
        summary = response_json(bench.command("/partner", user="U_CAM"))
        assert "Next review:* Tue 24 Nov 2026, 09:00 Chicago time" in block_texts(summary["blocks"])
        assert "every 2 weeks on Tuesday at 10:00 New York time" in block_texts(summary["blocks"])
        # Move just the next review to Wednesday 15:30.
        bench.command("/partner", "cadence move")
        bench.submit({B.REVIEW_MOVE_ON: rq.date("2026-11-25"), B.REVIEW_MOVE_AT: at_time("15:30")})
        moved = schedule(bench)
        assert moved.next_due_at == datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
        assert moved.next_on == date(2026, 11, 24)
        # Pause and resume.
        bench.command("/partner", "cadence pause")
        assert schedule(bench).paused
        assert "paused" in block_texts(response_json(bench.command("/partner"))["blocks"])
    assert not tick(bench, datetime(2026, 11, 25, 20, 31, tzinfo=UTC)).deliveries
    with freeze_time(datetime(2026, 11, 26, tzinfo=UTC)):
        bench.command("/partner", "cadence resume")
    resumed = schedule(bench)
    assert not resumed.paused and resumed.next_due_at == datetime(2026, 12, 8, 15, tzinfo=UTC)


def test_cadence_modal_errors_and_partner_side_refusal(bench, fake_slack):
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    linked(bench, at=start)
    with freeze_time(start):
        bench.command("/partner", "cadence")
        response = bench.submit(
            {
                B.REVIEW_EVERY_WEEKS: rq.option("9"),
                B.REVIEW_WEEKDAY: rq.option("6"),
                B.REVIEW_AT: at_time("nope"),
                B.REVIEW_STARTING_ON: rq.date(None),
            }
        )
        errors = response_json(response)["errors"]
        assert set(errors) == {B.REVIEW_EVERY_WEEKS, B.REVIEW_WEEKDAY, B.REVIEW_AT}
        refused = bench.command("/partner", "cadence", user="U_DANA", team=PARTNER)
        assert "Only people at Vendor Inc can set the review cadence" in json.dumps(
            response_json(refused)
        )
        moved = bench.command("/partner", "cadence move")
        assert "no upcoming review" in json.dumps(response_json(moved))


def test_skip_rebuilds_the_prompt_from_the_database_not_the_blocks_slack_sent(
    bench, fake_slack, prompt
):
    """Slack hands a message's blocks back with &, < and > as entities: sending them again
    would grow every header (a 150-character one past Slack's limit, leaving the buttons
    live). Skip rebuilds the prompt from what is stored, as Review held does."""
    entity_heavy = json.loads(
        json.dumps(prompt.blocks).replace("Acme Resellers", "A &amp;amp; B &lt;x&gt;")
    )
    [review] = reviews(bench)
    with freeze_time(LATER):
        bench.click(
            Action.REVIEW_SKIP,
            str(review.id),
            user="U_CAM",
            user_team="T_VENDOR",
            message={"ts": prompt.ts, "blocks": entity_heavy, "text": prompt.text},
        )
    updated = fake_slack.message(CHANNEL, prompt.ts)
    shown = json.dumps(updated.blocks)
    assert "&amp;amp;" not in shown and "Acme Resellers" in shown
    assert "skipped this cycle" in block_texts(updated.blocks)


def test_the_summary_line_names_the_owners_for_the_partner_instead_of_a_command(bench):
    from handlers.reviews.listeners import summary_line
    from storage.models import Partnership, Side

    p = linked(bench, tz="America/New_York", country="US", at=datetime(2026, 11, 20, tzinfo=UTC))
    with bench.session() as session:
        partnership = session.get(Partnership, p.id)
        vendor = summary_line(session, partnership, "Europe/Berlin")
        partner = summary_line(session, partnership, "Europe/Berlin", side=Side.PARTNER)
    assert vendor == "*Reviews:* no cadence yet. Set one with `/partner cadence`."
    assert partner == "*Reviews:* no rhythm set yet; <@U_TM>, <@U_CAM> set it."
    start = datetime(2026, 11, 20, tzinfo=UTC)
    set_cadence(bench, p, every=1, weekday=0, at=time(10), starting=date(2026, 11, 30), now=start)
    with freeze_time(start):
        bench.command("/partner", "cadence pause")
    with bench.session() as session:
        partnership = session.get(Partnership, p.id)
        partner = summary_line(session, partnership, "Europe/Berlin", side=Side.PARTNER)
    assert partner == ("*Reviews:* paused (paused by <@U_TM>); <@U_TM>, <@U_CAM> can resume them.")
    assert "/partner" not in partner
