"""Deal registration's KPIs from a known data set: in the domain (SQLite and PostgreSQL), in
`/partner kpis` and its shared scorecard, on the App Home and in the records export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.domain.deals.kpis import deal_figures, open_deals
from handlers.ids import Action
from storage.engine import make_session_factory
from storage.models import (
    Base,
    ContactRole,
    DealChangeKind,
    Member,
    Partnership,
    PartnershipStatus,
    RegistrationStatus,
    Side,
    Workspace,
)
from tests.bench.harness import CHANNEL, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.deals import deal_data as dd
from tests.deals.registering import JOINT
from tests.kpis.test_export import unzip

NY = ZoneInfo("America/New_York")
STARTED = datetime(2026, 1, 10, 15, tzinfo=UTC)  # the partnership was linked
APPROVED, REJECTED = DealChangeKind.APPROVED, DealChangeKind.REJECTED
S = RegistrationStatus


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def seed(s: Session, pid: int, other_pid: int) -> None:
    """Quarters Q1 to Q4 2026 (America/New_York). Seven registrations in the period, one
    before it; six decisions in it (five approved) after 6, 12, 24, 30, 48 and 72 hours."""
    h = timedelta(hours=1)
    r1 = dd.registration(s, pid, at(date(2026, 2, 1)), decided=(APPROVED, 48 * h))
    dd.won(s, r1, date(2026, 3, 1), "50000")
    r2 = dd.registration(
        s,
        pid,
        at(date(2026, 5, 1)),
        S.APPROVED,
        amount="100000",
        rep="U_PAT",
        decided=(APPROVED, 24 * h),
    )
    r3 = dd.registration(s, pid, at(date(2026, 6, 1)), S.REJECTED, decided=(REJECTED, 72 * h))
    dd.conflict(s, r3, r1)
    r4 = dd.registration(
        s, pid, at(date(2026, 11, 20)), amount="20000", currency="EUR", rep="U_RAY"
    )
    dd.conflict(s, r4, r2)
    # Before the period: its decision doesn't count, but it is still in the pipeline.
    dd.registration(
        s,
        pid,
        at(date(2025, 12, 15)),
        S.APPROVED,
        amount="30000",
        currency="EUR",
        rep="U_PAT",
        decided=(APPROVED, 24 * h),
    )
    dd.registration(s, pid, at(date(2026, 7, 1)), S.APPROVED, rep=None, decided=(APPROVED, 6 * h))
    r7 = dd.registration(s, pid, at(date(2026, 3, 1)), decided=(APPROVED, 12 * h))
    dd.won(s, r7, date(2026, 3, 20), "1000000", withdrawn=True)  # a withdrawn win
    r8 = dd.registration(s, pid, at(date(2026, 8, 1)), rep="U_PAT", decided=(APPROVED, 30 * h))
    dd.won(s, r8, date(2026, 10, 5), "8000.50", "EUR")
    # Another partnership of the vendor: none of it counts here.
    o = dd.registration(
        s, other_pid, at(date(2026, 6, 1)), S.APPROVED, amount="999", decided=(APPROVED, h)
    )
    dd.won(s, dd.registration(s, other_pid, at(date(2026, 6, 2))), date(2026, 9, 1), "777")
    dd.conflict(s, o, r1)
    s.add(
        Member(
            partnership_id=pid, user_id="U_ERIK", side=Side.PARTNER, contact_role=ContactRole.SALES
        )
    )
    s.commit()


def period() -> tuple[datetime, datetime, date, date]:
    first, end = date(2026, 1, 1), date(2027, 1, 1)
    return datetime(2026, 1, 1, tzinfo=NY), datetime(2027, 1, 1, tzinfo=NY), first, end


def check(figures) -> None:
    assert figures.registrations_total == 8
    assert figures.registrations == 7
    assert figures.conflicts == 2
    assert (figures.approved, figures.rejected, figures.approval_percent) == (5, 1, 83)
    assert figures.median_decision == timedelta(hours=27)  # (24 + 30) / 2
    assert figures.pipeline_deals == 3
    assert figures.pipeline == {"EUR": Decimal("30000"), "USD": Decimal("100000")}
    assert figures.won == 2
    assert figures.revenue == {"EUR": Decimal("8000.50"), "USD": Decimal("50000")}
    assert [(r.user_id, r.days, r.registrations) for r in figures.reps] == [
        ("U_PAT", 0, 3),  # registered before the partnership was linked: counted from day 0
        ("U_DANA", 22, 3),
        ("U_RAY", 314, 1),
    ]
    assert figures.median_rep_days == 22
    assert figures.reps_waiting == ["U_ERIK"]


def linked_directly(session: Session) -> tuple[Partnership, Partnership]:
    session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=STARTED))
    session.flush()
    made = [
        Partnership(
            channel_id=channel,
            partner_name=name,
            vendor_team_id="T_VENDOR",
            partner_team_id="T_PARTNER",
            status=PartnershipStatus.ACTIVE,
            time_zone="America/New_York",
            created_by="U_TM",
            created_at=STARTED,
            updated_at=STARTED,
        )
        for channel, name in ((CHANNEL, "Acme Resellers"), ("C0OTHER", "Initech"))
    ]
    session.add_all(made)
    session.flush()
    return made[0], made[1]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_figures_from_a_known_data_set(request, backend: str) -> None:
    if backend == "sqlite":
        engine = request.getfixturevalue("engine")
    else:
        engine = request.getfixturevalue("pg_engine")
        Base.metadata.create_all(engine)
    with make_session_factory(engine)() as s:
        acme, other = linked_directly(s)
        seed(s, acme.id, other.id)
        check(deal_figures(s, acme, *period()))
        lines = open_deals(s, [acme.id, other.id])
        assert (lines[acme.id].waiting, lines[acme.id].approved) == (1, 3)
        assert lines[acme.id].pipeline == {"EUR": Decimal("30000"), "USD": Decimal("100000")}
        assert (lines[other.id].waiting, lines[other.id].approved) == (0, 1)


def test_a_partnership_without_registrations_says_so(session) -> None:
    acme, _ = linked_directly(session)
    figures = deal_figures(session, acme, *period())
    assert (figures.registrations_total, figures.decided, figures.median_decision) == (0, 0, None)
    assert figures.approval_percent is None and figures.pipeline == {} and figures.reps == []


def seeded(bench) -> Partnership:
    acme = link_partnership(bench)
    other = link_partnership(bench, channel="C0OTHER")
    with bench.session() as s:
        s.execute(update(Partnership).values(created_at=STARTED))
        seed(s, acme.id, other.id)
    return acme


def test_the_scorecard_the_shared_summary_and_the_app_home_show_them(bench) -> None:
    acme = seeded(bench)
    text = block_texts(response_json(bench.command("/partner", "kpis"))["blocks"])
    assert "*Deal registration, Q1 2026 to Q4 2026*" in text
    assert (
        "• 7 registered · approved 5 of 6 decided (83%), median time to decision 27 hours · "
        "2 flagged as conflicts" in text
    )
    assert "• Partner-sourced pipeline (approved, open): 3 deals · EUR 30,000; USD 100,000" in text
    assert (
        "• Partner-sourced revenue (wins from registrations): 2 wins · EUR 8,000.50; USD 50,000"
        in text
    )
    assert (
        "*Time to first registered deal* (from the partnership's start): median 22 days over "
        "3 partner reps" in text
    )
    assert "<@U_PAT> 0 days · 3 registrations\n<@U_DANA> 22 days · 3 registrations" in text
    assert "<@U_RAY> 314 days · 1 registration" in text
    assert "No deal registered yet: <@U_ERIK>" in text

    bench.click(Action.SHARE_KPIS, str(acme.id), user="U_TM")
    preview = bench.last_view()
    assert "*Deal registration*" in block_texts(preview["blocks"])  # shown before it's posted
    assert bench.submit({}, user="U_TM", view=preview).status == 200
    shared = block_texts(bench.fake.last_post(CHANNEL).blocks)
    assert "*Deal registration*\n• 7 registered · approved 5 of 6 decided (83%)" in shared
    assert "Partner-sourced revenue (wins from registrations): 2 wins" in shared
    assert "conflict" not in shared  # which deals collided is the vendor's to know
    assert "U_PAT" not in shared and "U_ERIK" not in shared  # nor who registered what

    response = bench.event({"type": "app_home_opened", "user": "U_TM", "tab": "home"})
    assert response.status == 200
    home = block_texts(bench.fake.calls_to("views.publish")[-1].args["view"]["blocks"])
    assert "Deal registrations" in home
    assert f"• *{JOINT}* · 1 waiting for a decision · 3 approved: EUR 30,000; USD 100,000" in home
    # the partner's people read whom the decision waits for, by name
    bench.event({"type": "app_home_opened", "user": "U_DANA", "tab": "home"})
    published = bench.fake.calls_to("views.publish")[-1].args["view"]["blocks"]
    home = block_texts(published)
    buttons = [e for b in published if b["type"] == "actions" for e in b["elements"]]
    assert Action.DEAL_REGISTER in [e["action_id"] for e in buttons]  # a way in from Home
    assert f"• *{JOINT}* · 1 waiting for a decision from Vendor Inc · 3 approved" in home


def test_a_scorecard_without_registrations_points_at_the_button(bench) -> None:
    link_partnership(bench)
    text = block_texts(response_json(bench.command("/partner", "kpis"))["blocks"])
    assert "*Deal registration:* no deals registered yet" in text
    assert "*Register a deal* on the partnership summary" in text


def test_the_export_holds_the_deal_kpis_and_each_reps_first_deal(bench) -> None:
    seeded(bench)
    bench.command("/partner", "export", user="U_TM")
    (upload,) = bench.fake.files
    files = unzip(upload["content"])
    figures = {
        (r["measure"], r["currency"]): (r["period"], r["value"]) for r in files["deal_kpis.csv"]
    }
    year = "Q1 2026 to Q4 2026"
    assert figures[("registrations", "")] == (year, "7")
    assert figures[("approval_percent", "")] == (year, "83")
    assert figures[("median_hours_to_decision", "")] == (year, "27.00")
    assert figures[("flagged_as_conflicts", "")] == (year, "2")
    assert figures[("pipeline", "USD")] == ("now", "100000.00")
    assert figures[("revenue_from_registrations", "EUR")] == (year, "8000.50")
    reps = [
        (r["partner_rep"], r["days_from_partnership_start"], r["registrations"])
        for r in files["deal_reps.csv"]
    ]
    assert reps == [
        ("U_PAT", "0", "3"),
        ("U_DANA", "22", "3"),
        ("U_RAY", "314", "1"),
        ("U_ERIK", "", "0"),
    ]
    # The registrations themselves are records like any other.
    assert len(files["deal_registrations.csv"]) == 8


def test_a_decision_the_crm_made_is_not_counted_as_the_vendors(session) -> None:
    acme, _ = linked_directly(session)
    imported = dd.registration(
        session,
        acme.id,
        at(date(2026, 5, 1)),
        S.APPROVED,
        amount="10",
        decided=(APPROVED, timedelta(0)),
    )
    imported.decided_by = "import"
    session.commit()
    figures = deal_figures(session, acme, *period())
    assert (figures.registrations, figures.decided, figures.pipeline_deals) == (1, 0, 1)
