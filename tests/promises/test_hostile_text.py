"""What people type about a promise (the promise, the raw deal, notes, reasons, the partner's
name) reaches Slack only as text, and is stored without invisible format characters.

Every string in ``HOSTILE`` goes through every promise view and modal: none may turn into a
live ``<!channel>``, mention or disguised link, and the escaped text must still be shown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from bot.domain.partners.names import Sides
from bot.domain.promises import plan as plan
from bot.domain.promises.records import PromiseList
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.promises import messages, modals
from handlers.text import Mrkdwn, md
from sandbox import requests as rq
from storage.models import Partnership, PartnershipStatus, Promise, PromiseState
from tests.bench.hostile import HOSTILE
from tests.promises.steps import (
    MADE_AT,
    click_partner,
    click_vendor,
    dms,
    made_good,
    make_promise,
    stored,
)
from tests.rules.test_hostile_text import assert_inert, shown

FITS = [h for h in HOSTILE if len(h) <= 100]


def promise(text: str, state: PromiseState = PromiseState.OPEN) -> Promise:
    made = Promise(
        id=4,
        maker_id="U_TM",
        owed_to_id="U_DANA",
        raw_deal=text,
        promise=text,
        due_date=date(2026, 12, 4),
        due_at=plan.due_at(date(2026, 12, 4), "America/New_York"),
        time_zone="America/New_York",
        state=state,
        made_good_note=text,
        proposed_due_date=date(2026, 12, 18),
        proposed_reason=text,
    )
    made.partnership = Partnership(
        id=1,
        partner_name=text,
        channel_id="C0SHARED",
        vendor_team_id="T_VENDOR",
        status=PartnershipStatus.ACTIVE,
        time_zone="UTC",
    )
    return made


@freeze_time(MADE_AT)
@pytest.mark.parametrize("h", HOSTILE)
def test_every_promise_message_shows_hostile_text_as_text(h):
    p = promise(h)
    for message in (
        messages.maker_card(p, MADE_AT),
        messages.maker_card(p, MADE_AT, md("I couldn't reach {} ({}).", Mrkdwn("<@U_DANA>"), h)),
        messages.reminder_message(p, MADE_AT),
        messages.reminder_message(p, MADE_AT + timedelta(days=14)),
        messages.partner_note(p, Sides(h, h), False),
        messages.partner_note(p, Sides(h, h), True),
        messages.made_good_request(p, False),
        messages.made_good_request(p, True),
        messages.renegotiation_request(p, 2, True),
        messages.to_maker(
            p, md(":hourglass: <@U_DANA> says it isn't made good yet: “{}”", h), True
        ),
        messages.answered(md("You released <@U_TM> from the promise: {}", h)),
        messages.reminder_lost(p, "account_inactive"),
        messages.list_message(PromiseList(mine=[p], owned=[p], more=0), MADE_AT),
    ):
        assert_inert(message, h)
        assert isinstance(message["text"], Mrkdwn)
    assert_inert(messages.thread_root(p))
    assert "<@U_TM> made a promise to <@U_DANA>" in messages.thread_root(p)["text"]
    partner = messages.partner_note(p, Sides("Vendor Inc", h), True)
    assert partner["text"].startswith("<@U_DANA> <@U_TM> (Vendor Inc) promises")
    release = partner["blocks"][-1]["elements"][-1]["confirm"]["text"]
    assert release == {
        "type": "mrkdwn",
        "text": "<@U_TM> will no longer owe you this, and I'll stop following it up. This "
        "can't be undone.",
    }
    assert_inert(modals.dispute_modal(p), h)


@pytest.mark.parametrize("h", ["<!channel> made good", "<https://evil.example|a link>"])
def test_a_plain_sentence_handed_to_a_view_keeps_only_its_mentions(h):
    """A listener not yet building its sentence with ``md`` still can't ping a channel."""
    p = promise("Register three deals")
    told = messages.to_maker(p, f"<@U_DANA> says: {h}")
    assert_inert(told)
    assert told["text"].startswith("<@U_DANA> says: &lt;")
    assert_inert(messages.answered(f"You confirmed <@U_TM> made good on: {h}"))
    assert_inert(messages.maker_card(p, MADE_AT, f"I couldn't reach <@U_DANA> ({h})"))


@pytest.mark.parametrize("h", HOSTILE)
def test_the_promise_modals_show_hostile_text_as_text(h):
    p = promise(h)
    today = date(2026, 11, 30)
    assert_inert(modals.make_modal(p.partnership, [], today), h)
    assert_inert(modals.make_modal(None, [p.partnership, p.partnership], today))
    for modal in (modals.made_good_modal(p), modals.not_yet_modal(p), modals.renegotiate_modal(p)):
        assert_inert(modal, h)
    assert "I'll ask <@U_DANA> to confirm it." in shown(modals.made_good_modal(p))


@pytest.mark.parametrize("h", FITS)
def test_a_hostile_promise_made_through_slack_reaches_both_sides_as_text(
    bench, fake_slack, partnership, clock, h
):
    made = make_promise(
        bench,
        **{B.PROMISE_TEXT: rq.text(f"{h} first"), B.PROMISE_RAW_DEAL: rq.text(f"{h} direct")},
    )
    assert "\u202e" not in made.promise and "\u200b" not in made.raw_deal
    [card] = dms(bench, "U_TM")
    [note] = dms(bench, "U_DANA")
    for message in (card, note):
        assert_inert({"text": message.text, "blocks": message.blocks}, made.promise)
    assert "<@U_TM> (Vendor Inc) promises to make it up to you" in note.text

    made_good(bench, made.id, note=f"Done: {h}")
    assert "\u202e" not in (stored(bench, made.id).made_good_note or "")
    request = dms(bench, "U_DANA")[-1]
    assert_inert({"text": request.text, "blocks": request.blocks}, f"Done: {h}"[:20])

    click_vendor(bench, Action.PROMISE_RENEGOTIATE, str(made.id))
    response = bench.submit(
        {B.PROMISE_NEW_DATE: rq.date("2026-12-18"), B.PROMISE_REASON: rq.text(f"Why: {h}")},
        view=bench.last_view(),
    )
    assert response.status == 200
    asked = dms(bench, "U_DANA")[-1]
    assert_inert({"text": asked.text, "blocks": asked.blocks}, f"Why: {h}"[:20])
    assert "\u202e" not in (stored(bench, made.id).proposed_reason or "")
    click_partner(bench, Action.PROMISE_NOT_YET, str(made.id))
    assert_inert(bench.last_view(), made.promise)
