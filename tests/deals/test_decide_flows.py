"""The vendor decides on a registration: approve (citing the rule whose terms apply), reject
with a reason, ask for more and the partner answers; only the vendor's deal approvers decide."""

from __future__ import annotations

from datetime import date, timedelta

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import DealChangeKind, RegistrationStatus
from tests.bench.harness import CHANNEL, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.deals.registering import (
    TEAMS,
    card,
    card_text,
    changes,
    decide,
    get,
    register,
    thread,
    thread_texts,
)
from tests.rules.flows import approve as approve_rule
from tests.rules.flows import latest_proposal, rules_in


def agree_terms(bench, protection: str = "60", decision: str = "5", extendable: str = "no"):
    """A deal-registration rule with terms, proposed by U_TM and approved by U_DANA."""
    bench.command("/roe")
    response = bench.submit(
        {
            B.RULE_TITLE: rq.text("Deal registration"),
            B.RULE_TEXT: rq.text("An approved registration protects the partner."),
            B.RULE_CATEGORY: rq.option("deal_registration"),
            B.RULE_PROTECTION_DAYS: rq.text(protection),
            B.RULE_DECISION_DAYS: rq.text(decision),
            B.RULE_EXTENDABLE: rq.option(extendable),
        }
    )
    assert response.status == 200, response.body
    proposal = latest_proposal(bench)
    assert proposal is not None
    approve_rule(bench, proposal.id, "U_DANA")
    return proposal


def test_approval_cites_the_rule_and_starts_the_protection_window(bench, fake_slack):
    partnership = link_partnership(bench)
    agree_terms(bench)
    [rule] = rules_in(bench)
    assert rule.terms == {"protection_days": 60, "decision_business_days": 5, "extendable": False}
    registration = register(bench, partnership.id, "U_DANA")
    text = card_text(bench, registration)
    assert "60 days of protection, a decision within 5 business days, not extendable" in text
    assert "from R-1 v1" in text and "default terms" not in text

    # the approver's modal says what approving does, under which terms
    bench.click(
        Action.DEAL_APPROVE,
        str(registration.id),
        user="U_CAM",
        message={"ts": get(bench, registration.id).message_ts, "text": ""},
    )
    view = bench.last_view()
    assert view["callback_id"] == Callback.DEAL_APPROVE
    assert view["title"]["text"] == "Approve D-1"
    shown = block_texts(view["blocks"])
    assert "Approving protects Acme Resellers on this account for 60 days from now" in shown
    assert "mentioning <@U_DANA> (Acme Resellers)" in shown
    bench.submit({}, user="U_CAM")

    approved = get(bench, registration.id)
    assert approved.status is RegistrationStatus.APPROVED
    assert (approved.rule_number, approved.rule_version, approved.decided_by) == (1, 1, "U_CAM")
    # 60 days from the approval, which the frozen clock puts on 1 Dec 2026, 15:00 UTC
    assert approved.protected_until is not None
    assert approved.protected_until - timedelta(days=60) == approved.decided_at
    assert approved.protected_until.date() == date(2027, 1, 30)
    [note] = thread_texts(bench, registration)
    # addressed to the partner rep (a mention notifies them), the approver with their company
    assert note.startswith(
        "<@U_DANA>: :white_check_mark: <@U_CAM> (Vendor Inc) approved D-1 under R-1 v1: it is "
        "protected for Acme Resellers for 60 days, until <!date^"
    )
    assert "|Sat 30 Jan 2027>" in note  # the fallback of the date Slack shows each reader
    assert "mark it won or lost when it closes" in note
    status = card_text(bench, registration)
    assert (
        "Approved by <@U_CAM> (Vendor Inc) under R-1 v1: protected for Acme Resellers until "
        "<!date^" in status
    )
    assert "A reminder comes before the protection ends; then the registration expires" in status
    assert Action.DEAL_APPROVE not in str(card(bench, registration).blocks)
    assert [c.kind for c in changes(bench, registration.id)][-1] is DealChangeKind.APPROVED


def test_without_a_rule_the_decision_says_the_defaults_applied(bench, fake_slack):
    partnership = link_partnership(bench)
    registration = register(bench, partnership.id, "U_DANA")
    decide(bench, Action.DEAL_APPROVE, registration, "U_TM")
    [note] = thread_texts(bench, registration)
    assert "under the default terms (no rule both companies agreed sets them)" in note
    assert "protected for Acme Resellers for 90 days" in note
    approved = get(bench, registration.id)
    assert approved.rule_number is None and approved.protected_until is not None
    # a second approval (a double click, another tab) decides nothing more
    bench.click(Action.DEAL_APPROVE, str(registration.id), user="U_CAM")
    told = fake_slack.responses[-1]["text"]
    assert "D-1 was already decided: it is approved." in told
    assert len(thread(bench, registration)) == 1


