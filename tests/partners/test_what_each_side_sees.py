"""What each side sees: the summary card, refusals and Slack's refusals, worded for the reader.

A partner is an equal: their card says what they can do here and who their contacts at the
vendor are, offers no control that would refuse them and no command they can't run; both
companies are named alike; a refusal points to something the reader can do; Slack's error
codes are never shown; times are in the reader's clock.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from freezegun import freeze_time

from handlers.delivery import SLACK_CAUSES, how_to_fix
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import users
from sandbox import requests as rq
from storage.models import Partnership
from tests.bench.harness import CHANNEL, PARTNER, VENDOR, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.reviews.helpers import set_cadence
from tests.rules.flows import propose

TIMES = "\N{MULTIPLICATION SIGN}"
PARTNER_ONLY = [Action.LOG_WIN, Action.DEAL_REGISTER, Action.ROE_PROPOSE, Action.ROE_RULEBOOK]


def card_by_click(bench, partnership: Partnership, user: str, team: str) -> list[dict[str, Any]]:
    bench.fake.responses.clear()
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user=user, user_team=team)
    [reply] = bench.fake.responses
    assert reply["response_type"] == "ephemeral"
    return reply["blocks"]


def card_by_command(bench, user: str = "U_TM") -> list[dict[str, Any]]:
    body = response_json(bench.command("/partner", user=user))
    assert body["response_type"] == "ephemeral"
    return body["blocks"]


def buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]


def test_the_vendor_owner_sees_the_vendor_card_naming_both_companies(bench):
    link_partnership(bench)
    blocks = card_by_command(bench)
    text = block_texts(blocks)
    assert blocks[0]["text"]["text"] == f"Vendor Inc {TIMES} Acme Resellers"
    assert "*Owners at Vendor Inc*\n<@U_TM>, <@U_CAM>" in text
    assert "*At Acme Resellers (partner side):* Sales contacts: <@U_DANA>" in text
    assert (
        "*Rule approvers* · Vendor Inc: anyone at Vendor Inc · "
        "Acme Resellers: anyone at Acme Resellers"
    ) in text
    # the zone as people say it, never the IANA name
    assert "*Time zone · holidays*\nNew York time · US public holidays" in text
    assert "America/New_York" not in text
    assert buttons(blocks) == [
        Action.EDIT_PARTNERSHIP,
        Action.LOG_WIN,
        Action.DEAL_REGISTER,
        Action.ROE_PROPOSE,
        Action.ROE_RULEBOOK,
        Action.SHOW_KPIS,
    ]
    # the vendor's people run commands: the card says which
    assert "`/partner cadence`" in text and "`/partner help`" in text
    assert "What you can do here" not in text


def test_a_vendor_person_who_owns_nothing_gets_no_button_that_would_refuse_them(bench):
    partnership = link_partnership(bench)
    bench.fake.add_user("U_SAM", VENDOR, "Sam Sales", "America/Denver")
    blocks = card_by_click(bench, partnership, "U_SAM", VENDOR)
    assert Action.EDIT_PARTNERSHIP not in buttons(blocks)
    assert Action.SHOW_KPIS in buttons(blocks)


def test_the_partner_sees_what_they_can_do_and_nothing_that_refuses_them(bench, fake_slack):
    partnership = link_partnership(bench)
    blocks = card_by_click(bench, partnership, "U_DANA", PARTNER)
    text = block_texts(blocks)
    assert blocks[0]["text"]["text"] == f"Vendor Inc {TIMES} Acme Resellers"
    assert "*Your contacts at Vendor Inc*\n<@U_TM>, <@U_CAM>" in text
    assert "Owners at" not in text
    assert "*At Acme Resellers:* Sales contacts: <@U_DANA>" in text
    assert "*What you can do here*" in text
    for can in (
        "• *Log a win*: celebrate a deal you closed together; it is posted in <#C0SHARED>",
        "• *Propose a rule* of engagement, or approve, amend or reject one Vendor Inc proposes",
        "a rule is in force once both companies approve it (anyone at Acme Resellers can approve)",
        "• *Review held*: when a review prompt appears in <#C0SHARED>, press it",
        "• *Promises*: when someone at Vendor Inc makes good on a promise to you",
        "Anything else: ask <@U_TM> or <@U_CAM>.",
    ):
        assert can in text, can
    # no command they can't run, no control that refuses them
    assert "`/" not in text
    assert buttons(blocks) == PARTNER_ONLY

    # every button on their card works for them
    fake_slack.reset_calls()
    bench.click(Action.LOG_WIN, str(partnership.id), user="U_DANA", user_team=PARTNER)
    bench.click(Action.ROE_PROPOSE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    opened = [c.args["view"]["callback_id"] for c in fake_slack.calls_to("views.open")]
    assert opened == [Callback.WIN_LOG, Callback.ROE_PROPOSE]
    fake_slack.responses.clear()
    bench.click(Action.ROE_RULEBOOK, str(partnership.id), user="U_DANA", user_team=PARTNER)
    said = json.dumps(fake_slack.responses)
    assert fake_slack.responses and "Only " not in said


def test_each_partner_reader_is_told_who_approves_for_their_side(bench):
    partnership = link_partnership(bench, **{B.PARTNER_APPROVERS: rq.users("U_PAT")})
    dana = block_texts(card_by_click(bench, partnership, "U_DANA", PARTNER))
    assert "(<@U_PAT> approve them for your side)" in dana
    pat = block_texts(card_by_click(bench, partnership, "U_PAT", PARTNER))
    assert "(you approve them for your side)" in pat
    vendor = block_texts(card_by_command(bench))
    assert "Vendor Inc: anyone at Vendor Inc · Acme Resellers: <@U_PAT>" in vendor


@pytest.mark.parametrize(
    ("user", "team", "clock"),
    [
        ("U_TM", VENDOR, "Tue 1 Dec 2026, 10:00 New York time"),
        ("U_CAM", VENDOR, "Tue 1 Dec 2026, 09:00 Chicago time"),
        ("U_DANA", PARTNER, "Tue 1 Dec 2026, 16:00 Berlin time"),
    ],
)
def test_the_next_review_on_the_card_is_in_the_readers_clock(bench, user, team, clock):
    now = datetime(2026, 11, 20, 15, tzinfo=UTC)
    with freeze_time(now, tick=True):
        partnership = link_partnership(bench)
        set_cadence(
            bench,
            partnership,
            every=2,
            weekday=1,
            at=time(10),
            starting=date(2026, 12, 1),
            now=now,
        )
        text = block_texts(card_by_click(bench, partnership, user, team))
    assert clock in text
    assert "America/" not in text and "Europe/" not in text


def test_a_refused_partner_is_told_whom_to_ask_by_name_in_a_calm_dialog(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.EDIT_PARTNERSHIP, str(partnership.id), user="U_DANA", user_team=PARTNER)
    assert fake_slack.responses[-1]["text"] == (
        "Only the partnership's owners can change the setup. Ask one of them: <@U_TM>, <@U_CAM>."
    )

    # A partner submitting the vendor-only exit dialog (a hand-made payload) is told in the
    # dialog what happened, naming the vendor: no warning sign, no "partnerbot" title.
    bench.command("/partner", "exit")
    values = {
        B.EXIT_CHOICE: rq.option("end"),
        B.EXIT_SUCCESSOR: rq.user(None),
        B.EXIT_NOTE: rq.text(""),
    }
    response = bench.submit(values, user="U_DANA", user_team=PARTNER)
    view = response_json(response)["view"]
    assert view["title"]["text"] == "Not saved"
    shown = block_texts(view["blocks"])
    assert shown == (
        "Only people at Vendor Inc can end the partnership. "
        "Ask one of the owners: <@U_TM>, <@U_CAM>."
    )
    assert ":warning:" not in json.dumps(view)


def seen_by(fake_slack, user: str) -> str:
    """Everything partnerbot told ``user`` outside the channel: dialogs, notes, DMs."""
    dialogs = [block_texts(v.get("blocks")) for v in fake_slack.views.values()]
    notes = [m.text or "" for m in fake_slack.ephemerals_for(user)]
    dms = [m.text or "" for m in fake_slack.posts() if m.channel.startswith("D")]
    return "\n".join(dialogs + notes + dms)


@pytest.mark.parametrize(
    ("user", "fix"),
    [
        ("U_TM", "I'm not a member of <#C0SHARED>. Invite me there with `/invite @partnerbot`"),
        (
            "U_DANA",
            "I'm not a member of <#C0SHARED>. Ask <@U_TM> or <@U_CAM> at Vendor Inc to invite "
            "me there with `/invite @partnerbot`",
        ),
    ],
)
def test_slacks_refusal_is_explained_with_a_fix_the_reader_can_make(bench, fake_slack, user, fix):
    partnership = link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    propose(bench, user, partnership_id=partnership.id if user == "U_DANA" else None)
    said = seen_by(fake_slack, user)
    assert fix in said
    assert "Post it now" in said
    assert "not_in_channel" not in said


def test_no_slack_error_code_is_ever_shown():
    """One plain explanation per cause, with its fix; an unknown code is not repeated."""
    for code in [*SLACK_CAUSES, "some_new_error", None]:
        for ask in (None, users(["U_TM"])):
            said = how_to_fix(code, "C0SHARED", ask=ask)
            assert code is None or code not in said, (code, said)
            assert said[0].isupper() or said.startswith("<#"), said
            assert not said.endswith("."), said  # callers add what comes next


@pytest.mark.parametrize(
    ("user", "said"),
    [
        ("U_TM", "prompted Tue 1 Dec 2026, 10:00 New York time. "),  # the same clock: once
        ("U_CAM", "prompted Tue 1 Dec 2026, 10:00 New York time (09:00 Chicago time for you)."),
    ],
)
def test_a_partnerships_time_is_told_once_when_the_readers_clock_agrees(bench, user, said):
    now = datetime(2026, 11, 20, 15, tzinfo=UTC)
    with freeze_time(now, tick=True):
        partnership = link_partnership(bench)
        set_cadence(
            bench, partnership, every=2, weekday=1, at=time(10), starting=date(2026, 12, 1), now=now
        )
        bench.command("/partner", "cadence move", user=user)
    text = block_texts(bench.last_view()["blocks"])
    assert said in text
    assert "America/" not in text
