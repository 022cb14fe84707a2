"""Editing and withdrawing a win: the logger only, within 24 hours, and always audited."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from bot.app import make_client
from bot.scheduler import Ticker
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Side, WinChange, WinChangeKind
from tests.bench.harness import CHANNEL, PARTNER, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.wins.conftest import WINS_CHANNEL
from tests.wins.helpers import log_win, win_values, wins


def changes(bench) -> list[WinChange]:
    with bench.session() as session:
        found = list(session.scalars(select(WinChange).order_by(WinChange.id)))
        session.expunge_all()
        return found


def open_menu(bench, win, choice: str, user: str = "U_TM", team: str = "T_VENDOR"):
    message = {"ts": win.message_ts, "text": ""}
    return bench.click(
        Action.WIN_MENU,
        user=user,
        user_team=team,
        message=message,
        selected_option=f"{choice}:{win.id}",
    )


def test_logger_edits_within_a_day_and_the_message_follows(wins_bench, fake_slack, clock):
    bench = wins_bench
    link_partnership(bench)
    win = log_win(bench)
    clock.move_to("2026-12-02 14:00:00")  # 23 hours later
    fake_slack.views.clear()
    open_menu(bench, win, "edit")
    view = bench.last_view()
    assert view["callback_id"] == Callback.WIN_EDIT
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert fields[B.WIN_HEADLINE]["element"]["initial_value"] == "Acme renewal"
    assert fields[B.WIN_AMOUNT]["element"]["initial_value"] == "125,000"
    assert fields[B.WIN_PARTNER_CREDITS]["element"]["initial_users"] == ["U_DANA"]

    edited = win_values(
        **{
            B.WIN_HEADLINE: rq.text("Acme renewal, 3 years"),
            B.WIN_AMOUNT: rq.text("375k"),
            B.WIN_PARTNER_CREDITS: rq.users("U_DANA", "U_PAT"),
        }
    )
    bench.submit(edited, view=view)
    bench.submit(edited, view=view)  # delivered twice: one change
    [stored] = wins(bench)
    assert stored.headline == "Acme renewal, 3 years" and stored.amount == Decimal("375000")
    assert stored.credited(Side.PARTNER) == ["U_DANA", "U_PAT"]
    assert stored.edited_at is not None
    [change] = changes(bench)
    assert change.change is WinChangeKind.EDITED and change.changed_by == "U_TM"
    assert change.before["headline"] == "Acme renewal" and change.before["amount"] == "125000.00"

    for channel, ts in ((CHANNEL, win.message_ts), (WINS_CHANNEL, win.copy_ts)):
        text = block_texts(fake_slack.message(channel, ts).blocks)
        assert "Acme renewal, 3 years" in text and "USD 375,000" in text and "edited" in text
    assert "updated the message in" in block_texts(fake_slack.views[view["id"]]["blocks"])


def test_logger_withdraws_after_confirming_and_the_message_says_so(wins_bench, fake_slack):
    bench = wins_bench
    link_partnership(bench)
    win = log_win(bench)
    # withdrawing can't be undone: the menu opens a dialog that asks first, and nothing
    # changes until it is confirmed
    open_menu(bench, win, "withdraw")
    dialog = bench.last_view()
    assert dialog["callback_id"] == Callback.WIN_WITHDRAW
    assert dialog["title"]["text"] == "Withdraw this win?"
    assert dialog["submit"]["text"] == "Withdraw" and dialog["close"]["text"] == "Keep it"
    said = block_texts(dialog["blocks"])
    assert "*Acme renewal*" in said and "can't be undone" in said and "*Edit* it instead" in said
    [stored] = wins(bench)
    assert stored.deleted_at is None and changes(bench) == []

    # someone else can't confirm it with a crafted submission
    refused = bench.submit({}, user="U_CAM", view=dialog)
    assert "Only <@U_TM>, who logged this win" in json.dumps(response_json(refused))
    assert wins(bench)[0].deleted_at is None

    bench.submit({}, view=dialog)
    bench.submit({}, view=dialog)  # delivered twice: withdrawn once
    [stored] = wins(bench)
    assert stored.deleted_at is not None
    assert [c.change for c in changes(bench)] == [WinChangeKind.WITHDRAWN]
    for channel, ts in ((CHANNEL, win.message_ts), (WINS_CHANNEL, win.copy_ts)):
        message = fake_slack.message(channel, ts)
        assert "was withdrawn by <@U_TM>" in block_texts(message.blocks)
        assert Action.WIN_MENU not in str(message.blocks)
    open_menu(bench, win, "withdraw")
    assert "already withdrawn" in fake_slack.responses[-1]["text"]
    # withdrawn wins no longer count
    assert "No wins logged" in block_texts(response_json(bench.command("/win", "list"))["blocks"])


def test_the_menu_leaves_the_celebration_when_the_day_is_over(wins_bench, fake_slack, clock):
    bench = wins_bench
    link_partnership(bench)
    win = log_win(bench)
    for channel, ts in ((CHANNEL, win.message_ts), (WINS_CHANNEL, win.copy_ts)):
        assert Action.WIN_MENU in str(fake_slack.message(channel, ts).blocks)
    tick = Ticker(bench.sessions, make_client(bench.settings), name="t", materializers=[])
    clock.move_to("2026-12-02 14:59:00")  # a minute before the day is over: still there
    tick.tick()
    assert Action.WIN_MENU in str(fake_slack.message(CHANNEL, win.message_ts).blocks)
    clock.move_to("2026-12-02 15:00:30")
    tick.tick()
    for channel, ts in ((CHANNEL, win.message_ts), (WINS_CHANNEL, win.copy_ts)):
        message = fake_slack.message(channel, ts)
        assert Action.WIN_MENU not in str(message.blocks)  # it would only refuse now
        assert "Acme renewal" in block_texts(message.blocks)  # the celebration stays
    tick.tick()
    updates = [c for c in fake_slack.calls_to("chat.update") if c.args.get("ts") == win.message_ts]
    assert len(updates) == 1  # once


def test_a_withdrawn_win_is_not_touched_when_the_day_is_over(bench, fake_slack, clock):
    link_partnership(bench)
    win = log_win(bench)
    open_menu(bench, win, "withdraw")
    bench.submit({})
    before = len(fake_slack.calls_to("chat.update"))
    clock.move_to("2026-12-02 15:01:00")
    Ticker(bench.sessions, make_client(bench.settings), name="t", materializers=[]).tick()
    assert len(fake_slack.calls_to("chat.update")) == before


def test_changes_are_refused_after_a_day(bench, fake_slack, clock):
    link_partnership(bench)
    win = log_win(bench)
    clock.move_to("2026-12-02 15:05:00")  # a day and some minutes after it was logged
    fake_slack.views.clear()
    open_menu(bench, win, "edit")
    assert not fake_slack.views
    assert "24 hours" in fake_slack.responses[-1]["text"]
    open_menu(bench, win, "withdraw")
    assert "24 hours" in fake_slack.responses[-1]["text"]
    [stored] = wins(bench)
    assert stored.deleted_at is None and changes(bench) == []


def test_an_edit_submitted_after_the_day_is_refused(bench, fake_slack, clock):
    link_partnership(bench)
    win = log_win(bench)
    open_menu(bench, win, "edit")
    view = bench.last_view()
    clock.move_to("2026-12-03 09:00:00")
    response = bench.submit(win_values(**{B.WIN_HEADLINE: rq.text("Too late")}), view=view)
    [stored] = wins(bench)
    assert stored.headline == "Acme renewal" and changes(bench) == []
    assert "24 hours" in block_texts(response_json(response)["view"]["blocks"])


def test_only_the_logger_may_change_a_win(bench, fake_slack):
    link_partnership(bench)
    win = log_win(bench)
    fake_slack.views.clear()
    open_menu(bench, win, "edit", user="U_CAM")
    assert not fake_slack.views
    assert "Only <@U_TM>, who logged this win, can change it" in fake_slack.responses[-1]["text"]
    open_menu(bench, win, "withdraw", user="U_DANA", team=PARTNER)
    assert "Only <@U_TM>" in fake_slack.responses[-1]["text"]
    [stored] = wins(bench)
    assert stored.deleted_at is None and changes(bench) == []


def test_someone_else_is_pointed_to_a_button_not_a_command(bench, fake_slack):
    link_partnership(bench)
    win = log_win(bench)
    open_menu(bench, win, "edit", user="U_DANA", team=PARTNER)
    refusal = fake_slack.responses[-1]["text"]
    assert "Only <@U_TM>, who logged this win, can change it." in refusal
    assert "log another win with the *Log a win* button" in refusal and "/win" not in refusal
