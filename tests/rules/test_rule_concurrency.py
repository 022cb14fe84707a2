"""Approvals arriving at the same moment on PostgreSQL: each counts once, agreed once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.domain.people import Actor
from bot.domain.rules import decisions
from bot.domain.rules import service as rules
from bot.domain.rules.service import RuleForm
from storage import migrate
from storage.engine import make_session_factory
from storage.models import (
    Decision,
    DecisionKind,
    Member,
    Partnership,
    Proposal,
    ProposalStatus,
    Rule,
    Side,
    Workspace,
)

TM, CAM = Actor("U_TM", "T_VENDOR"), Actor("U_CAM", "T_VENDOR")
DANA, PAT = Actor("U_DANA", "T_PARTNER"), Actor("U_PAT", "T_PARTNER")


def partnership(sessions, vendor_approvers: list[str]) -> int:
    now = datetime.now(UTC)
    with sessions() as session:
        session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=now))
        session.flush()
        p = Partnership(
            channel_id="C0SHARED",
            partner_name="Acme Resellers",
            vendor_team_id="T_VENDOR",
            partner_team_id="T_PARTNER",
            time_zone="America/New_York",
            created_by="U_TM",
            created_at=now,
            updated_at=now,
        )
        p.members = [
            Member(
                user_id="U_TM",
                side=Side.VENDOR,
                is_owner=True,
                is_approver="U_TM" in vendor_approvers,
            ),
            Member(
                user_id="U_CAM",
                side=Side.VENDOR,
                is_owner=True,
                is_approver="U_CAM" in vendor_approvers,
            ),
            Member(user_id="U_DANA", side=Side.PARTNER, is_owner=False, is_approver=False),
            Member(user_id="U_PAT", side=Side.PARTNER, is_owner=False, is_approver=False),
        ]
        session.add(p)
        session.commit()
        return p.id


def proposed(sessions, partnership_id: int, title: str) -> int:
    with sessions() as session:
        outcome = rules.propose(
            session, partnership_id, RuleForm(title, "Text of the rule.", "other"), TM
        )
        session.commit()
        return outcome.proposal.id


def at_once(sessions, proposal_id: int, actors: list[Actor]) -> list[object]:
    """Each actor approves in their own thread and session, released together."""
    barrier = threading.Barrier(len(actors))
    results: list[object] = [None] * len(actors)

    def run(i: int, actor: Actor) -> None:
        with sessions() as session:
            barrier.wait()
            try:
                results[i] = decisions.approve(session, proposal_id, 1, actor)
                session.commit()
            except Exception as error:  # recorded for the assertion below
                session.rollback()
                results[i] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def counts(sessions, proposal_id: int) -> tuple[list[tuple[str, Side]], ProposalStatus, int]:
    with sessions() as session:
        approvals = session.execute(
            select(Decision.user_id, Decision.side)
            .where(Decision.proposal_id == proposal_id, Decision.kind == DecisionKind.APPROVE)
            .order_by(Decision.user_id)
        ).all()
        status = session.get(Proposal, proposal_id).status
        agreed = session.scalar(select(func.count()).select_from(Rule))
        return [tuple(a) for a in approvals], status, agreed


@pytest.mark.postgres
def test_concurrent_approvals_count_once_and_agree_once(pg_engine):
    migrate.upgrade(pg_engine)
    sessions = make_session_factory(pg_engine)
    # vendor approvals come from U_CAM only, so U_TM's proposal starts with no approval at all
    partnership_id = partnership(sessions, vendor_approvers=["U_CAM"])

    for round_ in range(5):
        # both sides at the same moment: the second to lock sees the first and agrees it
        proposal_id = proposed(sessions, partnership_id, f"Both sides {round_}")
        results = at_once(sessions, proposal_id, [CAM, DANA])
        assert not [r for r in results if isinstance(r, Exception)], results
        approvals, status, _ = counts(sessions, proposal_id)
        assert approvals == [("U_CAM", Side.VENDOR), ("U_DANA", Side.PARTNER)]
        assert status is ProposalStatus.AGREED
        assert sum(1 for r in results if r.agreed is not None) == 1

        # the same person twice at once (a double click on two devices): one row
        proposal_id = proposed(sessions, partnership_id, f"Twice {round_}")
        results = at_once(sessions, proposal_id, [DANA, DANA])
        assert not [r for r in results if isinstance(r, Exception)], results
        approvals, status, _ = counts(sessions, proposal_id)
        assert approvals == [("U_DANA", Side.PARTNER)] and status is ProposalStatus.PENDING
        assert sorted(r.changed for r in results) == [False, True]

        # two approvers of the side still needed, at once: both count, the rule is agreed once
        at_once(sessions, proposal_id, [CAM])
        other = proposed(sessions, partnership_id, f"Two partners {round_}")
        at_once(sessions, other, [CAM])
        results = at_once(sessions, other, [DANA, PAT])
        assert not [r for r in results if isinstance(r, Exception)], results
        approvals, status, _ = counts(sessions, other)
        assert [a[0] for a in approvals] == ["U_CAM", "U_DANA", "U_PAT"]
        assert status is ProposalStatus.AGREED
        assert sum(1 for r in results if r.agreed is not None) == 1

    with sessions() as session:
        numbers = list(session.scalars(select(Rule.number).order_by(Rule.number)))
    assert numbers == list(range(1, 16))  # 3 rules a round, numbered without gaps or repeats


def test_many_simultaneous_approve_clicks_announce_the_agreement_once(
    bench, fake_slack, monkeypatch
):
    """Twelve partner people and the vendor's approver click Approve at the same moment:
    however the commits interleave, each approval is noted once and the thread says "Both
    sides agreed" once."""
    from handlers.ids import Block as B
    from sandbox import requests as rq
    from tests.bench.harness import PARTNER
    from tests.bench.scenarios import link_partnership
    from tests.rules import flows

    people = [f"U_P{n}" for n in range(12)]
    for user in people:
        fake_slack.add_user(user, PARTNER, user, "Europe/Berlin")
        monkeypatch.setitem(flows.TEAMS, user, PARTNER)
    link_partnership(bench, **{B.VENDOR_APPROVERS: rq.users("U_CAM")})
    proposal = flows.propose(bench, "U_TM")
    barrier = threading.Barrier(len(people) + 1)

    def click(user: str) -> None:
        barrier.wait()
        flows.approve(bench, proposal.id, user)

    threads = [threading.Thread(target=click, args=(u,)) for u in [*people, "U_CAM"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert flows.refreshed(bench, proposal.id).status is ProposalStatus.AGREED
    said = "\n".join(flows.thread(bench, proposal.id))
    assert said.count("Both sides agreed") == 1, said
    approvals = [line for line in said.splitlines() if " approved version 1" in line]
    assert len(approvals) == len({line.split(" (")[0] for line in approvals})
