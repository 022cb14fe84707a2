"""/win end to end: command → modal → submission → celebration in the channel."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from bot.domain.partners.names import TIMES
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Side, WinKind
from tests.bench.harness import CHANNEL, PARTNER, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.wins.helpers import log_win, win_values, wins


def test_vendor_logs_a_win_and_it_is_celebrated_in_the_channel(bench, fake_slack):
    link_partnership(bench)
    bench.command("/win", "125k Acme renewal")
    view = bench.last_view()
    assert view["callback_id"] == Callback.WIN_LOG
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert B.WIN_PARTNERSHIP not in fields  # the channel names the partnership
    assert "Acme Resellers" in block_texts(view["blocks"])
    assert fields[B.WIN_HEADLINE]["element"]["initial_value"] == "Acme renewal"
    assert fields[B.WIN_AMOUNT]["element"]["initial_value"] == "125,000"
    assert fields[B.WIN_CURRENCY]["element"]["initial_value"] == "USD"
    assert fields[B.WIN_CLOSED_ON]["element"]["initial_date"] == "2026-12-01"
    assert fields[B.WIN_VENDOR_CREDITS]["element"]["initial_users"] == ["U_TM"]

    response = bench.submit(win_values())
    assert response.status == 200
    assert response_json(response)["response_action"] == "update"

    [win] = wins(bench)
    assert win.headline == "Acme renewal"
    assert win.kind is WinKind.DEAL
    assert win.amount == Decimal("125000.00") and win.currency == "USD"
    assert win.product_line.name == "Cloud Backup"
    assert win.closed_on == date(2026, 11, 30)
    assert win.logged_by == "U_TM" and win.logged_by_side is Side.VENDOR
    assert win.credited(Side.PARTNER) == ["U_DANA"]
    assert win.credited(Side.VENDOR) == ["U_TM", "U_CAM"]
    assert win.story.startswith("Dana brought us in early")
    assert win.submission_key == view["id"]

    post = fake_slack.last_post(CHANNEL)
    assert win.message_ts == post.ts and win.channel_id == CHANNEL
    text = block_texts(post.blocks)
    assert "Acme renewal" in text
    # posted where both companies read it: a win for both, named alike
    assert f"A win for *Vendor Inc {TIMES} Acme Resellers*!" in text
    assert "*Acme Resellers:* <@U_DANA>" in text and "*Vendor Inc:* <@U_TM>, <@U_CAM>" in text
    assert "USD 125,000" in text and "Cloud Backup" in text
    assert "Logged by <@U_TM> (Vendor Inc)" in text
    assert post.text.startswith(f"🎉 A win for Vendor Inc {TIMES} Acme Resellers: Acme renewal")
    assert "Dana brought us in early" in text
    assert post.reactions == ["tada"]
    assert Action.WIN_MENU in json.dumps(post.blocks)
    # the modal now says where the win was celebrated, with a button that goes there
    saved = fake_slack.views[view["id"]]
    assert "celebrated it in <#C0SHARED>" in block_texts(saved["blocks"])
    [go] = [e for b in saved["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert go["text"]["text"] == "Take me there" and go["action_id"] == Action.OPEN_LINK
    assert go["url"] == f"https://slack.test/archives/{CHANNEL}/p{post.ts}"
    assert bench.click(Action.OPEN_LINK, channel=None, view=saved).status == 200  # only acked


def test_partner_side_user_logs_a_win_from_the_summary_button(bench, fake_slack):
    partnership = link_partnership(bench)
    summary = response_json(bench.command("/partner"))
    assert Action.LOG_WIN in json.dumps(summary["blocks"])

    bench.click(Action.LOG_WIN, str(partnership.id), user="U_DANA", user_team=PARTNER)
    view = bench.last_view()
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert fields[B.WIN_PARTNER_CREDITS]["element"]["initial_users"] == ["U_DANA"]
    assert "initial_users" not in fields[B.WIN_VENDOR_CREDITS]["element"]
    # Dana is in Berlin: it is already evening there, still the same day
    assert fields[B.WIN_CLOSED_ON]["element"]["initial_date"] == "2026-12-01"

    values = win_values(
        **{
            B.WIN_HEADLINE: rq.text("Globex: first Cloud Backup order"),
            B.WIN_KIND: rq.option("milestone"),
            B.WIN_AMOUNT: rq.text(""),
            B.WIN_PARTNER_CREDITS: rq.users("U_DANA", "U_PAT"),
            B.WIN_VENDOR_CREDITS: rq.users("U_CAM"),
        }
    )
    response = bench.submit(values, user="U_DANA", user_team=PARTNER)
    assert response.status == 200
    [win] = wins(bench)
    assert win.kind is WinKind.MILESTONE and win.amount is None and win.currency is None
    assert win.logged_by == "U_DANA" and win.logged_by_side is Side.PARTNER
    assert win.credited(Side.PARTNER) == ["U_DANA", "U_PAT"]
    post = fake_slack.last_post(CHANNEL)
    text = block_texts(post.blocks)
    assert "Globex: first Cloud Backup order" in text
    assert "Logged by <@U_DANA> (Acme Resellers)" in text
    assert "<@U_PAT>" in text and "<@U_CAM>" in text
    assert post.reactions == ["tada"]


def test_outsider_cannot_log_a_win(bench, fake_slack):
    partnership = link_partnership(bench)
    fake_slack.views.clear()
    bench.click(Action.LOG_WIN, str(partnership.id), user="U_OUT", user_team="T_OTHER")
    assert not fake_slack.views
    assert "Only people from the two organizations" in fake_slack.responses[-1]["text"]


def test_elsewhere_the_modal_asks_which_partnership_and_loads_its_product_lines(bench, fake_slack):
    partnership = link_partnership(bench)
    log_win(bench)  # adds the product line "Cloud Backup"
    fake_slack.views.clear()
    bench.command("/win", "EUR 90,000 Initech expansion", channel="C0ELSEWHERE")
    view = bench.last_view()
    fields = {b.get("block_id"): b for b in view["blocks"]}
    options = fields[B.WIN_PARTNERSHIP]["element"]["options"]
    assert [o["value"] for o in options] == [str(partnership.id)]
    assert fields[B.WIN_PARTNERSHIP]["dispatch_action"] is True
    assert B.WIN_PRODUCT_LINE not in fields  # unknown until a partnership is chosen
    assert fields[B.WIN_AMOUNT]["element"]["initial_value"] == "90,000"
    assert fields[B.WIN_CURRENCY]["element"]["initial_value"] == "EUR"

    picked = {B.WIN_PARTNERSHIP: rq.option(str(partnership.id))}
    bench.send(
        rq.action_body(
            "value",
            "",
            user="U_TM",
            user_team="T_VENDOR",
            app_team="T_VENDOR",
            channel=None,
            message=None,
            response_url=None,
            view={**view, "state": {"values": {k: {"value": v} for k, v in picked.items()}}},
            block_id=B.WIN_PARTNERSHIP,
        )
    )
    updated = fake_slack.views[view["id"]]
    fields = {b.get("block_id"): b for b in updated["blocks"]}
    lines = fields[B.WIN_PRODUCT_LINE]["element"]["options"]
    assert [o["text"]["text"] for o in lines] == ["Cloud Backup"]

    line_id = lines[0]["value"]
    values = win_values(
        **{
            B.WIN_PARTNERSHIP: rq.option(str(partnership.id)),
            B.WIN_HEADLINE: rq.text("Initech expansion"),
            B.WIN_AMOUNT: rq.text("EUR 90,000"),
            B.WIN_CURRENCY: rq.text("EUR"),
            B.WIN_PRODUCT_LINE: rq.option(line_id),
            B.WIN_NEW_PRODUCT_LINE: rq.text(""),
        }
    )
    bench.submit(values, view=updated)
    win = wins(bench)[-1]
    assert win.partnership_id == partnership.id
    assert win.amount == Decimal("90000") and win.currency == "EUR"
    assert win.product_line_id == int(line_id)
    assert "EUR 90,000" in block_texts(fake_slack.last_post(CHANNEL).blocks)
    assert not fake_slack.posts("C0ELSEWHERE")


def test_win_without_any_partnership_says_how_to_start(bench, fake_slack):
    body = response_json(bench.command("/win", "125k Acme"))
    assert "Run `/partner`" in body["text"]
    assert not fake_slack.views


def test_a_view_submitted_twice_logs_one_win(bench, fake_slack):
    link_partnership(bench)
    bench.command("/win")
    view = bench.last_view()
    first = bench.submit(win_values(), view=view)
    second = bench.submit(win_values(), view=view)
    assert first.status == second.status == 200
    assert len(wins(bench)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # link notice + one celebration
    assert len(fake_slack.posts(CHANNEL)) == 2


def test_product_lines_are_kept_per_partnership_without_duplicates(bench):
    link_partnership(bench)
    log_win(bench)
    log_win(bench, **{B.WIN_NEW_PRODUCT_LINE: rq.text("  cloud   backup ")})
    first, second = wins(bench)
    assert first.product_line_id == second.product_line_id
    assert second.product_line.name == "Cloud Backup"
    bench.command("/win")
    fields = {b.get("block_id"): b for b in bench.last_view()["blocks"]}
    assert [o["text"]["text"] for o in fields[B.WIN_PRODUCT_LINE]["element"]["options"]] == [
        "Cloud Backup"
    ]
    # the last currency used is the default for the next win
    assert fields[B.WIN_CURRENCY]["element"]["initial_value"] == "USD"


def test_win_list_shows_recent_wins_only_to_the_asker(bench):
    link_partnership(bench)
    log_win(bench)
    log_win(
        bench,
        **{
            B.WIN_HEADLINE: rq.text("Globex pilot"),
            B.WIN_AMOUNT: rq.text("90.000,50 €"),
            B.WIN_CURRENCY: rq.text(""),
        },
    )
    body = response_json(bench.command("/win", "list"))
    assert body["response_type"] == "ephemeral"
    text = block_texts(body["blocks"])
    assert text.index("Globex pilot") < text.index("Acme renewal")  # newest first
    assert "EUR 90,000.50" in text and "USD 125,000" in text
    assert "2 wins" in text
    # the currency last used is the next win's default
    bench.command("/win")
    fields = {b.get("block_id"): b for b in bench.last_view()["blocks"]}
    assert fields[B.WIN_CURRENCY]["element"]["initial_value"] == "EUR"


def test_win_list_outside_a_partnership_channel_explains(bench):
    link_partnership(bench)
    body = response_json(bench.command("/win", "list", channel="C0ELSEWHERE"))
    assert "shared channel" in body["text"]


def test_help_lists_the_win_commands(bench):
    text = block_texts(response_json(bench.command("/partner", "help"))["blocks"])
    assert "`/win`" in text and "`/win list`" in text
