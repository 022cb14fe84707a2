"""Downtime, Slack errors, crashes mid-send, overdue DMs: nothing sent twice, nothing lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from bot.domain import outbox
from sandbox.slack import Fault
from storage.models import OccurrenceStatus, Partnership, PartnershipStatus, Workspace
from tests.bench.harness import CHANNEL
from tests.reviews.helpers import (
    linked,
    occurrences,
    prompt_key,
    prompts,
    schedule,
    set_cadence,
    tick,
)

MON, TUE = 0, 1


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def weekly(bench):
    """Acme, in New York, reviewed every Monday at 10:00 (15:00 UTC in winter)."""
    p = linked(bench, tz="America/New_York", country="US", at=utc(2026, 11, 20, 12))
    set_cadence(
        bench,
        p,
        every=1,
        weekday=MON,
        at=time(10),
        starting=date(2026, 11, 30),
        now=utc(2026, 11, 20, 12),
    )
    return p


def test_after_a_week_of_downtime_only_the_latest_review_is_sent(bench, fake_slack, weekly):
    tick(bench, utc(2026, 11, 30, 15, 0, 5))
    # Down from Tuesday 1 Dec to Tuesday 15 Dec: the 7 and 14 Dec reviews were missed.
    report = tick(bench, utc(2026, 12, 15, 9))
    assert [d.key.rsplit(":", 1)[1] for d in report.deliveries if d.kind == "review_prompt"] == [
        "2026-12-14"
    ]
    keys = {o.key.rsplit(":", 1)[1]: o.status for o in occurrences(bench, "review_prompt")}
    assert keys == {
        "2026-11-30": OccurrenceStatus.SENT,
        "2026-12-07": OccurrenceStatus.SKIPPED,
        "2026-12-14": OccurrenceStatus.SENT,
    }
    assert [prompt_key(m).rsplit(":", 1)[1] for m in prompts(fake_slack)] == [
        "2026-11-30",
        "2026-12-14",
    ]
    assert schedule(bench).next_on == date(2026, 12, 21)
    # Ticking again (another replica, a restart) sends nothing more.
    assert not [d for d in tick(bench, utc(2026, 12, 15, 9, 0, 15)).deliveries]


def test_a_429_is_retried_after_retry_after_then_sent_once(bench, fake_slack, weekly):
    fake_slack.fail("chat.postMessage", Fault(status=429, retry_after=40))
    report = tick(bench, utc(2026, 11, 30, 15, 0, 5))
    assert [d.outcome.value for d in report.deliveries] == ["retry"]
    [occurrence] = occurrences(bench, "review_prompt")
    assert occurrence.status is OccurrenceStatus.PENDING
    assert occurrence.next_attempt_at == utc(2026, 11, 30, 15, 0, 45)
    assert not tick(bench, utc(2026, 11, 30, 15, 0, 30)).deliveries
    report = tick(bench, utc(2026, 11, 30, 15, 0, 50))
    assert [d.outcome.value for d in report.deliveries] == ["sent"]
    assert len(prompts(fake_slack)) == 1
    [occurrence] = occurrences(bench, "review_prompt")
    assert occurrence.status is OccurrenceStatus.SENT and occurrence.attempts == 2


def test_server_errors_back_off(bench, fake_slack, weekly):
    fake_slack.fail("chat.postMessage", Fault(status=503), Fault(status=500))
    tick(bench, utc(2026, 11, 30, 15, 0, 5))
    [first] = occurrences(bench, "review_prompt")
    assert first.next_attempt_at == utc(2026, 11, 30, 15, 0, 10)  # 5 s
    tick(bench, utc(2026, 11, 30, 15, 0, 20))
    [second] = occurrences(bench, "review_prompt")
    assert second.next_attempt_at == utc(2026, 11, 30, 15, 0, 30)  # then 10 s
    tick(bench, utc(2026, 11, 30, 15, 0, 45))
    assert len(prompts(fake_slack)) == 1


def test_a_crash_between_slacks_answer_and_our_commit_does_not_double_post(
    bench, fake_slack, weekly, monkeypatch
):
    real_record = outbox.record

    def crash(*args, **kwargs):
        raise RuntimeError("process killed")

    monkeypatch.setattr(outbox, "record", crash)
    with pytest.raises(RuntimeError):
        tick(bench, utc(2026, 11, 30, 15, 0, 5))
    monkeypatch.setattr(outbox, "record", real_record)
    assert len(prompts(fake_slack)) == 1  # Slack has it; our database doesn't know
    [occurrence] = occurrences(bench, "review_prompt")
    assert occurrence.status is OccurrenceStatus.SENDING
    # Within the lease nobody takes it over; after it, the next attempt finds the message.
    assert not tick(bench, utc(2026, 11, 30, 15, 1)).deliveries
    report = tick(bench, utc(2026, 11, 30, 15, 3))
    assert [d.outcome.value for d in report.deliveries] == ["sent"]
    assert len(prompts(fake_slack)) == 1
    [occurrence] = occurrences(bench, "review_prompt")
    assert occurrence.ts == prompts(fake_slack)[0].ts and occurrence.attempts == 2
    assert fake_slack.calls_to("conversations.history")


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        ("is_archived", "<#C0SHARED> is archived. Ask someone to unarchive it"),
        ("channel_not_found", "I can't see the partnership's channel any more"),
        ("not_in_channel", "I'm not a member of <#C0SHARED>. Invite me there"),
    ],
)
def test_a_permanent_error_pauses_the_cadence_and_tells_the_owners(
    bench, fake_slack, weekly, error, cause
):
    fake_slack.channel_errors[CHANNEL] = error
    report = tick(bench, utc(2026, 11, 30, 15, 0, 5))
    outcomes = {d.kind: d.outcome.value for d in report.deliveries}
    assert outcomes == {"review_prompt": "permanent", "review_paused": "sent"}
    [occurrence] = occurrences(bench, "review_prompt")
    assert occurrence.status is OccurrenceStatus.FAILED and occurrence.last_error == error
    paused = schedule(bench)
    assert paused.paused and error in paused.paused_reason
    for owner in ("U_TM", "U_CAM"):
        [dm] = fake_slack.posts("D" + owner)
        # the cause in plain words, with its fix, never Slack's code
        assert cause in dm.text and "/partner cadence resume" in dm.text
        assert error not in dm.text
    # Paused: nothing more goes out, however long we wait.
    del fake_slack.channel_errors[CHANNEL]
    assert not tick(bench, utc(2026, 12, 14, 15, 0, 5)).deliveries
    assert not prompts(fake_slack)


def test_owners_get_a_dm_when_the_review_is_not_held_within_two_business_days(
    bench, fake_slack, weekly
):
    tick(bench, utc(2026, 11, 30, 15, 0, 5))  # Monday
    assert not tick(bench, utc(2026, 12, 2, 15, 0, 4)).deliveries
    report = tick(bench, utc(2026, 12, 2, 15, 0, 10))  # Wednesday, two business days later
    assert {d.kind for d in report.deliveries} == {"review_overdue"}
    [prompt] = prompts(fake_slack)
    for owner in ("U_TM", "U_CAM"):
        [dm] = fake_slack.posts("D" + owner)
        assert "hasn't been marked held" in dm.text
        # a button takes them to the prompt, where its buttons are
        [go] = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
        assert go["text"]["text"] == "Open the review prompt"
        assert go["url"] == f"https://slack.test/archives/{CHANNEL}/p{prompt.ts}"
    assert not fake_slack.posts("DU_DANA")


def test_a_dm_refused_to_one_owner_still_reaches_the_other(bench, fake_slack, weekly):
    tick(bench, utc(2026, 11, 30, 15, 0, 5))
    fake_slack.fail("chat.postMessage", Fault(error="user_not_found"))
    tick(bench, utc(2026, 12, 2, 15, 1))
    assert len(fake_slack.posts("DU_CAM")) == 1 and not fake_slack.posts("DU_TM")
    [overdue] = occurrences(bench, "review_overdue")
    assert overdue.status is OccurrenceStatus.SENT


@pytest.mark.parametrize("what", ["disconnected", "uninstalled"])
def test_no_prompts_for_inactive_partnerships_or_workspaces(bench, fake_slack, weekly, what):
    with bench.session() as session:
        if what == "disconnected":
            session.execute(update(Partnership).values(status=PartnershipStatus.DISCONNECTED))
        else:
            session.execute(update(Workspace).values(active=False))
        session.commit()
    assert not tick(bench, utc(2026, 11, 30, 15, 0, 5)).deliveries
    assert not prompts(fake_slack)
    assert schedule(bench).next_on == date(2026, 11, 30)  # waits; resumes with the latest


def test_prompts_reach_the_channel_within_a_tick_of_their_time(bench, fake_slack, weekly):
    due = schedule(bench).next_due_at
    assert due == utc(2026, 11, 30, 15)
    report = tick(bench, due + timedelta(seconds=15))
    assert [d.kind for d in report.deliveries] == ["review_prompt"]
