"""Rules of engagement: either side proposes; eligible approvers decide; the proposer amends.

Eligible approvers of a side are the ones named on the partnership, or anyone on that side
when none are named. The world names U_PAT the partner's approver and no vendor approver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import (
    Decision,
    DecisionKind,
    Occurrence,
    OccurrenceStatus,
    Proposal,
    ProposalStatus,
    Rule,
    RuleStatus,
)
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import APPROVER, CHANNEL, OWNER, PARTNER_NAME, Person, Seen, World
from tests.bench.harness import VENDOR

NOT_NAMED = f"Only the named rule approvers of {PARTNER_NAME} can decide on rules for your side"
NOT_NAMED_VENDOR = "Only the named rule approvers of Vendor Inc can decide on rules"
PROPOSER = "You proposed this rule: use Amend to change it, or Withdraw to take it back."


@dataclass(frozen=True)
class Open:
    """A proposal waiting in its thread, and the modal a set-up opened on it (if any)."""

    proposal: Proposal
    channel: str = CHANNEL
    view: dict[str, Any] | None = None


def rule_values(title: str) -> dict[str, Any]:
    return {
        B.RULE_TITLE: rq.text(title),
        B.RULE_TEXT: rq.text("A registered deal is protected for 90 days."),
        B.RULE_CATEGORY: rq.option("deal_registration"),
    }


def propose_modal(world: World, partnership_id: int | None = None, by: Person = OWNER):
    """ "Propose a rule" on the partnership summary, pressed by ``by``."""
    pid = partnership_id or world.partnership_id
    return world.click(A.ROE_PROPOSE, str(pid), by).view(Callback.ROE_PROPOSE)


def propose(world: World, by: Person = OWNER, partnership_id: int | None = None) -> Proposal:
    world.submit(propose_modal(world, partnership_id, by), rule_values(f"Rule {world.n()}"), by)
    [proposal] = world.rows(select(Proposal).order_by(Proposal.id.desc()).limit(1))
    assert proposal.proposed_by == by.user and proposal.buttons_ts, "the proposal was refused"
    return proposal


def pending(world: World) -> Open:
    """A proposal by U_TM; it counts as the vendor side's approval (no vendor approver named)."""
    return Open(propose(world))


def pending_from_partner(world: World) -> Open:
    """A proposal by U_PAT through the summary's button; it counts for the partner side."""
    return Open(propose(world, APPROVER))


def pending_with_named_vendor_approver(world: World) -> Open:
    """A partnership that names U_CAM the vendor's only approver; U_PAT proposes a rule."""
    partnership_id, channel = world.new_partnership(**{B.VENDOR_APPROVERS: rq.users("U_CAM")})
    return Open(propose(world, APPROVER, partnership_id), channel)


def decide(world: World, target: Open, action: str, who: Person) -> Seen:
    p = target.proposal
    return world.click(
        action,
        f"{p.id}:{p.current_version}",
        who,
        channel=target.channel,
        message={"ts": p.buttons_ts, "thread_ts": p.parent_ts, "text": ""},
    )


def with_modal(action: str, callback: str, by: Person):
    def setup(world: World) -> Open:
        target = pending(world)
        return Open(target.proposal, view=decide(world, target, action, by).view(callback))

    return setup


def agreed_rule(world: World) -> Rule:
    target = pending(world)
    decide(world, target, A.ROE_APPROVE, APPROVER)
    [rule] = world.rows(select(Rule).where(Rule.id == proposal(world, target).rule_id))
    assert rule.status is RuleStatus.IN_FORCE
    return rule


def retire_modal(world: World) -> tuple[Rule, dict[str, Any]]:
    rule = agreed_rule(world)
    seen = rule_menu(world, rule, OWNER, "retire")
    return rule, seen.view(Callback.ROE_RETIRE)


def rule_menu(world: World, rule: Rule, who: Person, choice: str) -> Seen:
    return world.click(A.ROE_RULE_MENU, "", who, selected_option=f"{choice}:{rule.id}")


def proposal(world: World, target: Open) -> Proposal:
    return world.get(Proposal, target.proposal.id)


def decisions(world: World, target: Open, who: Person) -> list[DecisionKind]:
    rows = world.rows(
        select(Decision).where(
            Decision.proposal_id == target.proposal.id, Decision.user_id == who.user
        )
    )
    return [d.kind for d in rows]


# -- effects -------------------------------------------------------------------------------------


