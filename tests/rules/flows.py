"""Doing /roe things the way people do them: through Slack, against the fake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Decision, Proposal, Rule
from tests.bench.harness import CHANNEL, PARTNER, VENDOR, SlackBench

TEAMS = {"U_TM": VENDOR, "U_CAM": VENDOR, "U_DANA": PARTNER, "U_PAT": PARTNER, "U_OUT": "T_OTHER"}


def rule_values(
    title: str = "Deal registration window",
    text: str = "A registered deal is protected for 90 days.",
    category: str | None = "deal_registration",
    replaces: int | None = None,
) -> dict[str, dict[str, Any]]:
    values = {
        B.RULE_TITLE: rq.text(title),
        B.RULE_TEXT: rq.text(text),
        B.RULE_CATEGORY: rq.option(category),
    }
    if replaces is not None:
        values[B.RULE_REPLACES] = rq.option(str(replaces))
    return values


def latest_proposal(bench: SlackBench) -> Proposal | None:
    with bench.session() as session:
        return session.scalar(select(Proposal).order_by(Proposal.id.desc()))


def propose(
    bench: SlackBench, user: str = "U_TM", *, partnership_id: int | None = None, **values: Any
) -> Proposal:
    """/roe (vendor) or the summary's "Propose a rule" button (partner side), then submit."""
    if partnership_id is not None:
        bench.click(Action.ROE_PROPOSE, str(partnership_id), user=user, user_team=TEAMS[user])
    else:
        bench.command("/roe", user=user)
    response = bench.submit(rule_values(**values), user=user, user_team=TEAMS[user])
    assert response.status == 200, response.body
    proposal = latest_proposal(bench)
    assert proposal is not None
    return proposal


def refreshed(bench: SlackBench, proposal_id: int) -> Proposal:
    with bench.session() as session:
        found = session.get(Proposal, proposal_id)
        assert found is not None
        return found


def decide(bench: SlackBench, action: str, proposal_id: int, user: str, version: int | None = None):
    """Click a thread button of the proposal (its current version unless told)."""
    proposal = refreshed(bench, proposal_id)
    version = proposal.current_version if version is None else version
    return bench.click(
        action,
        f"{proposal_id}:{version}",
        user=user,
        user_team=TEAMS[user],
        message={"ts": proposal.buttons_ts or "1.1", "thread_ts": proposal.parent_ts, "text": ""},
    )


def approve(bench: SlackBench, proposal_id: int, user: str, version: int | None = None):
    return decide(bench, Action.ROE_APPROVE, proposal_id, user, version)


def comment_decision(bench: SlackBench, action: str, proposal_id: int, user: str, comment: str):
    """Request changes or reject: the button opens a modal, which is submitted."""
    views_before = len(bench.fake.views)
    decide(bench, action, proposal_id, user)
    assert len(bench.fake.views) == views_before + 1, "no modal opened"
    return bench.submit({B.RULE_COMMENT: rq.text(comment)}, user=user, user_team=TEAMS[user])


def rules_in(bench: SlackBench) -> list[Rule]:
    with bench.session() as session:
        return list(session.scalars(select(Rule).order_by(Rule.number)))


def decisions_of(bench: SlackBench, proposal_id: int) -> list[Decision]:
    with bench.session() as session:
        return list(
            session.scalars(
                select(Decision).where(Decision.proposal_id == proposal_id).order_by(Decision.id)
            )
        )


def thread(bench: SlackBench, proposal_id: int) -> list[str]:
    proposal = refreshed(bench, proposal_id)
    return [
        m.text or ""
        for m in bench.fake.posts(CHANNEL)
        if m.thread_ts == proposal.parent_ts and m.ts != proposal.buttons_ts
    ]


def parent(bench: SlackBench, proposal_id: int):
    proposal = refreshed(bench, proposal_id)
    return bench.fake.message(CHANNEL, proposal.parent_ts)
