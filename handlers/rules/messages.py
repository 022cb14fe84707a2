"""Pure view builders for a rule proposal: the modals, the channel message and its thread.

Every mrkdwn string is built with ``handlers.text``: titles, rule texts, comments, names and
organization names are arguments of ``md`` (escaped), never part of a template.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ConfirmObject

from bot.domain.deals import terms as deal_terms
from bot.domain.rules.records import ProposalState
from handlers.blocks import actions, button, message, mrkdwn, section
from handlers.blocks import note as note_block
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, join, md, user, users
from handlers.text import link as make_link
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
COMMENT_SHOWN = 1500
CONFIRM_TEXT = 300  # a confirmation dialog's text, in Slack's limit
# Decisions the proposer is told about by a mention, when someone else made them.
TOLD_TO_PROPOSER = (DecisionKind.APPROVE, DecisionKind.REQUEST_CHANGES, DecisionKind.REJECT)


def headline(state: ProposalState) -> Mrkdwn:
    v, rule = state.version, state.rule
    if v.retires and rule is not None:
        return md("Proposal to retire {}: {}", rule.label, v.title)
    if v.replaces_rule_id is not None and rule is not None:
        return md("Proposed replacement for {}: {}", rule.label, v.title)
    if state.proposal.status is ProposalStatus.AGREED and rule is not None:
        return md("{}: {}", rule.label, v.title)
    return md("Proposed rule: {}", v.title)


def _who(state: ProposalState, user_id: str, side: Side) -> Mrkdwn:
    """“Dana (Acme Resellers)”, “Terry TM (Globex)”: the name and company shown as text."""
    return escape(state.who(user_id, side))


def _waiting_line(state: ProposalState) -> Mrkdwn:
    """“Globex ✅ Terry TM · Acme Resellers ⏳ waiting for anyone there”."""
    parts: list[Mrkdwn] = []
    for side in (Side.VENDOR, Side.PARTNER):
        approved = state.approved_by[side]
        if approved:
            names = ", ".join(state.name(u) for u in approved)
            parts.append(md("{} ✅ {}", state.sides.name(side), names))
    for approver in state.waiting_for:
        who = md("anyone there") if approver.anyone else users(approver.user_ids)
        parts.append(md("{} ⏳ waiting for {}", state.sides.name(approver.side), who))
    return join(" · ", parts)


def _status(state: ProposalState) -> Mrkdwn:
    """The status without its “Status:” label."""
    p, comment = state.proposal, state.last_comment
    if p.status is ProposalStatus.PENDING:
        return md(
            "waiting for approval of version {} · {}", p.current_version, _waiting_line(state)
        )
    if p.status is ProposalStatus.AGREED and state.rule is not None:
        if state.version.retires:
            return md(":white_check_mark: agreed by both sides: {} is retired.", state.rule.label)
        return md(
            ":white_check_mark: agreed by both sides: in force as *{}* (version {}).",
            state.rule.label,
            state.version.number,
        )
    if p.status is ProposalStatus.CHANGES_REQUESTED and comment is not None:
        return md(
            ":pencil2: {} asked for changes: “{}”. Waiting for {} to amend.",
            _who(state, comment.user_id, comment.side),
            escape(comment.comment or "", COMMENT_SHOWN),
            user(p.proposed_by),
        )
    if p.status is ProposalStatus.REJECTED and comment is not None:
        return md(
            ":x: rejected by {}: “{}”",
            _who(state, comment.user_id, comment.side),
            escape(comment.comment or "", COMMENT_SHOWN),
        )
    return md("withdrawn by the proposer.")


def terms_line(terms: dict[str, Any] | None) -> Mrkdwn | None:
    """A deal-registration rule's terms in words (None when it carries none)."""
    found = deal_terms.from_json(terms)
    if found is None:
        return None
    return md("*Deal registration terms:* {}", found.describe())


def terms_notes(terms: dict[str, Any] | None) -> list[Block]:
    line = terms_line(terms)
    return [note_block(line)] if line is not None else []


def status_line(state: ProposalState) -> Mrkdwn:
    return md("*Status:* {}", _status(state))


def instructions(state: ProposalState) -> Mrkdwn | None:
    """What can be done now, as the buttons in the thread allow it (None once decided)."""
    p = state.proposal
    if p.status is ProposalStatus.PENDING:
        return md("Approve, request changes or reject in this message's thread.")
    if p.status is ProposalStatus.CHANGES_REQUESTED:
        return md(
            "Changes were requested: {} can amend it in this message's thread, which restarts "
            "the approval, or withdraw it.",
            user(p.proposed_by),
        )
    return None