def in_thread(target: Open, seen: Seen, who: Person) -> None:
    """The decision is posted in the proposal's thread, naming who made it (and, when that
    wasn't the proposer, mentioning the proposer first, so they hear of it)."""
    said = [m.text or "" for m in seen.posts if m.thread_ts == target.proposal.parent_ts]
    proposer = f"<@{target.proposal.proposed_by}>: "
    assert any(text.removeprefix(proposer).startswith(who.name) for text in said), said


def proposed(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [latest] = world.rows(select(Proposal).order_by(Proposal.id.desc()).limit(1))
    assert latest.proposed_by == who.user and latest.status is ProposalStatus.PENDING
    assert any(m.ts == latest.parent_ts for m in seen.posts)


def agreed(world: World, target: Open, who: Person, seen: Seen) -> None:
    """The approval is recorded, and with it both sides have approved: the rule is agreed."""
    assert DecisionKind.APPROVE in decisions(world, target, who)
    assert proposal(world, target).status is ProposalStatus.AGREED
    in_thread(target, seen, who)


def approved_for_vendor_side(world: World, target: Open, who: Person, seen: Seen) -> None:
    """A vendor member approves too: recorded, but the partner side still has to approve."""
    assert DecisionKind.APPROVE in decisions(world, target, who)
    assert proposal(world, target).status is ProposalStatus.PENDING
    in_thread(target, seen, who)


def decided(status: ProposalStatus, kind: DecisionKind):
    def check(world: World, target: Open, who: Person, seen: Seen) -> None:
        assert proposal(world, target).status is status
        assert kind in decisions(world, target, who)
        in_thread(target, seen, who)

    return check


def amended(world: World, target: Open, who: Person, seen: Seen) -> None:
    assert proposal(world, target).current_version == 2
    assert DecisionKind.AMEND in decisions(world, target, who)


def withdrawn(world: World, target: Open, who: Person, seen: Seen) -> None:
    assert proposal(world, target).status is ProposalStatus.WITHDRAWN
    in_thread(target, seen, who)


def retirement_proposed(world: World, target: Any, who: Person, seen: Seen) -> None:
    rule, _view = target
    [latest] = world.rows(select(Proposal).order_by(Proposal.id.desc()).limit(1))
    assert latest.rule_id == rule.id and latest.proposed_by == who.user
    assert world.get(Rule, rule.id).status is RuleStatus.IN_FORCE  # until both sides agree


def shared(world: World, pid: int, who: Person, seen: Seen) -> None:
    [post] = [m for m in seen.posts if m.channel == CHANNEL]
    assert (post.text or "").startswith("Rules of engagement")


APPROVE_REFUSAL = says(NOT_NAMED, outsider=NOT_IN_PARTNERSHIP)
DECIDE_REFUSAL = says(NOT_NAMED, owner=PROPOSER, outsider=NOT_IN_PARTNERSHIP)

ACTIONS = [
    Action(
        "rules: Propose a rule (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.ROE_PROPOSE, str(pid), who),
        effect=modal_opened(Callback.ROE_PROPOSE),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: propose a rule (modal)",
        setup=propose_modal,
        act=lambda world, view, who: world.submit(view, rule_values(f"By {who.user}"), who),
        effect=proposed,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: Approve U_TM's proposal",
        setup=pending,
        act=lambda world, target, who: decide(world, target, A.ROE_APPROVE, who),
        effect=lambda world, target, who, seen: (
            approved_for_vendor_side if who.team == VENDOR else agreed
        )(world, target, who, seen),
        refusal=APPROVE_REFUSAL,
    ),
    Action(
        "rules: Approve U_PAT's proposal",
        setup=pending_from_partner,
        act=lambda world, target, who: decide(world, target, A.ROE_APPROVE, who),
        effect=agreed,
        refusal=APPROVE_REFUSAL,
    ),
    Action(
        "rules: Approve U_PAT's proposal, U_CAM named vendor approver",
        setup=pending_with_named_vendor_approver,
        act=lambda world, target, who: decide(world, target, A.ROE_APPROVE, who),
        effect=agreed,
        refusal=says(NOT_NAMED_VENDOR, partner_contact=NOT_NAMED, outsider=NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: Request changes (button)",
        setup=pending,
        act=lambda world, target, who: decide(world, target, A.ROE_REQUEST_CHANGES, who),
        effect=modal_opened(Callback.ROE_REQUEST_CHANGES),
        refusal=DECIDE_REFUSAL,
    ),
    Action(
        "rules: request changes (modal)",
        setup=with_modal(A.ROE_REQUEST_CHANGES, Callback.ROE_REQUEST_CHANGES, APPROVER),
        act=lambda world, target, who: world.submit(
            target.view, {B.RULE_COMMENT: rq.text("Make it 60 days.")}, who
        ),
        effect=decided(ProposalStatus.CHANGES_REQUESTED, DecisionKind.REQUEST_CHANGES),
        refusal=DECIDE_REFUSAL,
    ),
    Action(
        "rules: Reject (button)",
        setup=pending,
        act=lambda world, target, who: decide(world, target, A.ROE_REJECT, who),
        effect=modal_opened(Callback.ROE_REJECT),
        refusal=DECIDE_REFUSAL,
    ),
    Action(
        "rules: reject (modal)",
        setup=with_modal(A.ROE_REJECT, Callback.ROE_REJECT, APPROVER),
        act=lambda world, target, who: world.submit(
            target.view, {B.RULE_COMMENT: rq.text("We register through distribution.")}, who
        ),
        effect=decided(ProposalStatus.REJECTED, DecisionKind.REJECT),
        refusal=DECIDE_REFUSAL,
    ),
    Action(
        "rules: Amend (button)",
        setup=pending,
        act=lambda world, target, who: decide(world, target, A.ROE_AMEND, who),
        effect=modal_opened(Callback.ROE_AMEND),
        refusal=says("Only <@U_TM>, who proposed this rule, can amend it."),
    ),
    Action(
        "rules: amend (modal)",
        setup=with_modal(A.ROE_AMEND, Callback.ROE_AMEND, OWNER),
        act=lambda world, target, who: world.submit(target.view, rule_values("Amended"), who),
        effect=amended,
        refusal=says("Only <@U_TM>, who proposed this rule, can amend it."),
    ),
    Action(
        "rules: Withdraw",
        setup=pending,
        act=lambda world, target, who: decide(world, target, A.ROE_WITHDRAW, who),
        effect=withdrawn,
        refusal=says("Only <@U_TM>, who proposed this rule, can withdraw it."),
    ),
    Action(
        "rules: Replace from the rule's menu",
        setup=agreed_rule,
        act=lambda world, rule, who: rule_menu(world, rule, who, "replace"),
        effect=modal_opened(Callback.ROE_PROPOSE),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: Retire from the rule's menu",
        setup=agreed_rule,
        act=lambda world, rule, who: rule_menu(world, rule, who, "retire"),
        effect=modal_opened(Callback.ROE_RETIRE),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: propose retiring a rule (modal)",
        setup=retire_modal,
        act=lambda world, target, who: world.submit(
            target[1], {B.RULE_COMMENT: rq.text("We no longer register deals.")}, who
        ),
        effect=retirement_proposed,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "rules: Share the rulebook in the channel",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.ROE_SHARE, str(pid), who),
        effect=shared,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
]


# -- Post it now: an effect Slack refused for good, tried again by the person who made it ----


@dataclass
class Refused:
    proposal_id: int
    occurrence_id: int


def refused_proposal(world: World) -> Refused:
    """U_TM's proposal that Slack refused to post (the bot wasn't in the channel yet)."""
    partnership_id, channel = world.new_partnership()
    world.fake.channel_errors[channel] = "not_in_channel"
    try:
        world.submit(propose_modal(world, partnership_id), rule_values(f"Rule {world.n()}"), OWNER)
    finally:
        del world.fake.channel_errors[channel]
    [proposal] = world.rows(select(Proposal).order_by(Proposal.id.desc()).limit(1))
    [occurrence] = world.rows(select(Occurrence).where(Occurrence.key == f"proposal:{proposal.id}"))
    assert occurrence.status is OccurrenceStatus.FAILED and proposal.parent_ts is None
    return Refused(proposal.id, occurrence.id)


def posted_after_all(world: World, target: Refused, who: Person, seen: Seen) -> None:
    proposal = world.get(Proposal, target.proposal_id)
    assert proposal.parent_ts and proposal.buttons_ts
    assert any(m.ts == proposal.parent_ts for m in seen.posts)


ACTIONS.append(
    Action(
        "effects: Post it now (a proposal Slack refused)",
        setup=refused_proposal,
        act=lambda world, target, who: world.click(A.EFFECT_RETRY, str(target.occurrence_id), who),
        effect=posted_after_all,
        refusal=says("Only the person who made this change can post it again."),
    )
)
