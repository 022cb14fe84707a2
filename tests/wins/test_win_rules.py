"""What a win must be: each rule gives a field error in the modal, and nothing is stored."""

from __future__ import annotations

import pytest

from handlers.ids import Block as B
from sandbox import requests as rq
from tests.bench.harness import response_json
from tests.bench.scenarios import link_partnership
from tests.wins.helpers import win_values, wins

CASES = [
    ("missing headline", {B.WIN_HEADLINE: rq.text("   ")}, B.WIN_HEADLINE, "Say what was won"),
    ("zero amount", {B.WIN_AMOUNT: rq.text("0")}, B.WIN_AMOUNT, "more than zero"),
    ("negative amount", {B.WIN_AMOUNT: rq.text("-5k")}, B.WIN_AMOUNT, "can't be negative"),
    ("unparseable", {B.WIN_AMOUNT: rq.text("lots")}, B.WIN_AMOUNT, "couldn't read “lots”"),
    ("ambiguous", {B.WIN_AMOUNT: rq.text("12.345k")}, B.WIN_AMOUNT, "couldn't read"),
    ("absurd", {B.WIN_AMOUNT: rq.text("2,000,000,000,000")}, B.WIN_AMOUNT, "trillion"),
    ("deal without amount", {B.WIN_AMOUNT: rq.text("")}, B.WIN_AMOUNT, "deal's amount"),
    ("unknown currency", {B.WIN_CURRENCY: rq.text("XYZ")}, B.WIN_CURRENCY, "not an ISO 4217"),
    ("no currency", {B.WIN_CURRENCY: rq.text("")}, B.WIN_CURRENCY, "Which currency"),
    (
        "currencies disagree",
        {B.WIN_AMOUNT: rq.text("EUR 90,000"), B.WIN_CURRENCY: rq.text("USD")},
        B.WIN_AMOUNT,
        "says EUR but the currency field says USD",
    ),
    ("future date", {B.WIN_CLOSED_ON: rq.date("2026-12-02")}, B.WIN_CLOSED_ON, "in the future"),
    ("no date", {B.WIN_CLOSED_ON: rq.date(None)}, B.WIN_CLOSED_ON, "Pick the date"),
    ("story too long", {B.WIN_STORY: rq.text("x" * 2901)}, B.WIN_STORY, "under 2900"),
    (
        "vendor person credited as partner",
        {B.WIN_PARTNER_CREDITS: rq.users("U_CAM")},
        B.WIN_PARTNER_CREDITS,
        "<@U_CAM> is not from the partner",
    ),
    (
        "partner person credited as vendor",
        {B.WIN_VENDOR_CREDITS: rq.users("U_TM", "U_DANA")},
        B.WIN_VENDOR_CREDITS,
        "<@U_DANA> is not from your organization",
    ),
    (
        "outsider credited",
        {B.WIN_PARTNER_CREDITS: rq.users("U_OUT")},
        B.WIN_PARTNER_CREDITS,
        "not from the partner",
    ),
]


@pytest.mark.parametrize(
    ("values", "field", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_win_gets_a_field_error_and_nothing_is_stored(
    bench, fake_slack, values, field, message
):
    link_partnership(bench)
    bench.command("/win")
    posts_before = len(fake_slack.posts())
    body = response_json(bench.submit(win_values(**values)))
    assert body["response_action"] == "errors"
    assert message in body["errors"][field], body["errors"]
    assert wins(bench) == []
    assert len(fake_slack.posts()) == posts_before


def test_several_mistakes_are_reported_together(bench):
    link_partnership(bench)
    bench.command("/win")
    body = response_json(
        bench.submit(
            win_values(
                **{
                    B.WIN_HEADLINE: rq.text(""),
                    B.WIN_AMOUNT: rq.text("-1"),
                    B.WIN_CLOSED_ON: rq.date("2027-01-01"),
                }
            )
        )
    )
    assert set(body["errors"]) == {B.WIN_HEADLINE, B.WIN_AMOUNT, B.WIN_CLOSED_ON}


def test_today_is_the_loggers_own_today(bench, clock):
    """At 01:00 UTC on 2 Dec it is still 1 Dec in New York: the 2nd is in the future there."""
    link_partnership(bench)
    clock.move_to("2026-12-02 01:00:00")
    bench.command("/win")
    body = response_json(bench.submit(win_values(**{B.WIN_CLOSED_ON: rq.date("2026-12-02")})))
    assert "in the future" in body["errors"][B.WIN_CLOSED_ON]
    body = response_json(bench.submit(win_values(**{B.WIN_CLOSED_ON: rq.date("2026-12-01")})))
    assert body.get("response_action") == "update"
    assert len(wins(bench)) == 1


def test_a_milestone_needs_no_amount(bench):
    link_partnership(bench)
    bench.command("/win")
    values = win_values(
        **{
            B.WIN_KIND: rq.option("milestone"),
            B.WIN_AMOUNT: rq.text(""),
            B.WIN_CURRENCY: rq.text(""),
        }
    )
    assert response_json(bench.submit(values))["response_action"] == "update"
    [win] = wins(bench)
    assert win.amount is None and win.currency is None
