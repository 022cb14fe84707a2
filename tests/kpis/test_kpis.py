"""/partner kpis: the figures per quarter, the focus list, the chart upload, who may see them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from bot.domain.partners.names import TIMES
from handlers.ids import Action, Callback
from storage.models import Partnership
from storage.models.promises import PromiseState
from storage.models.reviews import ReviewStatus
from storage.models.rules import ProposalStatus
from tests.bench.harness import CHANNEL, PARTNER, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.kpis import data
from tests.kpis.queries import counting_queries

NOW = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)


def seed(bench, partnership: Partnership) -> None:
    """The crafted data set: quarters Q1 to Q4 2026 in America/New_York."""
    pid = partnership.id
    with bench.session() as s:
        cloud = data.product_line(s, pid, "Cloud")
        security = data.product_line(s, pid, "Security")
        data.win(s, pid, date(2026, 2, 10), "60000", partner=("U_DANA",), line=cloud)
        data.win(s, pid, date(2026, 5, 5), "30000", partner=("U_PAT", "U_RAY"), line=cloud)
        data.win(
            s, pid, date(2026, 8, 20), "12000", partner=("U_PAT", "U_RAY", "U_SAM"), line=security
        )
        data.win(s, pid, date(2026, 10, 1), "9000", partner=("U_SAM",))
        data.win(s, pid, date(2026, 11, 2), "3000", partner=("U_EVE",), line=security)
        data.win(s, pid, date(2026, 11, 3), "10000", "EUR", partner=("U_DANA",), line=cloud)
        data.win(s, pid, date(2026, 9, 9), "5000")  # credits nobody at the partner
        data.win(s, pid, date(2026, 10, 10), None, partner=("U_DANA",))  # a milestone
        data.win(s, pid, date(2026, 10, 11), "1000000", partner=("U_EVE",), withdrawn=True)
        data.win(s, pid, date(2025, 6, 1), "999", partner=("U_EVE",))  # before the window

        data.review(s, pid, date(2026, 8, 4), ReviewStatus.HELD)
        data.review(s, pid, date(2026, 10, 6), ReviewStatus.HELD)
        data.review(s, pid, date(2026, 10, 20), ReviewStatus.SKIPPED)
        data.review(s, pid, date(2026, 12, 1), ReviewStatus.DUE)  # not due yet

        data.promise(s, pid, date(2026, 9, 1), PromiseState.KEPT, on_time=False)
        data.promise(s, pid, date(2026, 10, 15), PromiseState.KEPT, on_time=True)
        data.promise(s, pid, date(2026, 11, 1))  # overdue
        data.promise(s, pid, date(2026, 12, 1))

        data.proposal(
            s,
            pid,
            "Deal registration first",
            ProposalStatus.AGREED,
            decided_at=datetime(2026, 10, 5, 14, tzinfo=UTC),
        )
        data.rule(s, pid, 1, "Deal registration first")
        data.proposal(s, pid, "Leads within 24 hours")
        s.commit()


@pytest.fixture
def frozen():
    with freeze_time(NOW, tick=True):
        yield


def test_kpis_report_with_focus_list_and_chart_in_the_dm(bench, frozen):
    partnership = link_partnership(bench)
    seed(bench, partnership)
    bench.fake.reset_calls()

    response = bench.command("/partner", "kpis")
    assert response.status == 200
    report = response_json(response)
    assert report["response_type"] == "ephemeral"
    text = block_texts(report["blocks"])
    assert "KPIs: Acme Resellers" in text
    assert "Q1 2026 to Q4 2026" in text
    rows = text.split("```")[1].splitlines()
    assert rows[0].startswith("Q1 2026") and "wins   1  USD 60,000" in rows[0]
    assert "wins   1  USD 30,000" in rows[1]
    assert "wins   2  USD 17,000" in rows[2] and "reviews held 1/1" in rows[2]
    assert "promises kept on time 0/1" in rows[2]
    q4 = rows[3]
    assert "wins   4  EUR 10,000; USD 12,000" in q4
    assert "reviews held 1/2" in q4 and "promises kept on time 1/3" in q4
    assert "rules agreed 1" in q4
    assert "*Rules:* 1 in force, 1 proposal waiting for approval" in text
    assert "*Promises:* 2 open" in text
    assert "• Cloud: EUR 10,000; USD 90,000" in text
    assert "• Security: USD 15,000" in text
    assert "• (no product line): USD 14,000" in text

    # The focus list: exact ranking, shared wins split evenly, the smallest group to 80%.
    assert "*Focus, USD:* 3 of 5 partner reps bring 86.0% of the credited revenue" in text
    ranking = [
        line for line in text.splitlines() if line[:3] in ("1. ", "2. ", "3. ", "4. ", "5. ")
    ]
    assert ranking[:5] == [
        "1. <@U_DANA> USD 60,000 · 1 win · 52.6% (cumulative 52.6%) :dart:",
        "2. <@U_PAT> USD 19,000 · 2 wins · 16.7% (cumulative 69.3%) :dart:",
        "3. <@U_RAY> USD 19,000 · 2 wins · 16.7% (cumulative 86.0%) :dart:",
        "4. <@U_SAM> USD 13,000 · 2 wins · 11.4% (cumulative 97.4%)",
        "5. <@U_EVE> USD 3,000 · 1 win · 2.6% (cumulative 100.0%)",
    ]
    assert "Not credited to a partner rep: USD 5,000." in text
    assert "*Focus, EUR:* 1 of 1 partner reps bring 100.0%" in text

    # The chart: Slack's upload API, to the requester's DM, as a PNG.
    assert [c.args["users"] for c in bench.fake.calls_to("conversations.open")] == ["U_TM"]
    assert len(bench.fake.calls_to("files.getUploadURLExternal")) == 1
    complete = bench.fake.calls_to("files.completeUploadExternal")
    assert len(complete) == 1 and complete[0].args["channel_id"] == "DU_TM"
    (chart,) = bench.fake.files
    assert chart["completed"] and chart["filename"].endswith(".png")
    assert chart["content"].startswith(b"\x89PNG")
    assert len(chart["content"]) > 10_000


def test_the_kpis_button_refuses_the_partner_side(bench, frozen):
    partnership = link_partnership(bench)
    seed(bench, partnership)
    bench.click(Action.SHOW_KPIS, str(partnership.id), user="U_DANA", user_team=PARTNER)
    (answer,) = bench.fake.responses
    # the partner is told whose scorecard it is and whom to ask for a shared summary
    assert answer["text"] == (
        "The KPIs are Vendor Inc's own scorecard. Ask one of its owners (<@U_TM>, <@U_CAM>) "
        "to share a summary in the channel."
    )
    assert not bench.fake.files
    assert not bench.fake.calls_to("files.getUploadURLExternal")


def test_the_kpis_button_on_the_summary_card_works_for_the_vendor(bench, frozen):
    partnership = link_partnership(bench)
    summary = response_json(bench.command("/partner"))
    assert Action.SHOW_KPIS in str(summary["blocks"])
    bench.click(Action.SHOW_KPIS, str(partnership.id), user="U_CAM")
    (answer,) = bench.fake.responses
    assert "KPIs: Acme Resellers" in block_texts(answer["blocks"])
    assert bench.fake.files[0]["channel"] == "DU_CAM"


def test_an_owner_shares_a_summary_both_sides_see(bench, frozen):
    partnership = link_partnership(bench)
    seed(bench, partnership)
    bench.fake.add_user("U_VAL", "T_VENDOR", "Val Vendor")
    bench.click(Action.SHARE_KPIS, str(partnership.id), user="U_VAL")
    assert "Only the partnership's owners" in bench.fake.responses[-1]["text"]
    before = len(bench.fake.posts(CHANNEL))

    # the button shows what the partner will read, and posts nothing until confirmed
    bench.click(Action.SHARE_KPIS, str(partnership.id), user="U_TM")
    preview = bench.last_view()
    assert preview["callback_id"] == Callback.KPI_SHARE
    assert preview["submit"]["text"] == "Post it" and preview["close"]["text"] == "Cancel"
    previewed = block_texts(preview["blocks"])
    assert "This is what I'll post in <#C0SHARED>, where the people of Acme Resellers" in (
        previewed
    )
    assert len(bench.fake.posts(CHANNEL)) == before
    # someone else can't confirm it with a hand-made submission
    refused = bench.submit({}, user="U_VAL", view=preview)
    assert "Only the partnership's owners" in json.dumps(response_json(refused))
    assert len(bench.fake.posts(CHANNEL)) == before

    assert bench.submit({}, user="U_TM", view=preview).status == 200
    assert len(bench.fake.posts(CHANNEL)) == before + 1
    shared = block_texts(bench.fake.last_post(CHANNEL).blocks)
    # the preview was what was posted
    assert shared in previewed
    assert f"Partnership scorecard · Vendor Inc {TIMES} Acme Resellers" in shared
    assert "4 wins · EUR 10,000; USD 12,000" in shared
    assert "reviews held 1/2" in shared
    assert "U_DANA" not in shared  # who earned what stays internal


def test_kpis_in_a_channel_without_partnership(bench):
    response = bench.command("/partner", "kpis", channel="C0NOTHING")
    assert "isn't linked" in response_json(response)["text"]


@pytest.mark.parametrize("wins", [5, 500])
def test_kpis_query_count_does_not_grow_with_the_data(bench, engine, frozen, wins):
    partnership = link_partnership(bench)
    with bench.session() as s:
        for i in range(wins):
            data.win(
                s,
                partnership.id,
                date(2026, 1 + i % 10, 1 + i % 28),
                str(1000 + i),
                partner=(f"U_REP{i % 37}", f"U_REQ{i % 11}") if i % 3 else (f"U_REP{i % 5}",),
            )
        s.commit()
    bench.command("/partner", "kpis")  # people looked up once, like any later request
    with counting_queries(engine) as statements:
        bench.command("/partner", "kpis")
    assert len(statements) == EXPECTED_KPI_QUERIES, statements


# The partnership with its members (one query), then one aggregate query per KPI figure (deal
# registration's one when there are no registrations: tests/deals/test_deal_kpis_queries.py
# counts the rest): 5 or 500 wins; twice, since the chart for the DM is rendered from the
# database when it is sent, plus the outbox's three (declare, claim, record).
EXPECTED_KPI_QUERIES = 11 + 11 + 3