def test_reject_with_a_reason_both_sides_read(bench, fake_slack):
    partnership = link_partnership(bench)
    registration = register(bench, partnership.id, "U_PAT")
    empty = decide(bench, Action.DEAL_REJECT, registration, "U_TM", {B.DEAL_REASON: rq.text(" ")})
    assert response_json(empty)["errors"] == {B.DEAL_REASON: "Write the reason."}
    response = bench.submit(
        {B.DEAL_REASON: rq.text("Globex is a named account of our direct team.")}
    )
    assert response.status == 200
    rejected = get(bench, registration.id)
    assert rejected.status is RegistrationStatus.REJECTED
    assert rejected.decision_note == "Globex is a named account of our direct team."
    [note] = thread_texts(bench, registration)
    assert note.startswith(
        "<@U_PAT>: :x: <@U_TM> (Vendor Inc) rejected D-1: “Globex is a named account of our "
        "direct team.” It no longer claims the account"
    )
    text = card_text(bench, registration)
    assert "Rejected by <@U_TM> (Vendor Inc): “Globex is a named account" in text
    assert "Acme Resellers can register it again if something changes." in text
    assert Action.DEAL_REJECT not in str(card(bench, registration).blocks)


def test_ask_for_more_and_the_partner_answers_from_the_thread(bench, fake_slack):
    partnership = link_partnership(bench)
    registration = register(bench, partnership.id, "U_DANA")
    decide(
        bench,
        Action.DEAL_ASK,
        registration,
        "U_TM",
        {B.DEAL_QUESTION: rq.text("Who is the economic buyer?")},
    )
    asked = get(bench, registration.id)
    assert asked.status is RegistrationStatus.MORE_INFO
    [question] = thread(bench, registration)
    assert (question.text or "").startswith(
        "<@U_DANA>: :speech_balloon: <@U_TM> (Vendor Inc) asks about D-1: “Who is the economic "
        "buyer?” Answer with the button below"
    )
    answer_button = [e for b in question.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in answer_button] == [Action.DEAL_ANSWER]
    text = card_text(bench, registration)
    assert "<@U_TM> (Vendor Inc) asked Acme Resellers for more: “Who is the economic buyer?”" in (
        text
    )
    assert "<@U_DANA> answers with *Answer*; the deal approvers at Vendor Inc then decide" in text

    # the vendor can't answer for the partner; the partner answers from the thread's button
    bench.click(Action.DEAL_ANSWER, str(registration.id), user="U_CAM")
    assert (
        "Acme Resellers answers the question: <@U_DANA>, the deal's rep, with *Answer*."
        in fake_slack.responses[-1]["text"]
    )
    bench.click(
        Action.DEAL_ANSWER,
        answer_button[0]["value"],
        user="U_DANA",
        user_team=TEAMS["U_DANA"],
        message={"ts": question.ts, "thread_ts": asked.message_ts, "text": ""},
    )
    view = bench.last_view()
    shown = block_texts(view["blocks"])
    assert "*<@U_TM> (Vendor Inc) asked:* “Who is the economic buyer?”" in shown
    assert "mentioning the deal approvers at Vendor Inc (<@U_TM> or <@U_CAM>)" in shown
    bench.submit(
        {B.DEAL_ANSWER: rq.text("Their CFO, Ana Lima; the CIO sponsors it.")},
        user="U_DANA",
        user_team=TEAMS["U_DANA"],
    )
    answered = get(bench, registration.id)
    assert answered.status is RegistrationStatus.SUBMITTED
    notes = thread_texts(bench, registration)
    # the answer is addressed to the deal approvers, who are waited for again
    assert notes[-1].startswith(
        "<@U_TM>, <@U_CAM>: :leftwards_arrow_with_hook: <@U_DANA> (Acme Resellers) answered: "
        "“Their CFO, Ana Lima; the CIO sponsors it.” D-1 waits for a decision from Vendor Inc "
        "again, due by <!date^"
    )
    assert "Waiting for a decision from Vendor Inc" in card_text(bench, registration)
    assert [c.kind for c in changes(bench, registration.id)] == [
        DealChangeKind.REGISTERED,
        DealChangeKind.ASKED,
        DealChangeKind.ANSWERED,
    ]
    decide(bench, Action.DEAL_APPROVE, registration, "U_TM")
    assert get(bench, registration.id).status is RegistrationStatus.APPROVED


