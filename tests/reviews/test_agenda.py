"""The review prompt goes over what happened since the last review: wins, rules, promises."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from freezegun import freeze_time

from tests.bench.harness import block_texts
from tests.promises.steps import make_promise
from tests.reviews.helpers import linked, prompts, set_cadence, tick
from tests.rules.flows import approve, propose
from tests.wins.helpers import log_win

LINKED = datetime(2026, 11, 20, 15, tzinfo=UTC)
BETWEEN = datetime(2026, 11, 24, 15, tzinfo=UTC)  # a Tuesday, before the first review
DUE = datetime(2026, 11, 30, 15, tzinfo=UTC)  # Monday 10:00 in New York


def test_the_prompt_lists_wins_rules_and_promises_since_the_last_review(bench, fake_slack):
    partnership = linked(bench, at=LINKED, country="US")
    set_cadence(
        bench, partnership, every=1, weekday=0, at=time(10), starting=date(2026, 11, 30), now=LINKED
    )
    with freeze_time(BETWEEN):
        log_win(bench, **{"win_closed_on": {"type": "datepicker", "selected_date": "2026-11-24"}})
        proposal = propose(bench, "U_TM", title="Lead sharing within 48 hours")
        approve(bench, proposal.id, "U_DANA")
        propose(bench, "U_TM", title="Quarterly pricing review")
        make_promise(
            bench, **{"promise_due_date": {"type": "datepicker", "selected_date": "2026-11-27"}}
        )
    tick(bench, DUE)
    [prompt] = prompts(fake_slack)
    text = block_texts(prompt.blocks)
    assert "Wins logged: 1" in text and "Acme renewal" in text and "125,000" in text
    # the rule proposed and agreed in the cycle is listed once, as agreed
    assert "1 proposed, 1 agreed" in text
    assert "Agreed: R-1 Lead sharing within 48 hours" in text
    assert "Proposed: Quarterly pricing review" in text
    assert text.count("Lead sharing within 48 hours") == 1
    assert "Promises open: 1, overdue: 1" in text
    assert "Register your next three Globex opportunities first" in text
    assert "Nothing logged" not in text


def test_a_quiet_period_says_so(bench, fake_slack):
    partnership = linked(bench, at=LINKED)
    set_cadence(
        bench, partnership, every=1, weekday=0, at=time(10), starting=date(2026, 11, 30), now=LINKED
    )
    tick(bench, DUE)
    [prompt] = prompts(fake_slack)
    text = block_texts(prompt.blocks)
    assert "Wins logged" not in text and "Promises open" not in text
