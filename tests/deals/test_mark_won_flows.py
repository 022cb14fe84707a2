"""Mark won: the /win modal opens pre-filled from the registration; the win is logged and
celebrated like any other, and linked to the registration (won, partner-sourced)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.domain.clock import utcnow
from bot.domain.deals.outcomes import registration_of_win
from bot.domain.deals.reminders import DECISION, PROTECTION
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import (
    DealChangeKind,
    Occurrence,
    OccurrenceStatus,
    RegistrationStatus,
    Win,
)
from tests.bench.harness import CHANNEL, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.deals.funnel_flows import approved_deal, card_buttons, mark_lost, press
from tests.deals.registering import TEAMS, card_text, changes, get, register, thread_texts
from tests.wins.helpers import wins


def shown_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What Slack would report for a modal submitted as it was shown (its initial values)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            values[block["block_id"]] = rq.text(element.get("initial_value") or "")
        elif kind in ("static_select", "radio_buttons"):
            initial = element.get("initial_option")
            values[block["block_id"]] = {
                "type": kind,
                "selected_option": initial,
            }
        elif kind == "datepicker":
            values[block["block_id"]] = rq.date(element.get("initial_date"))
        elif kind == "multi_users_select":
            values[block["block_id"]] = rq.users(*(element.get("initial_users") or []))
    return values


def open_won(bench, registration, user: str) -> dict[str, Any] | None:
    views = len(bench.fake.views)
    press(bench, Action.DEAL_WON, registration, user)
    if len(bench.fake.views) == views:
        return None
    view = bench.last_view()
    assert view["callback_id"] == Callback.DEAL_WON
    return view


def test_mark_won_opens_the_win_modal_prefilled_and_links_the_win(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    view = open_won(bench, deal, "U_DANA")
    assert view is not None
    shown = shown_values(view)
    assert shown[B.WIN_HEADLINE]["value"] == "Globex Corporation — 300 seats, EMEA rollout"
    assert shown[B.WIN_AMOUNT]["value"] == "120,000"
    assert shown[B.WIN_CURRENCY]["value"] == "EUR"
    assert shown[B.WIN_PRODUCT_LINE]["selected_option"]["value"] == str(deal.product_line_id)
    assert shown[B.WIN_CLOSED_ON]["selected_date"] == "2026-12-01"  # today: 31 Mar is ahead
    assert shown[B.WIN_PARTNER_CREDITS]["selected_users"] == ["U_DANA"]  # the partner rep
    assert shown[B.WIN_KIND]["selected_option"]["value"] == "deal"

    response = bench.submit(shown, user="U_DANA", user_team="T_PARTNER", view=view)
    assert response_json(response)["response_action"] == "update"
    [win] = wins(bench)
    assert (win.amount, win.currency, win.logged_by) == (Decimal("120000.00"), "EUR", "U_DANA")
    assert win.product_line_id == deal.product_line_id
    after = get(bench, deal.id)
    assert (after.status, after.win_id) == (RegistrationStatus.WON, win.id)
    last = changes(bench, deal.id)[-1]
    assert (last.kind, last.changed_by) == (DealChangeKind.WON, "U_DANA")
    assert last.after["win_id"] == win.id
    with bench.session() as session:  # the win knows it is partner-sourced
        linked = registration_of_win(session, win.id)
        assert linked is not None and linked.id == deal.id
    # celebrated in the channel like any win; the card's thread says it is won
    celebration = [m for m in fake_slack.posts(CHANNEL) if "Globex Corporation" in (m.text or "")]
    assert any(m.thread_ts is None and m.ts == win.message_ts for m in celebration)
    assert (
        ":trophy: <@U_DANA> (Acme Resellers) marked it won (EUR 120,000): the win “Globex "
        "Corporation — 300 seats, EMEA rollout” is linked to it (partner-sourced) (D-1)."
        in thread_texts(bench, deal)[-1]
    )
    assert "Won: its win counts as partner-sourced for Acme Resellers." in card_text(bench, deal)
    assert card_buttons(bench, deal)[-1:] == [Action.DEAL_HISTORY]

    # the same submission again logs nothing more; another Mark won is refused
    bench.submit(shown, user="U_DANA", user_team="T_PARTNER", view=view)
    assert len(wins(bench)) == 1
    assert open_won(bench, deal, "U_TM") is None
    assert "D-1 is won" in fake_slack.responses[-1]["text"]


def test_a_win_for_a_deal_that_was_lost_meanwhile_is_not_logged(bench, fake_slack):
    _partnership, deal = approved_deal(bench)
    view = open_won(bench, deal, "U_TM")
    mark_lost(bench, deal, "U_DANA", "Budget frozen")
    response = bench.submit(shown_values(view), user="U_TM", user_team="T_VENDOR", view=view)
    assert "D-1 is lost" in block_texts(response_json(response)["view"]["blocks"])
    assert wins(bench) == []
    assert get(bench, deal.id).win_id is None


def test_the_modal_cannot_move_the_win_to_another_partnership(bench, fake_slack):
    """A hand-made submission that names another partnership in the metadata is refused."""
    import json

    _partnership, deal = approved_deal(bench)
    other = link_partnership(bench, channel="C0OTHER")
    view = open_won(bench, deal, "U_TM")
    metadata = json.loads(view["private_metadata"])
    metadata["partnership_id"] = other.id
    crafted = {**view, "private_metadata": json.dumps(metadata)}
    values = shown_values(view)
    response = bench.submit(values, user="U_TM", user_team=TEAMS["U_TM"], view=crafted)
    told = json.dumps(response_json(response))
    assert "own partnership" in told
    with bench.session() as session:
        assert session.scalars(select(Win)).all() == []
    assert get(bench, deal.id).status is RegistrationStatus.APPROVED


def win_through_mark_won(bench, deal) -> Win:
    """Mark won as the partner rep, celebrating the pre-filled win as it was shown."""
    view = open_won(bench, deal, "U_DANA")
    assert view is not None
    bench.submit(shown_values(view), user="U_DANA", user_team="T_PARTNER", view=view)
    [win] = wins(bench)
    assert get(bench, deal.id).status is RegistrationStatus.WON
    return win


def withdraw(bench, win: Win, user: str = "U_DANA", team: str = "T_PARTNER") -> dict[str, Any]:
    """The win's ⋯ menu, Withdraw…: the confirmation dialog, as the person sees it."""
    bench.click(
        Action.WIN_MENU,
        user=user,
        user_team=team,
        message={"ts": win.message_ts, "text": ""},
        selected_option=f"withdraw:{win.id}",
    )
    dialog = bench.last_view()
    assert dialog["callback_id"] == Callback.WIN_WITHDRAW
    return dialog


