"""Pure view builders for a rule proposal: the modals, the channel message and its thread."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ConfirmObject,
    SectionBlock,
)

from bot.domain.rulebook import ProposalState
from handlers.blocks import button, context, mentions, truncate
from handlers.ids import Action
from handlers.ids import Block as B
from storage.models import DecisionKind, ProposalStatus, RuleCategory, Side

CATEGORY_LABELS = {
    RuleCategory.DEAL_REGISTRATION: "Deal registration",
    RuleCategory.ACCOUNT_OWNERSHIP: "Account ownership",
    RuleCategory.LEAD_SHARING: "Lead sharing",
    RuleCategory.PRICING_AND_DISCOUNTS: "Pricing and discounts",
    RuleCategory.CONFLICT_RESOLUTION: "Conflict resolution",
    RuleCategory.COMMUNICATION: "Communication",
    RuleCategory.OTHER: "Other",
}


def headline(state: ProposalState) -> str:
    v, rule = state.version, state.rule
    if v.retires and rule is not None:
        return f"Proposal to retire {rule.label}: {v.title}"
    if v.replaces_rule_id is not None and rule is not None:
        return f"Proposed replacement for {rule.label}: {v.title}"
    if state.proposal.status is ProposalStatus.AGREED and rule is not None:
        return f"{rule.label}: {v.title}"
    return f"Proposed rule: {v.title}"


def _waiting_line(state: ProposalState) -> str:
    parts = []
    for side in (Side.VENDOR, Side.PARTNER):
        approved = state.approved_by[side]
        if approved:
            parts.append(f"{side.value} side ✅ {', '.join(state.name(u) for u in approved)}")
    for approver in state.waiting_for:
        org = state.org_names.get(approver.side) or f"the {approver.side.value} side"
        who = f"anyone at {org}" if approver.anyone else mentions(approver.user_ids)
        parts.append(f"{approver.side.value} side ⏳ waiting for {who}")
    return " · ".join(parts)


def status_line(state: ProposalState) -> str:
    p, comment = state.proposal, state.last_comment
    if p.status is ProposalStatus.PENDING:
        return f"*Status:* waiting for approval of version {p.current_version} · " + _waiting_line(
            state
        )
    if p.status is ProposalStatus.AGREED and state.rule is not None:
        if state.version.retires:
            return (
                f"*Status:* :white_check_mark: agreed by both sides: {state.rule.label} is retired."
            )
        return (
            f"*Status:* :white_check_mark: agreed by both sides: in force as *{state.rule.label}* "
            f"(version {state.version.number})."
        )
    if p.status is ProposalStatus.CHANGES_REQUESTED and comment is not None:
        return (
            f"*Status:* :pencil2: {state.who(comment.user_id, comment.side)} asked for changes: "
            f"“{truncate(comment.comment or '', 1500)}”. Waiting for <@{p.proposed_by}> to amend."
        )
    if p.status is ProposalStatus.REJECTED and comment is not None:
        return (
            f"*Status:* :x: rejected by {state.who(comment.user_id, comment.side)}: "
            f"“{truncate(comment.comment or '', 1500)}”"
        )
    return "*Status:* withdrawn by the proposer."


def proposal_message(state: ProposalState) -> dict[str, Any]:
    """The message in the channel: the rule, who proposed it, and its status line."""
    v, p = state.version, state.proposal
    text = f"{headline(state)} ({state.who(p.proposed_by, p.proposer_side)})"
    blocks: list[Block] = [
        SectionBlock(text=truncate(f":scroll: *{headline(state)}*", 3000)),
        SectionBlock(text=truncate(v.text, 3000)),
        context(
            f"{CATEGORY_LABELS[v.category]} · version {v.number} · proposed by "
            f"{state.who(p.proposed_by, p.proposer_side)}"
        ),
        SectionBlock(text=truncate(status_line(state), 3000)),
    ]
    if p.status in (ProposalStatus.PENDING, ProposalStatus.CHANGES_REQUESTED):
        blocks.append(context("Approve, request changes or reject in this message's thread."))
    return {"text": truncate(text, 3000), "blocks": [b.to_dict() for b in blocks]}


def decision_buttons(state: ProposalState) -> dict[str, Any]:
    """The thread message with the buttons for the current version (none once decided)."""
    p = state.proposal
    value = f"{p.id}:{p.current_version}"
    withdraw = button("Withdraw", Action.ROE_WITHDRAW, value)
    withdraw.confirm = ConfirmObject(
        title="Withdraw the proposal?",
        text="Only the proposer can withdraw it. The rulebook stays as it is.",
        confirm="Withdraw",
        deny="Keep it",
    )
    if p.status is ProposalStatus.PENDING:
        intro = f"*Version {p.current_version}:* approve it for your side, or say what's wrong."
        elements = [
            button("Approve", Action.ROE_APPROVE, value, style="primary"),
            button("Request changes", Action.ROE_REQUEST_CHANGES, value),
            button("Reject", Action.ROE_REJECT, value, style="danger"),
            withdraw,
        ]
    elif p.status is ProposalStatus.CHANGES_REQUESTED:
        intro = (
            f"*Version {p.current_version}:* changes were requested. <@{p.proposed_by}> can "
            "amend it, which restarts the approval here."
        )
        elements = [
            button("Amend", Action.ROE_AMEND, value, style="primary"),
            button("Reject", Action.ROE_REJECT, value, style="danger"),
            withdraw,
        ]
    else:
        return superseded(state, f"Decided: {status_line(state).removeprefix('*Status:* ')}")
    blocks: list[Block] = [
        SectionBlock(text=intro),
        ActionsBlock(block_id=B.ROE_DECISION_ACTIONS, elements=elements),
        context(
            "The rule is agreed once both sides approve the same version. Approvers: the "
            "people named on the partnership, or anyone on a side that named none."
        ),
    ]
    return {
        "text": f"Decide on version {p.current_version}",
        "blocks": [b.to_dict() for b in blocks],
    }


def superseded(state: ProposalState, note: str) -> dict[str, Any]:
    """What an old buttons message turns into: the buttons go, a note stays."""
    return {"text": truncate(note, 3000), "blocks": [context(note).to_dict()]}


def decision_note(
    state: ProposalState, user_id: str, side: Side, kind: DecisionKind, version: int
) -> str:
    """The line posted in the thread for one decision."""
    who = state.who(user_id, side)
    comment = next(
        (
            d.comment
            for d in reversed(state.decisions)
            if d.user_id == user_id and d.kind is kind and d.version == version
        ),
        None,
    )
    if kind is DecisionKind.AMEND:
        line = (
            f"{who} amended the proposal: version {version} is up for approval, and approvals "
            "of earlier versions no longer count."
        )
    elif kind is DecisionKind.WITHDRAW:
        line = f"{who} withdrew the proposal."
    elif kind is DecisionKind.REJECT:
        line = f"{who} rejected the proposal: “{truncate(comment or '', 2000)}”"
    elif kind is DecisionKind.REQUEST_CHANGES:
        line = f"{who} requested changes to version {version}: “{truncate(comment or '', 2000)}”"
    else:
        line = f"{who} approved version {version}."
    if state.proposal.status is ProposalStatus.AGREED and state.rule is not None:
        if state.version.retires:
            line += f"\n:white_check_mark: Both sides agreed: {state.rule.label} is retired."
        else:
            line += (
                f"\n:white_check_mark: Both sides agreed: *{state.rule.label}* is in force "
                f"(version {state.version.number})."
            )
    return line


def nudge_dm(state: ProposalState, link: str | None, number: int) -> dict[str, Any]:
    """The DM that asks an approver to decide on a proposal that has waited."""
    p = state.proposal
    where = f"<{link}|its thread>" if link else f"the thread in <#{p.channel_id}>"
    text = (
        f"A proposed rule of engagement is waiting for your side's approval: "
        f"*{truncate(state.version.title, 150)}* (version {p.current_version}), proposed by "
        f"{state.who(p.proposed_by, p.proposer_side)}. Approve it, request changes or reject "
        f"it in {where}."
    )
    if number > 1:
        text += f" (reminder {number})"
    return {"text": truncate(text, 3000)}


def nudge_in_thread(state: ProposalState, user_ids: list[str]) -> dict[str, Any]:
    """The thread mention for approvers we can't DM (external people without a shared DM)."""
    text = (
        f"{mentions(user_ids)}: this proposal is waiting for your side's approval of version "
        f"{state.proposal.current_version}. Use the buttons in this thread."
    )
    return {"text": truncate(text, 3000)}
