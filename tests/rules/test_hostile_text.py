"""What people type in rules (titles, texts, comments, names) reaches Slack only as text.

Every string in ``HOSTILE`` goes through every rule view: none may turn into a live
``<!channel>``, mention or disguised link, and the escaped text must still be shown.
The helpers here (``shown``, ``assert_inert``) are shared by the other features' hostile tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.partners.names import Sides
from bot.domain.rules.records import Approver, ProposalRecord, ProposalState, RuleHistory
from handlers.rules import messages, modals
from handlers.rules import rulebook as book
from handlers.text import Mrkdwn, escape
from storage.models import (
    ContactRole,
    Decision,
    DecisionKind,
    Member,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalStatus,
    Rule,
    RuleCategory,
    RuleStatus,
    RuleVersion,
    Side,
)
from tests.bench.hostile import HOSTILE, live_markup

NOW = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)


# --- shared helpers -----------------------------------------------------------------------


def _without_plain_text(node: Any) -> Any:
    """``node`` without plain_text objects and text inputs' initial values: Slack shows those
    as typed and parses no markup in them (format characters are checked separately)."""
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return None
        return {k: _without_plain_text(v) for k, v in node.items() if k != "initial_value"}
    if isinstance(node, list):
        return [_without_plain_text(v) for v in node]
    return node


def mrkdwn_texts(node: Any) -> list[str]:
    """Every text Slack parses as mrkdwn: a bare returned string (a message text), a message's
    top-level ``text`` and every mrkdwn text object."""
    if isinstance(node, str):
        return [node]
    out: list[str] = []
    if isinstance(node, dict):
        parsed = node.get("type") == "mrkdwn" or "type" not in node
        if parsed and isinstance(node.get("text"), str):
            out.append(node["text"])
        for value in node.values():
            if isinstance(value, dict | list):
                out += mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            out += mrkdwn_texts(value)
    return out


def shown(payload: Any) -> str:
    return "\n".join(mrkdwn_texts(payload))


def assert_inert(payload: Any, *typed: str) -> None:
    """No live markup anywhere Slack parses it, no bidi override anywhere, and each typed
    text still visible (escaped) in the mrkdwn."""
    assert live_markup(_without_plain_text(payload)) == [], payload
    assert "\u202e" not in json.dumps(payload, ensure_ascii=False)
    text = shown(payload)
    for value in typed:
        visible = escape(value)[:24]
        assert visible in text, (visible, text[:500])


# --- rules --------------------------------------------------------------------------------


def partnership(name: str) -> Partnership:
    p = Partnership(
        id=1,
        channel_id="C0SHARED",
        partner_name=name,
        vendor_team_id="T_VENDOR",
        partner_team_id="T_PARTNER",
        status=PartnershipStatus.ACTIVE,
        time_zone="America/New_York",
        created_by="U_TM",
        created_at=NOW,
        updated_at=NOW,
    )
    p.members = [
        Member(user_id="U_TM", side=Side.VENDOR, is_owner=True, is_approver=True),
        Member(
            user_id="U_DANA",
            side=Side.PARTNER,
            is_owner=False,
            is_approver=False,
            contact_role=ContactRole.SALES,
        ),
    ]
    return p


def rule(h: str, *, number: int = 3, status: RuleStatus = RuleStatus.IN_FORCE) -> Rule:
    return Rule(
        id=number,
        partnership_id=1,
        number=number,
        status=status,
        title=h,
        text=h,
        category=RuleCategory.LEAD_SHARING,
        version=2,
        agreed_at=NOW,
        updated_at=NOW,
        retired_at=NOW if status is RuleStatus.RETIRED else None,
    )


def decision(kind: DecisionKind, h: str, user_id: str = "U_DANA", version: int = 2) -> Decision:
    side = Side.PARTNER if user_id == "U_DANA" else Side.VENDOR
    return Decision(
        proposal_id=1,
        version=version,
        user_id=user_id,
        side=side,
        kind=kind,
        comment=h if kind in (DecisionKind.REJECT, DecisionKind.REQUEST_CHANGES) else None,
        decided_at=NOW,
    )


def state(
    h: str,
    status: ProposalStatus,
    *,
    retires: bool = False,
    replaces: bool = False,
    agreed: bool = False,
    named: bool = False,
) -> ProposalState:
    p = partnership(h)
    version = RuleVersion(
        number=2,
        title=h,
        text=h,
        category=RuleCategory.LEAD_SHARING,
        replaces_rule_id=3 if replaces or retires else None,
        retires=retires,
        created_by="U_TM",
        created_at=NOW,
    )
    proposal = Proposal(
        id=1,
        partnership_id=1,
        rule_id=3 if (replaces or retires or agreed) else None,
        status=status,
        current_version=2,
        proposed_by="U_TM",
        proposer_side=Side.VENDOR,
        channel_id="C0SHARED",
        parent_ts="1.1",
        buttons_ts="1.2",
        created_at=NOW,
        updated_at=NOW,
    )
    proposal.versions = [version]
    decisions = [
        decision(DecisionKind.PROPOSE, h, "U_TM"),
        decision(DecisionKind.APPROVE, h, "U_TM"),
        decision(DecisionKind.REQUEST_CHANGES, h),
        decision(DecisionKind.REJECT, h),
    ]
    waiting = []
    if status is ProposalStatus.PENDING:
        waiting = [
            Approver(Side.PARTNER, ["U_DANA"] if named else [], anyone=not named),
            Approver(Side.VENDOR, [], anyone=True),
        ]
    return ProposalState(
        proposal=proposal,
        partnership=p,
        version=version,
        rule=rule(h) if (replaces or retires or agreed) else None,
        approved_by={Side.VENDOR: ["U_TM"], Side.PARTNER: []},
        waiting_for=waiting,
        decisions=decisions,
        sides=Sides(h, h),
        names={"U_TM": h, "U_DANA": h},
    )


def all_states(h: str) -> list[ProposalState]:
    return [
        state(h, ProposalStatus.PENDING),
        state(h, ProposalStatus.PENDING, named=True, replaces=True),
        state(h, ProposalStatus.PENDING, retires=True),
        state(h, ProposalStatus.CHANGES_REQUESTED),
        state(h, ProposalStatus.REJECTED),
        state(h, ProposalStatus.WITHDRAWN),
        state(h, ProposalStatus.AGREED, agreed=True),
        state(h, ProposalStatus.AGREED, agreed=True, retires=True),
    ]


@pytest.mark.parametrize("h", HOSTILE)
def test_proposal_messages_show_hostile_titles_texts_and_comments_as_text(h):
    for s in all_states(h):
        message = messages.proposal_message(s)
        assert_inert(message, h)
        assert isinstance(message["text"], Mrkdwn)
        assert_inert(messages.status_line(s))
        assert_inert(messages.decision_buttons(s))
        for kind in DecisionKind:
            user_id = "U_TM" if kind in (DecisionKind.AMEND, DecisionKind.WITHDRAW) else "U_DANA"
            side = Side.VENDOR if user_id == "U_TM" else Side.PARTNER
            note = messages.decision_note(s, user_id, side, kind, 2)
            assert isinstance(note, Mrkdwn)
            assert_inert(note, h)  # the name is shown, and the comment where there is one
    changes = messages.proposal_message(state(h, ProposalStatus.CHANGES_REQUESTED))
    rejected = messages.proposal_message(state(h, ProposalStatus.REJECTED))
    assert escape(h)[:24] in shown(changes) and escape(h)[:24] in shown(rejected)


@pytest.mark.parametrize("h", HOSTILE)
def test_superseded_buttons_nudges_and_modals_show_hostile_text_as_text(h):
    s = state(h, ProposalStatus.PENDING)
    assert_inert(messages.superseded(s, h), h)  # a plain str is escaped
    assert_inert(messages.nudge_dm(s, "https://acme.slack.com/archives/C0SHARED/p1", 2), h)
    assert_inert(messages.nudge_dm(s, None, 1), h)
    assert_inert(messages.nudge_dm(s, h, 1), h)  # a link we can't vouch for is shown as text
    assert_inert(messages.nudge_in_thread(s, ["U_DANA", "U_PAT"]))
    assert_inert(modals.rule_modal(1, [rule(h), rule(h, number=4)], replaces=rule(h)))
    version = s.version
    assert_inert(modals.rule_modal(1, [], amending=(1, version)))
    intro = f"*R-3 · {h}*\nRetiring a rule is a proposal too."
    assert_inert(modals.comment_modal("cb", h, "Why?", h, {"x": 1}, intro), h)


@pytest.mark.parametrize("h", HOSTILE)
def test_rulebook_and_history_show_hostile_rules_and_comments_as_text(h):
    p = partnership(h)
    rules = [rule(h, number=n) for n in range(1, 20)]
    assert_inert(book.rulebook_page(p, Sides(h, h), rules), h)
    assert_inert(book.rulebook_page(p, Sides(h, h), rules, 1), h)
    assert_inert(book.rulebook_page(p, Sides(h, h), []), h)
    for message in book.shared_rulebook(Sides(h, h), rules, "U_TM"):
        assert_inert(message, h)
    s = state(h, ProposalStatus.AGREED, agreed=True)
    history = RuleHistory(
        rule(h),
        [ProposalRecord(s.proposal, [s.version], s.decisions)],
        Sides(h, h),
        {"U_TM": h, "U_DANA": h},
    )
    assert_inert(book.history_blocks(history, "America/New_York"), h)
    retired = RuleHistory(rule(h, status=RuleStatus.RETIRED), [], Sides(h, h), {})
    assert_inert(book.history_blocks(retired, "UTC"), h)


def test_the_mention_we_mean_stays_live():
    s = state("Leads", ProposalStatus.CHANGES_REQUESTED)
    assert "Waiting for <@U_TM> to amend." in messages.status_line(s)
    assert "<@U_DANA>, <@U_PAT>:" in messages.nudge_in_thread(s, ["U_DANA", "U_PAT"])["text"]
    dm = messages.nudge_dm(s, "https://acme.slack.com/archives/C0SHARED/p1", 1)["text"]
    assert "<https://acme.slack.com/archives/C0SHARED/p1|its thread>" in dm
    assert "the thread in <#C0SHARED>" in messages.nudge_dm(s, None, 1)["text"]
