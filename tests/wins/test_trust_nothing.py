"""What a win payload names is re-derived from the database, and cheap limits come first.

A hand-made, validly signed payload can name any partnership id and any number of people:
the partnership picker loads product lines only for people on one of its two sides, and a
credit list over the 10-per-side limit is refused before anyone is looked up in Slack.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import VALUE, Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from tests.bench.harness import OTHER, PARTNER, VENDOR, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.wins.helpers import log_win, win_values, wins
from tests.wins.test_win_changes import open_menu

CREDITS = 2000


def pick(bench, view: dict[str, Any], partnership_id: int, user: str, team: str) -> None:
    """The partnership picker in the win modal, as a block_actions payload."""
    state = {B.WIN_PARTNERSHIP: {VALUE: rq.option(str(partnership_id))}}
    bench.send(
        rq.action_body(
            VALUE,
            "",
            user=user,
            user_team=team,
            app_team=VENDOR,
            channel=None,
            message=None,
            response_url=None,
            view={**view, "state": {"values": state}},
            block_id=B.WIN_PARTNERSHIP,
        )
    )


def crafted_win_modal(n: int = 1) -> dict[str, Any]:
    return {
        "id": f"V_CRAFTED_WIN_{n}",
        "type": "modal",
        "callback_id": Callback.WIN_LOG,
        "private_metadata": json.dumps({}),
        "blocks": [],
    }


def test_the_picker_shows_no_product_lines_of_a_partnership_to_an_outsider(bench, fake_slack):
    partnership = link_partnership(bench)
    log_win(bench)  # the product line "Cloud Backup"
    view = crafted_win_modal()
    fake_slack.reset_calls()

    pick(bench, view, partnership.id, "U_OUT", OTHER)

    assert not fake_slack.calls_to("views.update"), "the outsider's modal was filled in"
    told = "\n".join((m.text or "") + block_texts(m.blocks) for m in fake_slack.posts("DU_OUT"))
    assert "Only people from the two organizations in this partnership" in told
    assert "Acme Resellers" not in told and "Cloud Backup" not in told


def test_the_picker_still_loads_the_lines_for_the_partner_side(bench, fake_slack):
    partnership = link_partnership(bench)
    log_win(bench)
    view = crafted_win_modal(2)
    fake_slack.views[view["id"]] = view  # as if Slack had opened it
    pick(bench, view, partnership.id, "U_DANA", PARTNER)
    fields = {b.get("block_id"): b for b in fake_slack.views[view["id"]]["blocks"]}
    lines = fields[B.WIN_PRODUCT_LINE]["element"]["options"]
    assert [o["text"]["text"] for o in lines] == ["Cloud Backup"]


def many(prefix: str) -> dict[str, Any]:
    return rq.users(*(f"{prefix}{i:05d}" for i in range(CREDITS)))


def test_two_thousand_credits_are_refused_before_anyone_is_looked_up(bench, fake_slack):
    link_partnership(bench)
    bench.command("/win")
    view = bench.last_view()
    fake_slack.reset_calls()

    response = bench.submit(win_values(**{B.WIN_PARTNER_CREDITS: many("U_P")}), view=view)

    errors = response_json(response)["errors"]
    assert "at most 10 people on each side" in errors[B.WIN_PARTNER_CREDITS]
    assert len(fake_slack.calls_to("users.info")) == 0
    assert wins(bench) == []


def test_an_edit_with_two_thousand_credits_is_refused_before_any_lookup(bench, fake_slack):
    link_partnership(bench)
    win = log_win(bench)
    view = open_menu(bench, win, "edit") and bench.last_view()
    fake_slack.reset_calls()

    response = bench.submit(win_values(**{B.WIN_VENDOR_CREDITS: many("U_V")}), view=view)

    errors = response_json(response)["errors"]
    assert "at most 10 people on each side" in errors[B.WIN_VENDOR_CREDITS]
    assert len(fake_slack.calls_to("users.info")) == 0


def test_an_outsider_logging_a_win_is_refused_before_anyone_is_looked_up(bench, fake_slack):
    partnership = link_partnership(bench)
    view = {
        **crafted_win_modal(3),
        "private_metadata": json.dumps({"partnership_id": partnership.id}),
    }
    fake_slack.reset_calls()
    response = bench.submit(
        win_values(**{B.WIN_PARTNER_CREDITS: rq.users("U_X1", "U_X2")}),
        user="U_OUT",
        user_team=OTHER,
        view=view,
    )
    told = json.dumps(response_json(response))
    assert "Only people from the two organizations in this partnership" in told
    assert "Acme Resellers" not in told
    assert len(fake_slack.calls_to("users.info")) == 0
    assert wins(bench) == []


def test_the_log_win_button_names_no_partnership_to_an_outsider(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.LOG_WIN, str(partnership.id), user="U_OUT", user_team=OTHER)
    told = fake_slack.responses[-1]["text"]
    assert "Only people from the two organizations in this partnership" in told
    assert "Acme Resellers" not in told
