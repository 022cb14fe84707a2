"""Looking people up before a form is answered leaves room for Slack's 3 seconds."""

from __future__ import annotations

from bot.app import make_request_client
from bot.domain.people import known
from handlers import directory
from sandbox.slack import Fault
from tests.bench.harness import VENDOR, bench_settings


def test_lookups_run_side_by_side_and_stop_at_the_deadline(fake_slack, session, monkeypatch):
    """Ten people to look up while Slack answers each users.info in 0.4 s, and one never in
    time: the ten are remembered from lookups made side by side, the late one is left
    unknown (the form then says who couldn't be looked up)."""
    for n in range(10):
        fake_slack.add_user(f"U_P{n}", VENDOR, f"Person {n}", "UTC")
    fake_slack.add_user("U_LATE", VENDOR, "Late", "UTC")
    monkeypatch.setattr(directory, "LOOKUP_DEADLINE_S", 1.2)
    client = make_request_client(bench_settings(fake_slack))
    fake_slack.fail("users.info", *[Fault(delay=0.4) for _ in range(10)])
    directory.refresh(client, session, [f"U_P{n}" for n in range(10)])
    # one at a time, ten answers of 0.4 s would take 4 s: only side by side do they all fit
    assert sorted(known(session, [f"U_P{n}" for n in range(10)])) == [f"U_P{n}" for n in range(10)]
    fake_slack.fail("users.info", Fault(delay=5))
    directory.refresh(client, session, ["U_LATE"])
    assert known(session, ["U_LATE"]) == {}