def proposal_message(state: ProposalState) -> dict[str, Any]:
    """The message in the channel: the rule, who proposed it, and its status line."""
    v, p = state.version, state.proposal
    proposer = _who(state, p.proposed_by, p.proposer_side)
    blocks: list[Block] = [
        section(md(":scroll: *{}*", headline(state))),
        section(escape(v.text)),
        note_block(
            md(
                "{} · version {} · proposed by {}",
                CATEGORY_LABELS[v.category],
                v.number,
                proposer,
            )
        ),
        *terms_notes(v.terms),
        section(status_line(state)),
    ]
    next_step = instructions(state)
    if next_step is not None:
        blocks.append(note_block(next_step))
    return message(md("{} ({})", headline(state), proposer), blocks)


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
        intro = md(
            "*Version {}:* approve it for your side, or say what's wrong.", p.current_version
        )
        approve = button("Approve", Action.ROE_APPROVE, value, style="primary")
        approve.confirm = approve_confirmation(state)
        elements = [
            approve,
            button("Request changes", Action.ROE_REQUEST_CHANGES, value),
            button("Reject", Action.ROE_REJECT, value, style="danger"),
            withdraw,
        ]
    elif p.status is ProposalStatus.CHANGES_REQUESTED:
        intro = md(
            "*Version {}:* changes were requested. {} can amend it, which restarts the "
            "approval here.",
            p.current_version,
            user(p.proposed_by),
        )
        elements = [
            button("Amend", Action.ROE_AMEND, value, style="primary"),
            button("Reject", Action.ROE_REJECT, value, style="danger"),
            withdraw,
        ]
    else:
        return superseded(state, md("Decided: {}", _status(state)))
    blocks: list[Block] = [
        section(intro),
        actions(block_id=B.ROE_DECISION_ACTIONS, elements=elements),
        note_block(
            md(
                "The rule is agreed once both sides approve the same version. Approvers: the "
                "people named on the partnership, or anyone on a side that named none."
            )
        ),
    ]
    return message(md("Decide on version {}", p.current_version), blocks)


def approve_confirmation(state: ProposalState) -> ConfirmObject:
    """Approving can put the rule in force for both companies: ask before it counts."""
    p, names = state.proposal, state.sides
    return ConfirmObject(
        title="Approve this version?",
        text=mrkdwn(
            md(
                "You approve version {} of *{}* for your company. Once {} and {} have both "
                "approved it, it is in force for both and can only be changed by a new "
                "proposal.",
                p.current_version,
                escape(state.version.title, 100),
                names.vendor,
                names.partner,
            ),
            CONFIRM_TEXT,
        ),
        confirm="Approve",
        deny="Not yet",
    )


def superseded(state: ProposalState, note: Mrkdwn | str) -> dict[str, Any]:
    """What an old buttons message turns into: the buttons go, a note stays.

    ``note`` is Mrkdwn; a plain str is escaped (shown as text, whatever it holds)."""
    text = escape(note)
    return message(text, [note_block(text)])


def decision_note(
    state: ProposalState,
    user_id: str,
    side: Side,
    kind: DecisionKind,
    version: int,
    agreed: bool | None = None,
) -> Mrkdwn:
    """The line posted in the thread for one decision; ``agreed`` says whether this decision
    is the one that made both sides agree (None: read it from the proposal's state)."""
    who = _who(state, user_id, side)
    comment = next(
        (
            d.comment
            for d in reversed(state.decisions)
            if d.user_id == user_id and d.kind is kind and d.version == version
        ),
        None,
    )
    said = escape(comment or "", 2000)
    if kind is DecisionKind.AMEND:
        line = md(
            "{} amended the proposal: version {} is up for approval, and approvals of earlier "
            "versions no longer count.",
            who,
            version,
        )
    elif kind is DecisionKind.WITHDRAW:
        line = md("{} withdrew the proposal.", who)
    elif kind is DecisionKind.REJECT:
        line = md("{} rejected the proposal: “{}”", who, said)
    elif kind is DecisionKind.REQUEST_CHANGES:
        line = md("{} requested changes to version {}: “{}”", who, version, said)
    else:
        line = md("{} approved version {}.", who, version)
    if user_id != state.proposal.proposed_by and kind in TOLD_TO_PROPOSER:
        # A mention in the thread notifies the proposer (an edited status line doesn't),
        # whichever company they are with.
        line = md("{}: {}{}", user(state.proposal.proposed_by), line, _proposer_next(kind))
    if agreed is None:
        agreed = state.proposal.status is ProposalStatus.AGREED
    if agreed and state.rule is not None:
        if state.version.retires:
            outcome = md(":white_check_mark: Both sides agreed: {} is retired.", state.rule.label)
        else:
            outcome = md(
                ":white_check_mark: Both sides agreed: *{}* is in force (version {}).",
                state.rule.label,
                state.version.number,
            )
        line = join("\n", [line, outcome])
    return line


def _proposer_next(kind: DecisionKind) -> Mrkdwn:
    if kind is DecisionKind.REQUEST_CHANGES:
        return md(" Press *Amend* on the buttons in this thread to put forward a new version.")
    return Mrkdwn("")


def nudge_dm(state: ProposalState, link: str | None, number: int) -> dict[str, Any]:
    """The DM that asks an approver to decide on a proposal that has waited."""
    p = state.proposal
    where = make_link(link, "its thread") if link else md("the thread in {}", channel(p.channel_id))
    text = md(
        "A proposed rule of engagement is waiting for your side's approval: *{}* (version {}), "
        "proposed by {}. Approve it, request changes or reject it in {}.",
        escape(state.version.title, 150),
        p.current_version,
        _who(state, p.proposed_by, p.proposer_side),
        where,
    )
    if number > 1:
        text = md("{} (reminder {})", text, number)
    return message(text)


def nudge_in_thread(state: ProposalState, user_ids: list[str]) -> dict[str, Any]:
    """The thread mention for approvers we can't DM (external people without a shared DM)."""
    return message(
        md(
            "{}: this proposal is waiting for your side's approval of version {}. Use the "
            "buttons in this thread.",
            users(user_ids),
            state.proposal.current_version,
        )
    )