def test_only_the_vendors_deal_approvers_decide(bench, fake_slack):
    fake_slack.add_user("U_VAL", "T_VENDOR", "Val Vendor", "America/Chicago")
    fake_slack.add_user("U_VIC", "T_VENDOR", "Vic Vendor", "America/Chicago")
    partnership = link_partnership(bench, deal_approvers=rq.users("U_VAL"))
    registration = register(bench, partnership.id, "U_DANA")
    assert "<@U_VAL>" in card_text(bench, registration)  # named: they are the ones waited for
    # each side is told who decides, by name; the vendor's people whom to ask to be one
    assert decide(bench, Action.DEAL_APPROVE, registration, "U_DANA") is None
    told = fake_slack.responses[-1]["text"]
    assert told.startswith("Deal registrations are decided at Vendor Inc by <@U_VAL>.")
    assert "write in that thread" in told and "/" not in told
    assert decide(bench, Action.DEAL_APPROVE, registration, "U_VIC") is None
    told = fake_slack.responses[-1]["text"]
    assert told == (
        "Only the deal approvers at Vendor Inc decide on registrations: <@U_VAL>. Ask one of "
        "them, or ask an owner (<@U_TM>, <@U_CAM>) to name you a deal approver in the setup."
    )
    assert get(bench, registration.id).status is RegistrationStatus.SUBMITTED
    decide(bench, Action.DEAL_APPROVE, registration, "U_VAL")
    assert get(bench, registration.id).decided_by == "U_VAL"


def test_a_new_version_of_the_rule_changes_the_terms_later_decisions_apply(bench, fake_slack):
    partnership = link_partnership(bench)
    agree_terms(bench, protection="60")
    [rule] = rules_in(bench)
    # both sides agree a replacement: R-1 v2, 30 days
    bench.command("/roe")
    bench.submit(
        {
            B.RULE_TITLE: rq.text("Deal registration"),
            B.RULE_TEXT: rq.text("Shorter protection."),
            B.RULE_CATEGORY: rq.option("deal_registration"),
            B.RULE_REPLACES: rq.option(str(rule.id)),
            B.RULE_PROTECTION_DAYS: rq.text("30"),
        }
    )
    proposal = latest_proposal(bench)
    assert "*Deal registration terms:* 30 days of protection" in block_texts(
        fake_slack.message(CHANNEL, proposal.parent_ts).blocks
    )
    approve_rule(bench, proposal.id, "U_DANA")
    [rule] = rules_in(bench)
    assert (rule.version, rule.terms) == (2, {"protection_days": 30})
    registration = register(bench, partnership.id, "U_DANA")
    decide(bench, Action.DEAL_APPROVE, registration, "U_TM")
    [note] = thread_texts(bench, registration)
    assert "under R-1 v2: it is protected for Acme Resellers for 30 days" in note


def test_deal_approvers_are_named_in_the_setup_and_must_be_on_the_vendor_side(bench, fake_slack):
    from tests.bench.scenarios import setup_values

    bench.command("/partner")
    response = bench.submit(setup_values(deal_approvers=rq.users("U_DANA")))
    errors = response_json(response)["errors"]
    assert errors == {
        B.DEAL_APPROVERS: "Deal approvers must be from your organization; <@U_DANA> is not."
    }
    fake_slack.add_user("U_VAL", "T_VENDOR", "Val Vendor", "America/Chicago")
    partnership = link_partnership(bench, deal_approvers=rq.users("U_VAL"))
    bench.command("/partner", "edit")
    view = bench.last_view()
    [field] = [b for b in view["blocks"] if b.get("block_id") == B.DEAL_APPROVERS]
    assert field["element"]["initial_users"] == ["U_VAL"]
    with bench.session() as session:
        members = {
            m.user_id: m.is_deal_approver
            for m in session.get(type(partnership), partnership.id).members
        }
    assert members["U_VAL"] is True and members["U_TM"] is False


def test_rule_terms_are_checked_and_only_a_deal_registration_rule_carries_them(bench, fake_slack):
    link_partnership(bench)
    bench.command("/roe")
    values = {
        B.RULE_TITLE: rq.text("Protection"),
        B.RULE_TEXT: rq.text("Registrations are protected."),
        B.RULE_CATEGORY: rq.option("deal_registration"),
        B.RULE_PROTECTION_DAYS: rq.text("90 days"),
        B.RULE_DECISION_DAYS: rq.text("0"),
    }
    errors = response_json(bench.submit(values))["errors"]
    assert errors == {
        B.RULE_PROTECTION_DAYS: "Write a whole number of days from 1 to 730, or leave it empty.",
        B.RULE_DECISION_DAYS: (
            "Write a whole number of business days from 1 to 60, or leave it empty."
        ),
    }
    values |= {B.RULE_CATEGORY: rq.option("lead_sharing"), B.RULE_PROTECTION_DAYS: rq.text("30")}
    del values[B.RULE_DECISION_DAYS]
    errors = response_json(bench.submit(values))["errors"]
    assert list(errors) == [B.RULE_PROTECTION_DAYS]
    assert "Only a deal-registration rule carries these terms" in errors[B.RULE_PROTECTION_DAYS]
    assert latest_proposal(bench) is None
    # the rulebook shows an agreed rule's terms
    agree_terms(bench, protection="45", decision="2", extendable="yes")
    response = response_json(bench.command("/roe", "list"))
    assert (
        "*Deal registration terms:* 45 days of protection, a decision within 2 business days, "
        "extendable once" in block_texts(response["blocks"])
    )
