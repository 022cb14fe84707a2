"""The shared funnel end to end: both sides update stage, amount and close date from the
card, every change is kept (who, when, before and after) and shown in the card's thread, the
history lists it in the reader's time zone, and a deal is marked lost with its reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import DealChangeKind, DealStage, RegistrationStatus, Side
from tests.bench.harness import response_json
from tests.deals.funnel_flows import (
    approved_deal,
    card_buttons,
    mark_lost,
    open_update,
    press,
    update,
    update_values,
    view_text,
)
from tests.deals.registering import JOINT, card_text, changes, get, thread_texts


def test_both_sides_update_the_funnel_and_see_each_change(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    assert card_buttons(bench, deal)[-4:] == [
        Action.DEAL_UPDATE,
        Action.DEAL_WON,
        Action.DEAL_LOST,
        Action.DEAL_HISTORY,
    ]

    # the partner moves the stage on; nothing else is recorded as changed
    assert update(bench, deal, "U_DANA", **{B.DEAL_STAGE: rq.option("negotiation")}) == {}
    after = get(bench, deal.id)
    assert after.stage is DealStage.NEGOTIATION and after.amount == Decimal("120000.00")
    last = changes(bench, deal.id)[-1]
    assert (last.kind, last.changed_by, last.side) == (
        DealChangeKind.UPDATED,
        "U_DANA",
        Side.PARTNER,
    )
    assert (last.before, last.after) == ({"stage": "discovery"}, {"stage": "negotiation"})
    assert "Negotiation" in card_text(bench, deal)  # the card in the shared channel follows
    line = thread_texts(bench, deal)[-1]
    assert "<@U_DANA> (Acme Resellers) updated stage Discovery → *Negotiation* (D-1)" in line
    assert "partner side" not in line

    # the vendor changes the amount (and its currency) and the close date
    update(
        bench,
        deal,
        "U_TM",
        **{
            B.DEAL_AMOUNT: rq.text("$150k"),
            B.DEAL_CURRENCY: rq.text(""),
            B.DEAL_CLOSE_ON: rq.date("2027-02-26"),
        },
    )
    after = get(bench, deal.id)
    assert (after.amount, after.currency) == (Decimal("150000.00"), "USD")
    assert after.close_on.isoformat() == "2027-02-26"
    last = changes(bench, deal.id)[-1]
    assert last.side is Side.VENDOR
    assert last.before == {"amount": "120000.00", "currency": "EUR", "close_on": "2027-03-31"}
    assert last.after == {"amount": "150000.00", "currency": "USD", "close_on": "2027-02-26"}
    text = card_text(bench, deal)
    assert "USD 150,000" in text and "Fri 26 Feb 2027" in text
    line = thread_texts(bench, deal)[-1]
    assert line.startswith(":pencil2: <@U_TM> (Vendor Inc) updated")
    assert "amount EUR 120,000 → *USD 150,000*" in line
    assert "close date Wed 31 Mar 2027 → *Fri 26 Feb 2027*" in line
    assert after.updated_at > deal.updated_at


def test_a_modal_opened_before_someone_elses_change_does_not_undo_it(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    stale = open_update(bench, deal, "U_DANA")  # shows EUR 120,000 and Discovery
    update(bench, deal, "U_TM", **{B.DEAL_AMOUNT: rq.text("200k")})
    response = bench.submit(
        update_values(stale, **{B.DEAL_STAGE: rq.option("proposal")}),
        user="U_DANA",
        user_team="T_PARTNER",
        view=stale,
    )
    assert response_json(response) == {}
    after = get(bench, deal.id)
    assert after.amount == Decimal("200000.00")  # the vendor's amount stands
    assert after.stage is DealStage.PROPOSAL
    assert changes(bench, deal.id)[-1].after == {"stage": "proposal"}


def test_bad_or_empty_updates_change_nothing(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    before = len(changes(bench, deal.id))
    answer = update(bench, deal, "U_DANA")
    assert answer["response_action"] == "errors"
    assert "Nothing to record" in answer["errors"][B.DEAL_STAGE]
    answer = update(bench, deal, "U_DANA", **{B.DEAL_AMOUNT: rq.text("12.345k")})
    assert "couldn't read" in answer["errors"][B.DEAL_AMOUNT]
    answer = update(bench, deal, "U_DANA", **{B.DEAL_CLOSE_ON: rq.date("2026-11-02")})
    assert "has passed" in answer["errors"][B.DEAL_CLOSE_ON]
    answer = update(bench, deal, "U_DANA", **{B.DEAL_CURRENCY: rq.text("XYZ")})
    assert "not an ISO 4217" in answer["errors"][B.DEAL_CURRENCY]
    assert len(changes(bench, deal.id)) == before
    assert get(bench, deal.id).stage is DealStage.DISCOVERY


def test_the_same_submission_twice_is_one_change(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    view = open_update(bench, deal, "U_DANA")
    values = update_values(view, **{B.DEAL_STAGE: rq.option("commit")})
    for _ in range(2):
        bench.submit(values, user="U_DANA", user_team="T_PARTNER", view=view)
    assert [c.kind for c in changes(bench, deal.id)].count(DealChangeKind.UPDATED) == 1
    assert sum("*Commit*" in t for t in thread_texts(bench, deal)) == 1


def test_the_history_lists_every_change_in_the_readers_time_zone(bench, fake_slack, clock):
    _partnership, deal = approved_deal(bench)
    clock.tick(timedelta(hours=2))
    update(bench, deal, "U_TM", **{B.DEAL_STAGE: rq.option("proposal")})
    press(bench, Action.DEAL_HISTORY, deal, "U_PAT")  # Europe/Berlin
    history = bench.last_view()
    text = view_text(history)
    # the zone said once, as people say it; both companies named alike
    assert f"{JOINT} · now approved · times are Berlin time, your time zone" in (text)
    assert "Europe/Berlin" not in text and "side)" not in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(lines) == 3  # newest first: the update, the approval, the registration
    assert "<@U_TM> (Vendor Inc) updated stage Discovery → *Proposal*" in lines[0]
    assert lines[0].startswith("• Tue 1 Dec 2026, 18:")  # 17:00 UTC is 18:00 in Berlin
    assert "<@U_TM> (Vendor Inc) approved it (the default terms)" in lines[1]
    assert "<@U_DANA> (Acme Resellers) registered it" in lines[2]
    # the vendor reads the same history in New York time
    press(bench, Action.DEAL_HISTORY, deal, "U_TM")
    assert "times are New York time, your time zone" in view_text(bench.last_view())
    assert "Tue 1 Dec 2026, 12:" in view_text(bench.last_view())


def test_a_deal_marked_lost_says_why_and_leaves_the_funnel(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    # it can't be undone: the modal says so, and keeping it open changes nothing
    press(bench, Action.DEAL_LOST, deal, "U_DANA")
    modal = bench.last_view()
    assert modal["title"]["text"] == "Mark D-1 lost?"
    assert (modal["submit"]["text"], modal["close"]["text"]) == ("Mark lost", "Keep it open")
    assert "This can't be undone" in view_text(modal)
    answer = mark_lost(bench, deal, "U_DANA", "   ")
    assert "Write the reason" in response_json(answer)["errors"][B.DEAL_LOST_REASON]
    assert get(bench, deal.id).status is RegistrationStatus.APPROVED

    mark_lost(bench, deal, "U_DANA", "Went with a competitor on price")
    after = get(bench, deal.id)
    assert after.status is RegistrationStatus.LOST
    assert after.lost_reason == "Went with a competitor on price"
    last = changes(bench, deal.id)[-1]
    assert (last.kind, last.comment) == (DealChangeKind.LOST, "Went with a competitor on price")
    assert (
        ":heavy_multiplication_x: <@U_DANA> (Acme Resellers) marked it lost: “Went with a "
        "competitor on price” (D-1)." in thread_texts(bench, deal)[-1]
    )
    assert "Lost: “Went with a competitor on price”" in card_text(bench, deal)
    assert card_buttons(bench, deal)[-1:] == [Action.DEAL_HISTORY]  # only History is left
    # nothing more can be done to it
    views = len(fake_slack.views)
    press(bench, Action.DEAL_UPDATE, deal, "U_TM")
    assert len(fake_slack.views) == views
    assert (
        "D-1 is lost, so you can't update this deal any more." in fake_slack.responses[-1]["text"]
    )
