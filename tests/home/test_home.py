"""The App Home: published when opened, each person's own partnerships and what waits for them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from handlers.ids import Action
from storage.models.reviews import ReviewStatus
from tests.bench.harness import block_texts
from tests.bench.scenarios import link_partnership
from tests.kpis import data
from tests.kpis.queries import counting_queries

NOW = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with freeze_time(NOW, tick=True):
        yield


def open_home(bench, user: str) -> dict:
    bench.fake.reset_calls()
    response = bench.event({"type": "app_home_opened", "user": user, "tab": "home"})
    assert response.status == 200
    (call,) = bench.fake.calls_to("views.publish")
    assert call.args["user_id"] == user
    view = call.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def seed(bench, pid: int) -> None:
    with bench.session() as s:
        data.schedule(s, pid, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
        data.review(s, pid, date(2026, 8, 4), ReviewStatus.HELD)
        data.review(s, pid, date(2026, 10, 6), ReviewStatus.HELD)
        data.review(s, pid, date(2026, 10, 20), ReviewStatus.SKIPPED)
        data.win(s, pid, date(2026, 9, 30), "5000", partner=("U_DANA",), headline="Globex")
        data.win(s, pid, date(2026, 10, 2), "125000", partner=("U_DANA",), headline="Acme renewal")
        data.win(s, pid, date(2026, 11, 2), None, headline="Cloud line ramping")
        data.win(s, pid, date(2026, 11, 3), "99", withdrawn=True, headline="Withdrawn one")
        data.promise(s, pid, date(2026, 11, 1), text="Next lead is yours")
        data.promise(s, pid, date(2026, 12, 1), text="Joint webinar")
        data.promise(s, pid, date(2026, 12, 1), maker="U_CAM", text="Someone else's")
        data.proposal(s, pid, "Leads within 24 hours")
        s.commit()


def test_home_shows_the_persons_partnerships_and_what_waits_for_them(bench, frozen):
    partnership = link_partnership(bench)
    seed(bench, partnership.id)

    view = open_home(bench, "U_TM")
    text = block_texts(view["blocks"])
    assert "*Vendor Inc \N{MULTIPLICATION SIGN} Acme Resellers* · <#C0SHARED>" in text
    assert "Times are New York time, your time zone." in text
    assert "Next review: Tue 1 Dec 2026, 10:00 New York time" in text  # U_TM is in New York
    assert "Reviews held: 2 of 3 due this past year" in text
    assert "Wins this quarter: 2" in text
    assert "*Leads within 24 hours* (Acme Resellers, version 1) proposed by <@U_DANA>" in text
    assert "Next lead is yours" in text and ":red_circle: overdue" in text
    assert "Joint webinar" in text and "Someone else's" not in text
    assert "*Acme renewal* · Acme Resellers · USD 125,000 · Fri 2 Oct 2026" in text
    assert "Withdrawn one" not in text
    actions = [e.get("action_id") for b in view["blocks"] for e in b.get("elements", [])]
    assert {Action.LOG_WIN, Action.ROE_PROPOSE, Action.SHOW_KPIS, Action.HOME_REFRESH} <= set(
        actions
    )

    # Each reader sees the next review in their own time zone.
    assert "Next review: Tue 1 Dec 2026, 09:00 Chicago time" in block_texts(
        open_home(bench, "U_CAM")["blocks"]
    )


def test_partner_side_home_has_no_internal_figures(bench, frozen):
    partnership = link_partnership(bench)
    seed(bench, partnership.id)
    view = open_home(bench, "U_DANA")
    text = block_texts(view["blocks"])
    assert "Acme Resellers" in text and "Next review: Tue 1 Dec 2026, 16:00 Berlin time" in text
    assert "Reviews held" not in text
    # No commands they can't run, nothing they can't do: they make no promises of their own.
    assert "`/" not in text and "Your open promises" not in text
    # What they are waited on for instead: the promises made to them.
    assert "Promises made to you" in text and "Joint webinar" in text
    assert Action.SHOW_KPIS not in str(view)
    # Their own proposal waits for the vendor side, not for them.
    assert "Leads within 24 hours" not in text


def test_refresh_button_publishes_again(bench):
    link_partnership(bench)
    bench.fake.reset_calls()
    bench.click(
        Action.HOME_REFRESH, user="U_TM", channel=None, view={"id": "VHOME", "type": "home"}
    )
    assert [c.args["user_id"] for c in bench.fake.calls_to("views.publish")] == ["U_TM"]


def test_someone_with_no_partnership_gets_a_pointer_they_can_follow(bench):
    text = block_texts(open_home(bench, "U_CAM")["blocks"])  # the vendor's: they can link
    assert "run `/partner` to link it" in text
    text = block_texts(open_home(bench, "U_OUT")["blocks"])  # another company's: they can't
    assert "`/partner`" not in text
    assert "When a company you work with names you as a contact in partnerbot" in text


def test_the_busiest_home_stays_within_slack_limits(bench, frozen):
    first = link_partnership(bench)
    pids = [first.id] + [
        link_partnership(bench, channel=f"C0SHARED{i:02d}").id for i in range(1, 20)
    ]
    with bench.session() as s:
        for pid in pids:
            data.schedule(s, pid, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
            data.proposal(s, pid, "A" * 150)
            data.promise(s, pid, date(2026, 11, 1), text="P" * 3000)
            data.win(s, pid, date(2026, 11, 2), "1000000000", headline="W" * 150)
        s.commit()
    view = open_home(bench, "U_TM")
    assert len(view["blocks"]) <= 100
    text = block_texts(view["blocks"])
    assert "…and 5 more." in text  # 20 partnerships, 15 shown
    assert "…and more, each waiting in its thread in the partnership's channel." in text


def test_home_queries_do_not_grow_with_the_data(bench, engine, frozen):
    counts = []
    for round_, extra in enumerate((1, 40)):
        channel = f"C0ROUND{round_}"
        pid = link_partnership(bench, channel=channel).id
        with bench.session() as s:
            for i in range(extra):
                data.win(s, pid, date(2026, 10, 1 + i % 28), "100", partner=("U_DANA",))
                data.promise(s, pid, date(2026, 12, 1))
            s.commit()
        open_home(bench, "U_TM")  # profiles looked up once
        with counting_queries(engine) as statements:
            open_home(bench, "U_TM")
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
