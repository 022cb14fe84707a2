"""The App Home follows the changes that concern its reader, without their opening it again."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun import freeze_time

from tests.bench.harness import block_texts
from tests.bench.scenarios import link_partnership
from tests.promises.steps import make_promise
from tests.rules.flows import approve, propose
from tests.wins.helpers import log_win

NOW = datetime(2026, 11, 30, 15, tzinfo=UTC)


def home_text(fake, user: str) -> str:
    assert user in fake.home, f"no App Home was published for {user}"
    return block_texts(fake.home[user]["blocks"])


def test_logging_a_win_refreshes_the_loggers_home(bench, fake_slack):
    with freeze_time(NOW):
        link_partnership(bench)
        log_win(bench)
    assert "Acme renewal" in home_text(fake_slack, "U_TM")


def test_making_a_promise_refreshes_the_makers_home(bench, fake_slack):
    with freeze_time(NOW):
        link_partnership(bench)
        make_promise(bench)
    assert "Register your next three Globex opportunities first" in home_text(fake_slack, "U_TM")


def test_a_rule_decision_refreshes_the_decider_and_the_proposer(bench, fake_slack):
    with freeze_time(NOW):
        link_partnership(bench)
        proposal = propose(bench, "U_TM", title="Lead sharing within 48 hours")
        fake_slack.home.clear()
        approve(bench, proposal.id, "U_DANA")
    assert {"U_DANA", "U_TM"} <= set(fake_slack.home)
