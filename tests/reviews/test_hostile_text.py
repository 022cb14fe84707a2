"""What people typed reaches the review prompt and its replies only as text: the agenda's win
headlines, rule titles and promises, a review's notes and next steps, the partner's name.

Every string in ``HOSTILE`` goes through every review view: none may turn into a live
``<!channel>``, mention or disguised link, and the escaped text must still be shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from freezegun import freeze_time

from bot.domain.partners.names import Sides
from bot.domain.reviews.agenda import AgendaSection, PromiseItem, RuleItem, WinItem
from bot.domain.reviews.cadence import Cadence
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.reviews import messages, modals
from handlers.text import Mrkdwn
from sandbox import requests as rq
from storage.models import (
    Partnership,
    PartnershipStatus,
    Review,
    ReviewSchedule,
    ReviewStatus,
    Side,
)
from tests.bench.harness import CHANNEL, PARTNER
from tests.bench.hostile import HOSTILE
from tests.promises.steps import make_promise
from tests.reviews.helpers import linked, reviews, set_cadence, tick
from tests.rules.flows import approve, propose
from tests.rules.test_hostile_text import assert_inert, shown
from tests.wins.helpers import log_win

NOW = datetime(2026, 11, 30, 15, tzinfo=UTC)
LINKED = datetime(2026, 11, 20, 15, tzinfo=UTC)
BETWEEN = datetime(2026, 11, 24, 15, tzinfo=UTC)
FITS = [h for h in HOSTILE if len(h) <= 100]


def partnership(name: str) -> Partnership:
    return Partnership(
        id=1,
        channel_id="C0SHARED",
        partner_name=name,
        vendor_team_id="T_VENDOR",
        status=PartnershipStatus.ACTIVE,
        time_zone="America/New_York",
        holiday_country="US",
    )


def review(text: str | None = None, status: ReviewStatus = ReviewStatus.HELD) -> Review:
    return Review(
        id=5,
        partnership_id=1,
        nominal_on=date(2026, 11, 30),
        due_at=NOW,
        status=status,
        held_on=date(2026, 11, 30),
        attendees=["U_TM", "U_DANA"],
        notes=text,
        next_steps=text,
        closed_by="U_DANA",
    )


def schedule(reason: str | None = None) -> ReviewSchedule:
    return ReviewSchedule(
        id=1,
        partnership_id=1,
        every_weeks=2,
        weekday=0,
        at=time(10),
        anchor_on=date(2026, 11, 30),
        paused=reason is not None,
        paused_reason=reason,
        next_due_at=NOW,
    )


def agenda(text: str) -> list[AgendaSection]:
    return [
        AgendaSection(
            "Wins logged: 2 (USD 125,000.00)", [WinItem(text, "USD 125,000.00"), WinItem(text)]
        ),
        AgendaSection(
            "Rules of engagement: 1 proposed, 1 agreed",
            [RuleItem(True, f"R-1 {text}"), RuleItem(False, text)],
        ),
        AgendaSection(
            "Promises open: 1, overdue: 1",
            [PromiseItem(True, date(2026, 11, 27), "U_TM", "U_DANA", text)],
            more=3,
        ),
    ]


@pytest.mark.parametrize("h", HOSTILE)
def test_the_prompt_shows_a_hostile_agenda_as_text(h):
    p = partnership(h)
    prompt = messages.prompt_message(
        p, Sides(h, h), review(status=ReviewStatus.DUE), agenda(h), NOW
    )
    assert_inert(prompt, h)
    assert isinstance(prompt["text"], Mrkdwn)
    text = shown(prompt)
    assert "*Wins logged: 2 (USD 125,000.00)*" in text
    assert "Overdue Fri 27 Nov 2026: <@U_TM> to <@U_DANA> — " in text and "• … and 3 more" in text
    assert "Agreed: R-1 " in text and "Proposed: " in text
    for closed in (review(), review(status=ReviewStatus.SKIPPED)):
        line = messages.closed_line(closed)
        assert isinstance(line, Mrkdwn)
        assert_inert(messages.closed_blocks(prompt["blocks"], line), h)
        assert_inert(messages.prompt_message(p, Sides(h, h), closed, agenda(h), NOW), h)
    held = messages.closed_blocks(prompt["blocks"], messages.closed_line(review()))
    assert "Held on Mon 30 Nov 2026, recorded by <@U_DANA>." in shown(held)


@pytest.mark.parametrize("h", HOSTILE)
def test_review_replies_and_dms_show_hostile_text_as_text(h):
    p = partnership(h)
    summary = messages.held_summary(review(h))
    assert_inert(summary, h)
    assert "*Attended:* <@U_TM>, <@U_DANA>" in shown(summary)
    assert_inert(messages.snoozed_note("U_DANA", review(), "UTC", NOW))
    assert messages.snoozed_note("U_DANA", review(), "UTC", NOW).startswith(":zzz: <@U_DANA>")
    assert_inert(messages.snoozed_reminder(Sides(h, h), "U_DANA"), h)
    assert_inert(messages.overdue_dm(p, review(status=ReviewStatus.DUE), "UTC"), h)
    linked = messages.overdue_dm(p, review(), "UTC", "https://slack.test/archives/C1/p1")
    assert_inert(linked, h)
    assert_inert(messages.overdue_dm(p, review(), "UTC", h), h)  # not a link: no button
    assert "<#C0SHARED>" in messages.overdue_dm(p, review(), "UTC")["text"]
    assert_inert(messages.paused_dm(p, h), h)
    cadence = Cadence(2, 0, time(10), "America/New_York", "US", date(2026, 11, 30))
    assert_inert(messages.cadence_saved(schedule(), cadence, "UTC"))
    # a reason that reads like Slack's error code is told as its cause, never the code
    assert_inert(messages.schedule_line(schedule(f"Slack said {h}"), cadence, "UTC"))
    for side in Side:
        for reason in (f"Slack said {h}", "Slack said is_archived", h):
            line = messages.schedule_line(
                schedule(reason), cadence, "UTC", side=side, owners=["U_TM"], channel_id="C1"
            )
            assert_inert(line)
            assert "is_archived" not in line
    paused_by = messages.schedule_line(schedule("paused by <@U_TM>"), cadence, "UTC")
    assert "paused (paused by <@U_TM>)" in paused_by  # the bot's own mention stays live
    assert_inert(messages.schedule_line(None, None, "UTC"))


@pytest.mark.parametrize("h", HOSTILE)
def test_the_review_modals_show_hostile_text_as_text(h):
    p = partnership(h)
    assert_inert(modals.held_modal(review(status=ReviewStatus.DUE), p, date(2026, 11, 30)))
    assert_inert(modals.cadence_modal(p, schedule()), h)
    assert_inert(modals.cadence_modal(p, None), h)
    assert_inert(modals.move_modal(p, schedule(), "UTC"), h)


def _prompt(fake_slack):
    [prompt] = [
        m
        for m in fake_slack.posts(CHANNEL)
        if m.thread_ts is None
        and str(((m.metadata or {}).get("event_payload") or {}).get("key", "")).startswith(
            "review:"
        )
    ]
    return prompt


@pytest.mark.parametrize("h", FITS)
def test_a_hostile_headline_rule_and_promise_are_not_live_in_the_review(bench, fake_slack, h):
    p = linked(bench, at=LINKED, country="US")
    set_cadence(bench, p, every=1, weekday=0, at=time(10), starting=date(2026, 11, 30), now=LINKED)
    with freeze_time(BETWEEN):
        win = log_win(
            bench,
            **{B.WIN_HEADLINE: rq.text(h), B.WIN_CLOSED_ON: rq.date("2026-11-24")},
        )
        proposal = propose(bench, "U_TM", title=f"{h} agreed"[:80])
        approve(bench, proposal.id, "U_DANA")
        propose(bench, "U_TM", title=f"{h} proposed"[:80])
        promised = make_promise(
            bench,
            **{B.PROMISE_TEXT: rq.text(f"{h} promised"), B.PROMISE_DUE: rq.date("2026-11-27")},
        )
    tick(bench, NOW)
    prompt = _prompt(fake_slack)
    message = {"text": prompt.text, "blocks": prompt.blocks}
    assert_inert(message, win.headline, promised.promise)
    assert "Wins logged: 1" in shown(message) and "Promises open: 1, overdue: 1" in shown(message)
    if "<" in h:
        assert "&lt;" in shown(message)

    # Held, with hostile notes: the thread summary and the updated prompt are text too.
    [held] = reviews(bench)
    with freeze_time(NOW):
        bench.click(
            Action.REVIEW_HELD,
            str(held.id),
            user="U_DANA",
            user_team=PARTNER,
            message={"ts": prompt.ts, "blocks": prompt.blocks, "text": prompt.text},
        )
        response = bench.submit(
            {
                B.REVIEW_HELD_ON: rq.date("2026-11-30"),
                B.REVIEW_ATTENDEES: rq.users("U_TM", "U_DANA"),
                B.REVIEW_NOTES: rq.text(f"Notes: {h}"),
                B.REVIEW_NEXT_STEPS: rq.text(f"Next: {h}"),
            },
            user="U_DANA",
            user_team=PARTNER,
        )
    assert response.status == 200
    [recorded] = reviews(bench)
    assert "\u202e" not in (recorded.notes or "") and "\u200b" not in (recorded.next_steps or "")
    [summary] = [m for m in fake_slack.posts(CHANNEL) if m.thread_ts == prompt.ts]
    assert_inert({"text": summary.text, "blocks": summary.blocks}, recorded.notes or "")
    updated = fake_slack.message(CHANNEL, prompt.ts)
    assert_inert({"text": updated.text, "blocks": updated.blocks}, win.headline)
    assert "recorded by <@U_DANA>" in shown(updated.blocks)
