"""Pending proposals nudge the approvers still needed after three business days (the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.app import make_client
from bot.domain.rules import nudges as rules_nudges
from bot.scheduler import Ticker
from handlers.ids import Action
from sandbox.slack import Fault
from storage.models import Occurrence, OccurrenceStatus
from tests.bench.harness import CHANNEL
from tests.bench.scenarios import link_partnership
from tests.rules.flows import approve, comment_decision, decide, propose, refreshed, rule_values

PROPOSED_AT = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)  # Thursday, 10:00 in New York
DUE = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # Tuesday 10:00 EDT: 3 business days later


@pytest.fixture
def clock():
    with freeze_time(PROPOSED_AT) as frozen:
        yield frozen


def nudges_of(bench, proposal_id):
    with bench.session() as session:
        return list(
            session.scalars(
                select(Occurrence)
                .where(Occurrence.kind == rules_nudges.KIND, Occurrence.subject_id == proposal_id)
                .order_by(Occurrence.id)
            )
        )


def tick(bench, clock, now):
    clock.move_to(now)
    ticker = Ticker(bench.sessions, make_client(bench.settings), name="t", materializers=[])
    return ticker.tick(now)


def test_waiting_approvers_are_nudged_by_dm_or_in_the_thread(bench, fake_slack, clock):
    link_partnership(bench)
    fake_slack.users["U_PAT"].dm_refused = True  # Slack won't open a DM with this external user
    proposal = propose(bench, "U_TM")
    [planned] = nudges_of(bench, proposal.id)
    assert planned.key == f"rule:{proposal.id}:v1:1" and planned.due_at == DUE

    assert tick(bench, clock, datetime(2026, 3, 9, 20, 0, tzinfo=UTC)).deliveries == []  # Monday

    report = tick(bench, clock, DUE)
    assert [d.kind for d in report.deliveries] == [rules_nudges.KIND]
    [dm] = fake_slack.posts("DU_DANA")
    assert "waiting for your side's approval" in dm.text and "Deal registration window" in dm.text
    assert "https://slack.test/archives/" in dm.text  # a link to the thread
    mention = fake_slack.last_post(CHANNEL)
    assert mention.thread_ts == refreshed(bench, proposal.id).parent_ts
    assert "<@U_PAT>" in mention.text and "<@U_DANA>" not in mention.text
    assert not fake_slack.posts("DU_TM")  # the vendor side already approved
    sent, following = nudges_of(bench, proposal.id)
    assert sent.status is OccurrenceStatus.SENT and following.key.endswith(":v1:2")

    # once the partner approves, the next nudge is cancelled
    approve(bench, proposal.id, "U_DANA")
    assert nudges_of(bench, proposal.id)[-1].status is OccurrenceStatus.SKIPPED
    assert tick(bench, clock, datetime(2026, 3, 20, 15, 0, tzinfo=UTC)).deliveries == []


def test_amending_restarts_the_clock(bench, fake_slack, clock):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    clock.move_to(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))
    comment_decision(bench, Action.ROE_REQUEST_CHANGES, proposal.id, "U_DANA", "Shorter")
    assert nudges_of(bench, proposal.id)[0].status is OccurrenceStatus.SKIPPED
    decide(bench, Action.ROE_AMEND, proposal.id, "U_TM")
    bench.submit(rule_values(text="Protected for 30 days."))
    _cancelled, amended = nudges_of(bench, proposal.id)
    assert amended.key == f"rule:{proposal.id}:v2:1"
    # Friday 10:00 in New York + 3 business days: Wednesday 10:00, after the clocks changed
    assert amended.due_at == datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
    assert tick(bench, clock, DUE).deliveries == []


def test_a_nudge_whose_answer_came_late_is_not_sent_again(bench, fake_slack, clock):
    """Slack posted the DM but answered after the client gave up: the next tick finds the DM
    by its key instead of nudging the approver twice."""
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    fake_slack.fail("chat.postMessage", Fault(delay=0.6, done_first=True))
    clock.move_to(DUE)
    client = make_client(bench.settings)
    client.timeout = 0.3
    client.retry_handlers = []
    first = Ticker(bench.sessions, client, name="t", materializers=[]).tick(DUE)
    assert [d.outcome.value for d in first.deliveries] == ["retry"]
    later = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    second = tick(bench, clock, later)
    assert [d.outcome.value for d in second.deliveries] == ["sent"]
    assert len(fake_slack.posts("DU_DANA")) == 1
    assert nudges_of(bench, proposal.id)[0].status is OccurrenceStatus.SENT


def test_every_proposal_gets_its_thread_and_every_nudge_goes_once_on_a_flaky_slack(
    bench, fake_slack, clock
):
    """Slack fails one call in ten: every proposal still gets its message, thread and
    buttons, and every approver is nudged exactly once."""
    link_partnership(bench)
    fake_slack.flaky(rate=0.1, seed=7, timeout=0.6)
    bench.app.client.timeout = 0.3
    proposals = [propose(bench, "U_TM", title=f"Rule {n}") for n in range(12)]
    client = make_client(bench.settings)
    client.timeout = 0.3
    client.retry_handlers = []
    # ticks every 5 minutes after the proposals, then from when the nudges are due
    moments = [PROPOSED_AT + timedelta(minutes=5 * n) for n in range(1, 30)]
    moments += [DUE + timedelta(minutes=5 * n) for n in range(30)]
    for now in moments:
        clock.move_to(now)
        Ticker(bench.sessions, client, name="t", materializers=[]).tick(now)
    fake_slack.flaky(rate=0)
    for proposal in proposals:
        posted = refreshed(bench, proposal.id)
        assert posted.parent_ts and posted.buttons_ts, proposal.id
        keys = [
            (m.metadata or {}).get("event_payload", {}).get("key")
            for m in fake_slack.posts(CHANNEL)
        ]
        assert keys.count(f"proposal:{proposal.id}") == 1
        assert keys.count(f"proposal:{proposal.id}:buttons:v1") == 1
    nudged = [
        (m.metadata or {}).get("event_payload", {}).get("key") for m in fake_slack.posts("DU_DANA")
    ]
    assert sorted(nudged) == sorted(f"rule:{p.id}:v1:1" for p in proposals)