def test_withdrawing_the_win_opens_the_deal_again_where_it_was(bench, fake_slack, clock):
    _partnership, deal = approved_deal(bench)
    protected = get(bench, deal.id).protected_until
    with bench.session() as session:  # Mark won cancelled the protection reminder
        assert session.scalars(select(Occurrence).where(Occurrence.kind == PROTECTION)).all()
    win = win_through_mark_won(bench, deal)

    # the confirmation says what becomes of the deal; keeping it changes nothing
    dialog = withdraw(bench, win)
    said = block_texts(dialog["blocks"])
    assert "can't be undone" in said
    assert "It was logged for deal registration D-1 (Globex Corporation): that deal is no " in said
    assert "goes back to where it was before" in said
    assert get(bench, deal.id).status is RegistrationStatus.WON

    bench.submit({}, user="U_DANA", user_team="T_PARTNER", view=dialog)
    bench.submit({}, user="U_DANA", user_team="T_PARTNER", view=dialog)  # delivered twice

    # the registration: approved again, its protection as it was, no win linked
    after = get(bench, deal.id)
    assert (after.status, after.win_id) == (RegistrationStatus.APPROVED, None)
    assert after.protected_until == protected
    kinds = [c.kind for c in changes(bench, deal.id)]
    assert kinds[-2:] == [DealChangeKind.WON, DealChangeKind.WIN_WITHDRAWN]  # recorded once
    last = changes(bench, deal.id)[-1]
    assert (last.changed_by, last.before["win_id"], last.after) == (
        "U_DANA",
        win.id,
        {"status": "approved"},
    )
    # both companies see it in the card's thread, and the card is open again
    assert thread_texts(bench, deal)[-1] == (
        ":leftwards_arrow_with_hook: <@U_DANA> (Acme Resellers) withdrew its win “Globex "
        "Corporation — 300 seats, EMEA rollout”, so it is no longer won: it is approved again "
        "(D-1).\n"
    )
    text = card_text(bench, deal)
    assert "Approved by <@U_TM> (Vendor Inc)" in text and "Won:" not in text
    assert card_buttons(bench, deal)[-4:] == [
        Action.DEAL_UPDATE,
        Action.DEAL_WON,
        Action.DEAL_LOST,
        Action.DEAL_HISTORY,
    ]
    # the protection reminder is planned again, and the deal can be won again
    with bench.session() as session:
        [reminder] = session.scalars(select(Occurrence).where(Occurrence.kind == PROTECTION))
        assert reminder.status is OccurrenceStatus.PENDING
    assert open_won(bench, deal, "U_TM") is not None
    with bench.session() as session:  # the withdrawn win is no longer the deal's
        assert registration_of_win(session, win.id) is None


def test_a_win_withdrawn_after_the_protection_ended_leaves_the_deal_expired(
    bench, fake_slack, clock
):
    _partnership, deal = approved_deal(bench)
    with bench.session() as session:  # its protection ends in an hour
        session.get(type(deal), deal.id).protected_until = utcnow() + timedelta(hours=1)
        session.commit()
    win = win_through_mark_won(bench, deal)
    clock.tick(timedelta(hours=2))
    bench.submit({}, user="U_DANA", user_team="T_PARTNER", view=withdraw(bench, win))
    after = get(bench, deal.id)
    assert (after.status, after.win_id) == (RegistrationStatus.EXPIRED, None)
    assert (
        "it is expired again (its protection had ended meanwhile)"
        in (thread_texts(bench, deal)[-1])
    )
    assert card_buttons(bench, deal)[-3:] == [
        Action.DEAL_WON,
        Action.DEAL_LOST,
        Action.DEAL_HISTORY,
    ]


def test_a_deal_won_before_its_decision_waits_for_it_again(bench, fake_slack):
    partnership = link_partnership(bench)
    deal = register(bench, partnership.id, "U_DANA")
    win = win_through_mark_won(bench, deal)
    with bench.session() as session:
        [nudge] = session.scalars(select(Occurrence).where(Occurrence.kind == DECISION))
        assert nudge.status is OccurrenceStatus.SKIPPED  # won: nothing to decide
    bench.submit({}, user="U_DANA", user_team="T_PARTNER", view=withdraw(bench, win))
    assert get(bench, deal.id).status is RegistrationStatus.SUBMITTED
    assert "it is waiting for a decision again" in thread_texts(bench, deal)[-1]
    assert "Waiting for a decision from Vendor Inc" in card_text(bench, deal)
    with bench.session() as session:  # the approvers will be nudged on the same deadline
        [again] = session.scalars(select(Occurrence).where(Occurrence.kind == DECISION))
        assert (again.id, again.status) == (nudge.id, OccurrenceStatus.PENDING)
