"""/partner end to end: signed requests in, Web API calls out to the fake Slack."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import Fault
from storage.models import ContactRole, Member, Partnership, PartnershipStatus, Side
from tests.bench.harness import CHANNEL, PARTNER, SECRET, VENDOR, block_texts, response_json
from tests.bench.scenarios import link_partnership, setup_values


def count_partnerships(bench) -> int:
    with bench.session() as session:
        return session.scalar(select(func.count()).select_from(Partnership))


def test_partner_in_unlinked_channel_opens_setup_prefilled(bench, fake_slack):
    response = bench.command("/partner")
    assert response.status == 200
    [call] = fake_slack.calls_to("views.open")
    view = call.args["view"]
    assert view["callback_id"] == Callback.PARTNERSHIP_SETUP
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks[B.CHANNEL]["element"]["initial_conversation"] == CHANNEL
    assert blocks[B.OWNERS]["element"]["initial_users"] == ["U_TM"]
    # the time zone is a select: the TM's own zone first, and chosen
    zone = blocks[B.TIME_ZONE]["element"]
    assert zone["type"] == "static_select"
    assert zone["initial_option"]["value"] == "America/New_York"
    first = zone["option_groups"][0]
    assert first["label"]["text"] == "Your time zone"
    assert [o["value"] for o in first["options"]] == ["America/New_York"]
    assert first["options"][0]["text"]["text"].startswith("New York time (UTC-0")
    offered = [o["value"] for g in zone["option_groups"] for o in g["options"]]
    assert len(offered) <= 100 and len(set(offered)) == len(offered)
    assert {"Europe/Berlin", "Asia/Kolkata", "UTC"} <= set(offered)


def test_setup_submission_stores_partnership_and_posts_in_channel(bench, fake_slack):
    partnership = link_partnership(bench)
    assert partnership.partner_name == "Acme Resellers"
    assert partnership.vendor_team_id == VENDOR
    assert partnership.partner_team_id == PARTNER
    assert partnership.status is PartnershipStatus.ACTIVE
    assert partnership.time_zone == "America/New_York"
    assert partnership.holiday_country == "US"
    with bench.session() as session:
        members = {m.user_id: m for m in session.scalars(select(Member))}
    assert members["U_TM"].is_owner and members["U_TM"].side is Side.VENDOR
    assert members["U_CAM"].is_owner
    assert members["U_DANA"].contact_role is ContactRole.SALES
    assert members["U_DANA"].side is Side.PARTNER
    assert members["U_PAT"].contact_role is ContactRole.OPERATIONS
    notice = fake_slack.last_post(CHANNEL)
    assert (
        "<@U_TM> linked this channel to the partnership between *Vendor Inc* and "
        "*Acme Resellers*. Owners at Vendor Inc: <@U_TM>, <@U_CAM>." in notice.text
    )
    shown = block_texts(notice.blocks)
    assert "What will appear here: the wins either company logs, rules of engagement" in shown
    assert "Everyone here, at Vendor Inc or Acme Resellers: *Partnership summary*" in shown
    assert Action.SHOW_SUMMARY in json.dumps(notice.blocks)


def test_second_partner_command_shows_the_summary(bench, fake_slack):
    link_partnership(bench)
    fake_slack.reset_calls()
    response = bench.command("/partner")
    body = response_json(response)
    assert body["response_type"] == "ephemeral"
    text = block_texts(body["blocks"])
    assert "Vendor Inc \N{MULTIPLICATION SIGN} Acme Resellers" in text
    assert "<@U_DANA>" in text and "<@U_TM>" in text
    assert not fake_slack.calls_to("views.open")


def test_partner_side_user_opens_summary_from_button(bench, fake_slack):
    partnership = link_partnership(bench)
    response = bench.click(
        Action.SHOW_SUMMARY, str(partnership.id), user="U_DANA", user_team=PARTNER
    )
    assert response.status == 200
    [reply] = fake_slack.responses
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    assert "Vendor Inc \N{MULTIPLICATION SIGN} Acme Resellers" in block_texts(reply["blocks"])


def test_outsider_is_refused_the_summary(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user="U_OUT", user_team="T_OTHER")
    [reply] = fake_slack.responses
    assert "Only people from the two organizations" in reply["text"]
    assert "blocks" not in reply or not reply.get("blocks")


def test_partner_side_cannot_edit(bench, fake_slack):
    partnership = link_partnership(bench)
    fake_slack.reset_calls()
    bench.click(Action.EDIT_PARTNERSHIP, str(partnership.id), user="U_DANA", user_team=PARTNER)
    assert not fake_slack.calls_to("views.open")
    assert "Only the partnership's owners can change the setup" in fake_slack.responses[-1]["text"]


def test_vendor_edits_the_setup(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.EDIT_PARTNERSHIP, str(partnership.id))
    view = bench.last_view()
    assert json.loads(view["private_metadata"])["partnership_id"] == partnership.id
    assert B.CHANNEL not in {b["block_id"] for b in view["blocks"]}
    values = setup_values(
        **{
            B.PARTNER_NAME: rq.text("Acme Global"),
            B.TIME_ZONE: rq.option("Europe/Berlin"),
            B.PARTNER_APPROVERS: rq.users("U_DANA"),
        }
    )
    del values[B.CHANNEL]
    response = bench.submit(values, view=view)
    assert response.status == 200 and not response.body
    with bench.session() as session:
        stored = session.get(Partnership, partnership.id)
        assert stored.partner_name == "Acme Global"
        assert stored.time_zone == "Europe/Berlin"
        dana = session.scalar(select(Member).where(Member.user_id == "U_DANA"))
        assert dana.is_approver and dana.contact_role is ContactRole.SALES
    assert "Saved the setup" in fake_slack.ephemerals_for("U_TM")[-1].text


def test_bad_setup_gets_field_errors_and_stores_nothing(bench, fake_slack):
    bench.command("/partner")
    response = bench.submit(
        setup_values(
            **{
                B.PARTNER_NAME: rq.text("   "),
                B.TIME_ZONE: rq.option("Mars/Olympus"),
                B.CHANNEL: rq.conversation("D0DIRECT"),
                B.HOLIDAY_COUNTRY: rq.text("XX"),
            }
        )
    )
    body = response_json(response)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {B.PARTNER_NAME, B.TIME_ZONE, B.CHANNEL, B.HOLIDAY_COUNTRY}
    assert "Mars/Olympus" in body["errors"][B.TIME_ZONE]
    assert count_partnerships(bench) == 0
    assert not fake_slack.calls_to("chat.postMessage")


def test_partner_contacts_must_be_from_the_partner(bench):
    bench.command("/partner")
    body = response_json(
        bench.submit(
            setup_values(**{B.CONTACTS_SALES: rq.users("U_CAM"), B.CONTACTS_OPERATIONS: rq.users()})
        )
    )
    assert "own organization" in body["errors"][B.CONTACTS_SALES]
    body = response_json(bench.submit(setup_values(**{B.OWNERS: rq.users("U_DANA")})))
    assert "Owners must be from your organization" in body["errors"][B.OWNERS]
    assert count_partnerships(bench) == 0


def test_linking_an_already_linked_channel_explains_what_to_do(bench):
    link_partnership(bench)
    bench.command("/partner", "edit")  # the channel is linked: this opens the edit modal
    bench.fake.views.clear()
    # a second setup modal opened before the first was linked, submitted afterwards
    view = {
        "id": "V_OLD",
        "type": "modal",
        "callback_id": Callback.PARTNERSHIP_SETUP,
        "private_metadata": json.dumps({"partnership_id": None}),
        "blocks": [{"type": "input", "block_id": b} for b in setup_values()],
    }
    body = response_json(bench.submit(setup_values(), view=view))
    assert "already linked to Acme Resellers" in body["errors"][B.CHANNEL]
    assert "Edit" in body["errors"][B.CHANNEL]
    assert count_partnerships(bench) == 1


def test_double_submission_links_once(bench):
    bench.command("/partner")
    view = bench.last_view()
    bench.submit(setup_values(), view=view)
    second = response_json(bench.submit(setup_values(), view=view))
    assert "already linked" in second["errors"][B.CHANNEL]
    assert count_partnerships(bench) == 1


def test_help_lists_every_command(bench):
    body = response_json(bench.command("/partner", "help"))
    text = block_texts(body["blocks"])
    for command in ("/partner", "/partner edit", "/partner help"):
        assert f"`{command}`" in text


def test_unknown_subcommand_says_what_to_do(bench):
    body = response_json(bench.command("/partner", "frobnicate"))
    assert "/partner frobnicate" in body["text"] and "/partner help" in body["text"]


def test_link_notice_refused_still_links_and_tells_the_user(bench, fake_slack):
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    partnership = link_partnership(bench)
    assert partnership.id
    dm = fake_slack.last_post("DU_TM")  # the channel refuses ephemerals too
    assert "The partnership is saved, but I couldn't show it in <#C0SHARED>" in dm.text
    assert "/invite @partnerbot" in dm.text and "not_in_channel" not in dm.text
    del fake_slack.channel_errors[CHANNEL]
    [button] = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    bench.click(button["action_id"], button["value"])
    assert "Partnership summary" in json.dumps(fake_slack.last_post(CHANNEL).blocks)


def test_unsigned_wrongly_signed_and_stale_requests_get_401(bench, fake_slack):
    body = rq.command_body(
        "/partner",
        "",
        user="U_TM",
        team=VENDOR,
        channel=CHANNEL,
        response_url=fake_slack.response_url(),
    )
    unsigned = bench.send(body, headers={"content-type": "application/x-www-form-urlencoded"})
    wrong = bench.send(body, headers=rq.signed_headers("not-the-secret", body))
    stale = bench.send(
        body, headers=rq.signed_headers(SECRET, body, timestamp=int(time.time()) - 301)
    )
    other_body = bench.send(body, headers=rq.signed_headers(SECRET, body.replace("U_TM", "U_CAM")))
    assert [r.status for r in (unsigned, wrong, stale, other_body)] == [401, 401, 401, 401]
    assert not fake_slack.calls
    assert count_partnerships(bench) == 0


def test_failing_web_api_call_after_ack_still_answers_200(bench, fake_slack):
    fake_slack.fail("views.open", Fault(error="expired_trigger_id"))
    response = bench.command("/partner")
    assert response.status == 200
    # refused for good, so not retried (how long this takes: python -m benchmarks failures)
    assert len(fake_slack.calls_to("views.open")) == 1
    [reply] = fake_slack.responses
    assert "Slack didn't open the form" in reply["text"] and "try again" in reply["text"]
    assert "expired_trigger_id" not in reply["text"]
    assert reply["response_type"] == "ephemeral"


def test_a_rate_limited_views_open_is_not_waited_out_inside_the_interaction(bench, fake_slack):
    """No sleeping retry inside a request: the person is told to try again, and can."""
    fake_slack.fail("views.open", Fault(status=429, retry_after=1))
    bench.command("/partner")
    assert len(fake_slack.calls_to("views.open")) == 1
    [reply] = fake_slack.responses
    assert "Slack is busy right now" in reply["text"]
    bench.command("/partner")
    assert len(fake_slack.views) == 1


def test_a_setup_naming_thousands_is_refused_before_anyone_is_looked_up(bench, fake_slack):
    bench.command("/partner")
    values = setup_values(**{B.OWNERS: rq.users(*[f"U_MANY{n}" for n in range(2000)])})
    values[B.CHANNEL] = rq.conversation(CHANNEL)
    fake_slack.reset_calls()
    body = response_json(bench.submit(values))
    assert body["response_action"] == "errors"
    assert "Name up to 20 people here." in body["errors"][B.OWNERS]
    assert fake_slack.calls_to("users.info") == []
    assert count_partnerships(bench) == 0
