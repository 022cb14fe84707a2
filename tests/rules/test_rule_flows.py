"""/roe end to end: proposals posted in the channel, decided in the thread, agreed by both."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import make_client
from bot.scheduler import Ticker
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import Fault
from storage.models import Decision, DecisionKind, ProposalStatus, RuleStatus, Side
from tests.bench.harness import CHANNEL, PARTNER, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.rules.flows import (
    approve,
    comment_decision,
    decide,
    decisions_of,
    parent,
    propose,
    refreshed,
    rule_values,
    rules_in,
    thread,
)


def status_of(bench, proposal_id) -> str:
    return block_texts(parent(bench, proposal_id).blocks)


def test_vendor_proposes_partner_approves_and_the_rule_is_agreed(bench, fake_slack):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    assert proposal.status is ProposalStatus.PENDING
    # the proposal is in the channel; the buttons are in its thread
    message = parent(bench, proposal.id)
    text = block_texts(message.blocks)
    assert "Proposed rule: Deal registration window" in text
    assert "A registered deal is protected for 90 days." in text
    # both companies are named alike
    assert "proposed by Terry TM (Vendor Inc)" in text
    assert "Vendor Inc ✅ Terry TM" in text  # the proposer is an eligible approver
    assert "Acme Resellers ⏳ waiting for anyone there" in text
    assert "Approve, request changes or reject in this message's thread." in text
    buttons = fake_slack.message(CHANNEL, proposal.buttons_ts)
    assert buttons.thread_ts == proposal.parent_ts
    elements = [e for b in buttons.blocks if b["type"] == "actions" for e in b["elements"]]
    ids = [e["action_id"] for e in elements]
    assert ids[:3] == [Action.ROE_APPROVE, Action.ROE_REQUEST_CHANGES, Action.ROE_REJECT]
    # approving can put the rule in force for both companies: Slack asks before it counts
    confirm = elements[0]["confirm"]
    assert confirm["title"]["text"] == "Approve this version?"
    assert confirm["confirm"]["text"] == "Approve" and confirm["deny"]["text"] == "Not yet"
    assert confirm["text"]["text"] == (
        "You approve version 1 of *Deal registration window* for your company. Once Vendor Inc "
        "and Acme Resellers have both approved it, it is in force for both and can only be "
        "changed by a new proposal."
    )

    approve(bench, proposal.id, "U_DANA")

    assert refreshed(bench, proposal.id).status is ProposalStatus.AGREED
    [rule] = rules_in(bench)
    assert (rule.number, rule.version, rule.status) == (1, 1, RuleStatus.IN_FORCE)
    assert rule.title == "Deal registration window"
    [note] = thread(bench, proposal.id)
    # the proposer is mentioned, so Slack notifies them (an edited status line doesn't)
    assert note.startswith("<@U_TM>: Dana (Acme Resellers) approved version 1.")
    assert "*R-1* is in force" in note
    assert "agreed by both sides: in force as *R-1*" in status_of(bench, proposal.id)
    # the buttons are gone once it is decided
    buttons = fake_slack.message(CHANNEL, proposal.buttons_ts)
    assert not any(b["type"] == "actions" for b in buttons.blocks)
    log = [(d.user_id, d.side, d.kind) for d in decisions_of(bench, proposal.id)]
    assert log == [
        ("U_TM", Side.VENDOR, DecisionKind.PROPOSE),
        ("U_TM", Side.VENDOR, DecisionKind.APPROVE),
        ("U_DANA", Side.PARTNER, DecisionKind.APPROVE),
    ]


def test_partner_proposes_from_the_summary_and_vendor_approves(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user="U_DANA", user_team=PARTNER)
    summary = json.dumps(fake_slack.responses[-1]["blocks"])
    assert Action.ROE_PROPOSE in summary and Action.ROE_RULEBOOK in summary

    proposal = propose(
        bench,
        "U_DANA",
        partnership_id=partnership.id,
        title="Lead sharing",
        category="lead_sharing",
    )
    assert proposal.proposer_side is Side.PARTNER
    assert bench.last_view()["callback_id"] == Callback.ROE_PROPOSE
    assert "proposed by Dana (Acme Resellers)" in status_of(bench, proposal.id)
    assert "Acme Resellers ✅ Dana" in status_of(bench, proposal.id)

    approve(bench, proposal.id, "U_CAM")

    [rule] = rules_in(bench)
    assert rule.label == "R-1" and rule.title == "Lead sharing"
    # the partner proposer hears back too, by a mention in the thread
    assert thread(bench, proposal.id)[0].startswith(
        "<@U_DANA>: Casey CAM (Vendor Inc) approved version 1."
    )


def test_second_agreed_rule_is_r2(bench):
    link_partnership(bench)
    first = propose(bench, title="One")
    approve(bench, first.id, "U_DANA")
    second = propose(bench, title="Two")
    approve(bench, second.id, "U_PAT")
    assert [(r.label, r.title) for r in rules_in(bench)] == [("R-1", "One"), ("R-2", "Two")]


def test_outsider_and_non_approver_are_refused_and_nothing_changes(bench, fake_slack):
    link_partnership(bench, **{B.PARTNER_APPROVERS: rq.users("U_DANA")})
    proposal = propose(bench, "U_TM")
    before = [(d.id, d.kind) for d in decisions_of(bench, proposal.id)]
    parent_before = parent(bench, proposal.id).blocks

    approve(bench, proposal.id, "U_OUT")
    assert "Only people from the two organizations" in fake_slack.responses[-1]["text"]

    approve(bench, proposal.id, "U_PAT")  # on the partner side, but not a named approver
    refusal = fake_slack.responses[-1]["text"]
    assert "Only the named rule approvers of Acme Resellers" in refusal
    # the partner is pointed to people by name, not to a command they can't run
    assert "<@U_DANA>" in refusal and "/partner" not in refusal
    assert "ask an owner of the partnership (<@U_TM>, <@U_CAM>) to name you an approver" in (
        refusal
    )

    views_before = len(fake_slack.views)
    decide(bench, Action.ROE_REJECT, proposal.id, "U_PAT")
    decide(bench, Action.ROE_REQUEST_CHANGES, proposal.id, "U_OUT")
    assert len(fake_slack.views) == views_before  # no modal for them

    assert [(d.id, d.kind) for d in decisions_of(bench, proposal.id)] == before
    assert refreshed(bench, proposal.id).status is ProposalStatus.PENDING
    assert parent(bench, proposal.id).blocks == parent_before
    assert thread(bench, proposal.id) == []
    assert rules_in(bench) == []


def test_vendor_proposer_who_is_not_a_named_approver_does_not_count(bench):
    link_partnership(bench, **{B.VENDOR_APPROVERS: rq.users("U_CAM")})
    proposal = propose(bench, "U_TM")
    assert "Vendor Inc ⏳ waiting for <@U_CAM>" in status_of(bench, proposal.id)
    approve(bench, proposal.id, "U_DANA")
    assert rules_in(bench) == []
    approve(bench, proposal.id, "U_CAM")
    assert [r.label for r in rules_in(bench)] == ["R-1"]


def test_double_click_and_approving_twice_count_once(bench, fake_slack):
    link_partnership(bench, **{B.VENDOR_APPROVERS: rq.users("U_CAM")})
    proposal = propose(bench, "U_TM")
    approve(bench, proposal.id, "U_DANA")
    approve(bench, proposal.id, "U_DANA")
    assert "You already approved version 1; it counts once." in fake_slack.responses[-1]["text"]
    approvals = [d for d in decisions_of(bench, proposal.id) if d.kind is DecisionKind.APPROVE]
    assert [d.user_id for d in approvals] == ["U_DANA"]
    assert len(thread(bench, proposal.id)) == 1
    assert refreshed(bench, proposal.id).status is ProposalStatus.PENDING
    approve(bench, proposal.id, "U_CAM")
    approve(bench, proposal.id, "U_CAM")  # a double click after it was agreed
    assert len(rules_in(bench)) == 1
    assert "already approved" in fake_slack.responses[-1]["text"]


def test_reject_with_a_reason_ends_the_proposal(bench, fake_slack):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    decide(bench, Action.ROE_REJECT, proposal.id, "U_DANA")
    view = bench.last_view()
    assert view["callback_id"] == Callback.ROE_REJECT
    # a reason is required
    empty = response_json(
        bench.submit({B.RULE_COMMENT: rq.text(" ")}, user="U_DANA", user_team=PARTNER)
    )
    assert empty["response_action"] == "errors" and B.RULE_COMMENT in empty["errors"]
    assert refreshed(bench, proposal.id).status is ProposalStatus.PENDING

    comment_decision(bench, Action.ROE_REJECT, proposal.id, "U_DANA", "90 days is too long")

    assert refreshed(bench, proposal.id).status is ProposalStatus.REJECTED
    assert thread(bench, proposal.id)[-1] == (
        "<@U_TM>: Dana (Acme Resellers) rejected the proposal: “90 days is too long”"
    )
    assert "rejected by Dana" in status_of(bench, proposal.id)
    # decided: the parent gives no instructions any more
    assert "in this message's thread" not in status_of(bench, proposal.id)
    approve(bench, proposal.id, "U_PAT")
    assert "was rejected" in fake_slack.responses[-1]["text"]
    assert rules_in(bench) == []


def test_request_changes_then_amend_restarts_approval_on_the_new_version(bench, fake_slack):
    link_partnership(bench, **{B.VENDOR_APPROVERS: rq.users("U_TM", "U_CAM")})
    proposal = propose(bench, "U_TM")
    old_buttons = proposal.buttons_ts
    comment_decision(bench, Action.ROE_REQUEST_CHANGES, proposal.id, "U_DANA", "Make it 60 days")
    assert refreshed(bench, proposal.id).status is ProposalStatus.CHANGES_REQUESTED
    asked = thread(bench, proposal.id)[-1]
    assert asked.startswith("<@U_TM>: Dana (Acme Resellers) requested changes to version 1")
    assert "“Make it 60 days”" in asked and "Press *Amend*" in asked
    assert "asked for changes" in status_of(bench, proposal.id)
    # the parent's instructions follow: only the proposer's amendment moves it on now
    parent_text = status_of(bench, proposal.id)
    assert "Approve, request changes or reject" not in parent_text
    assert "Changes were requested: <@U_TM> can amend it in this message's thread" in parent_text
    buttons = fake_slack.message(CHANNEL, old_buttons)
    assert Action.ROE_AMEND in json.dumps(buttons.blocks)
    # approving is paused; only the proposer may amend
    approve(bench, proposal.id, "U_PAT")
    assert "Changes were requested" in fake_slack.responses[-1]["text"]
    views_before = len(fake_slack.views)
    decide(bench, Action.ROE_AMEND, proposal.id, "U_CAM")
    assert "Only <@U_TM>, who proposed this rule, can amend it" in fake_slack.responses[-1]["text"]
    assert len(fake_slack.views) == views_before

    decide(bench, Action.ROE_AMEND, proposal.id, "U_TM")
    amend_view = bench.last_view()
    assert amend_view["callback_id"] == Callback.ROE_AMEND
    bench.submit(rule_values(text="A registered deal is protected for 60 days."))

    amended = refreshed(bench, proposal.id)
    assert amended.status is ProposalStatus.PENDING and amended.current_version == 2
    assert amended.buttons_ts != old_buttons
    assert "version 2 is up for approval" in thread(bench, proposal.id)[-1]
    text = status_of(bench, proposal.id)
    assert "60 days" in text and "version 2" in text and "Vendor Inc ✅ Terry TM" in text
    assert "Approve, request changes or reject in this message's thread." in text
    assert Action.ROE_APPROVE not in json.dumps(fake_slack.message(CHANNEL, old_buttons).blocks)

    # a click on the old version's buttons does not count
    approve(bench, proposal.id, "U_DANA", version=1)
    assert "amended to version 2" in fake_slack.responses[-1]["text"]
    assert rules_in(bench) == []

    approve(bench, proposal.id, "U_DANA")
    [rule] = rules_in(bench)
    assert rule.version == 2 and "60 days" in rule.text
    kinds = [(d.version, d.user_id, d.kind) for d in decisions_of(bench, proposal.id)]
    assert (2, "U_TM", DecisionKind.AMEND) in kinds and (2, "U_TM", DecisionKind.APPROVE) in kinds


def test_replacement_takes_effect_only_when_agreed_and_retiring_is_a_proposal(bench, fake_slack):
    link_partnership(bench)
    first = propose(bench, title="Deal registration window")
    approve(bench, first.id, "U_DANA")
    [rule] = rules_in(bench)

    # the modal offers the rules in force to replace
    bench.command("/roe")
    modal = bench.last_view()
    replaces = next(b for b in modal["blocks"] if b["block_id"] == B.RULE_REPLACES)
    assert replaces["element"]["options"][0]["value"] == str(rule.id)
    response = bench.submit(
        rule_values(text="Protected for 120 days.", replaces=rule.id), user="U_TM"
    )
    assert response.status == 200
    replacement = refreshed(bench, first.id + 1)
    assert "Proposed replacement for R-1" in status_of(bench, replacement.id)
    # until it is agreed, the old text stays in force
    [still] = rules_in(bench)
    assert still.text == "A registered deal is protected for 90 days." and still.version == 1
    # a second replacement (from a modal opened earlier) must wait for the first
    body = response_json(bench.submit(rule_values(replaces=rule.id), view=modal))
    assert "already has a proposal waiting" in body["errors"][B.RULE_REPLACES]

    approve(bench, replacement.id, "U_PAT")
    [replaced] = rules_in(bench)
    assert (replaced.label, replaced.version, replaced.text) == (
        "R-1",
        2,
        "Protected for 120 days.",
    )

    # retiring: from the rulebook's menu, with a reason; in force until agreed
    bench.click(Action.ROE_RULE_MENU, selected_option=f"retire:{rule.id}")
    assert bench.last_view()["callback_id"] == Callback.ROE_RETIRE
    bench.submit({B.RULE_COMMENT: rq.text("Covered by the new contract")})
    retirement = refreshed(bench, replacement.id + 1)
    assert "Proposal to retire R-1" in status_of(bench, retirement.id)
    assert rules_in(bench)[0].status is RuleStatus.IN_FORCE
    approve(bench, retirement.id, "U_DANA")
    [retired] = rules_in(bench)
    assert retired.status is RuleStatus.RETIRED and retired.retired_at is not None
    assert "R-1 is retired" in thread(bench, retirement.id)[-1]
    listing = response_json(bench.command("/roe", "list"))
    assert "No rules are in force yet" in block_texts(listing["blocks"])


def test_thread_and_parent_update_failures_still_record_the_decision(bench, fake_slack):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    fake_slack.message(CHANNEL, proposal.parent_ts).deleted = True
    approve(bench, proposal.id, "U_DANA")
    assert refreshed(bench, proposal.id).status is ProposalStatus.AGREED
    assert len(rules_in(bench)) == 1
    told = fake_slack.ephemerals_for("U_DANA")[-1].text
    assert "Your approval is saved, but I couldn't show it in <#C0SHARED>" in told
    assert "was deleted" in told and "message_not_found" not in told

    # an archived channel: the rejection stands, the rejecter is told by DM
    second = propose(bench, "U_TM", title="Second")
    decide(bench, Action.ROE_REJECT, second.id, "U_PAT")
    fake_slack.channel_errors[CHANNEL] = "is_archived"
    bench.submit({B.RULE_COMMENT: rq.text("No")}, user="U_PAT", user_team=PARTNER)
    assert refreshed(bench, second.id).status is ProposalStatus.REJECTED
    dm = fake_slack.last_post("DU_PAT")
    assert "Your rejection is saved" in dm.text and "is archived" in dm.text


def test_a_proposal_slack_refuses_stands_and_is_posted_once_fixed(bench, fake_slack):
    """The channel refuses the post: the proposal is kept (not "nothing was proposed"), the
    proposer is told what to fix, and Post it now brings the message and its buttons."""
    link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    proposal = propose(bench, "U_TM")
    assert refreshed(bench, proposal.id).status is ProposalStatus.PENDING
    dm = fake_slack.last_post("DU_TM")
    assert "Your proposal is saved, but I couldn't show it in <#C0SHARED>" in dm.text
    assert "/invite @partnerbot" in dm.text and "nothing was" not in dm.text
    del fake_slack.channel_errors[CHANNEL]
    [button] = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    bench.click(button["action_id"], button["value"], user="U_TM")
    bench.click(button["action_id"], button["value"], user="U_TM")
    posted = refreshed(bench, proposal.id)
    assert posted.parent_ts and posted.buttons_ts
    assert len([m for m in fake_slack.posts(CHANNEL) if m.ts == posted.parent_ts]) == 1
    assert fake_slack.message(CHANNEL, posted.buttons_ts).thread_ts == posted.parent_ts


def test_a_proposal_whose_post_times_out_gets_its_thread_and_buttons_once(bench, fake_slack):
    """/roe while chat.postMessage answers too late: the proposer hears the truth, and the
    next tick finds the message Slack made, then adds the buttons, each once."""
    link_partnership(bench)
    bench.app.client.timeout = 0.3
    fake_slack.fail("chat.postMessage", Fault(delay=0.6, done_first=True))
    proposal = propose(bench, "U_TM")
    assert refreshed(bench, proposal.id).status is ProposalStatus.PENDING
    told = fake_slack.ephemerals_for("U_TM") or [fake_slack.last_post("DU_TM")]
    assert "will appear in <#C0SHARED> shortly" in told[-1].text
    assert "nothing was changed" not in told[-1].text
    Ticker(bench.sessions, make_client(bench.settings), name="t", materializers=[]).tick(
        datetime.now(UTC) + timedelta(minutes=1)
    )
    posted = refreshed(bench, proposal.id)
    parents = [m for m in fake_slack.posts(CHANNEL) if "Proposed rule" in (m.text or "")]
    assert [m.ts for m in parents] == [posted.parent_ts]
    buttons = [m for m in fake_slack.posts(CHANNEL) if m.thread_ts == posted.parent_ts]
    assert [m.ts for m in buttons] == [posted.buttons_ts]
    approve(bench, proposal.id, "U_DANA")
    assert refreshed(bench, proposal.id).status is ProposalStatus.AGREED


def test_bad_proposal_gets_field_errors_and_stores_nothing(bench):
    link_partnership(bench)
    bench.command("/roe")
    body = response_json(bench.submit(rule_values(title=" ", text="", category=None)))
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {B.RULE_TITLE, B.RULE_TEXT, B.RULE_CATEGORY}
    with bench.session() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0


def test_roe_outside_a_linked_channel_says_what_to_do(bench):
    body = response_json(bench.command("/roe", channel="C0ELSEWHERE"))
    assert "isn't linked to a partner yet" in body["text"] and "/partner" in body["text"]


def test_withdraw_is_for_the_proposer(bench, fake_slack):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    decide(bench, Action.ROE_WITHDRAW, proposal.id, "U_DANA")
    assert "Only <@U_TM>" in fake_slack.responses[-1]["text"]
    decide(bench, Action.ROE_WITHDRAW, proposal.id, "U_TM")
    assert refreshed(bench, proposal.id).status is ProposalStatus.WITHDRAWN
    # the proposer's own step mentions nobody
    assert thread(bench, proposal.id)[-1] == "Terry TM (Vendor Inc) withdrew the proposal."
