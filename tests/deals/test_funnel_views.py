"""The funnel as people read it: the review agenda's open registrations that matter most
(largest first, closing soonest, stale ones flagged), the whole funnel a page at a time, and
what people typed never turning into live markup anywhere the funnel shows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bot.domain.deals.funnel import funnel_page
from bot.domain.partners.names import Sides
from bot.domain.reviews.agenda import DealItem
from handlers.deals import funnel as views
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import DealStage, Partnership, Registration, RegistrationStatus, Side
from tests.bench.harness import OTHER, PARTNER, VENDOR, block_texts
from tests.bench.hostile import HOSTILE, live_markup
from tests.bench.scenarios import link_partnership
from tests.deals.funnel_flows import approved_deal, mark_lost, press, update
from tests.deals.registering import JOINT, thread
from tests.reviews.helpers import linked, prompts, set_cadence, tick

LINKED = datetime(2026, 11, 20, 15, tzinfo=UTC)
DUE = datetime(2026, 12, 7, 15, tzinfo=UTC)  # Monday 10:00 in New York


def add(
    bench,
    partnership: Partnership,
    number: int,
    account: str,
    amount: str | None,
    currency: str | None,
    close_on: date,
    *,
    status: RegistrationStatus = RegistrationStatus.APPROVED,
    updated_days_ago: int = 1,
    opportunity: str = "Renewal",
) -> None:
    """A registration written straight into the database (the funnel's reading is tested)."""
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    with bench.session() as session:
        session.add(
            Registration(
                partnership_id=partnership.id,
                vendor_team_id=partnership.vendor_team_id,
                number=number,
                account_name=account,
                account_key=account.lower()[:200],
                opportunity=opportunity,
                amount=Decimal(amount) if amount else None,
                currency=currency,
                close_on=close_on,
                stage=DealStage.PROPOSAL,
                partner_rep="U_DANA",
                status=status,
                registered_by="U_DANA",
                registered_by_side=Side.PARTNER,
                protected_until=now + timedelta(days=60)
                if status is RegistrationStatus.APPROVED
                else None,
                extensions=0,
                created_at=now - timedelta(days=60),
                updated_at=now - timedelta(days=updated_days_ago),
            )
        )
        session.commit()


def funnel_of(bench, partnership: Partnership) -> None:
    add(bench, partnership, 1, "Initech", "50000", "USD", date(2027, 1, 15))
    add(bench, partnership, 2, "Globex", "250000", "USD", date(2027, 3, 1), updated_days_ago=45)
    add(
        bench,
        partnership,
        3,
        "Umbrella",
        "250000",
        "USD",
        date(2027, 2, 1),
        status=RegistrationStatus.SUBMITTED,
    )
    add(bench, partnership, 4, "Hooli", "900000", "EUR", date(2027, 1, 10))
    add(bench, partnership, 5, "Soylent", None, None, date(2026, 12, 20))
    add(
        bench,
        partnership,
        6,
        "Wonka",
        "10000",
        "USD",
        date(2027, 1, 5),
        status=RegistrationStatus.LOST,
    )


def test_the_review_agenda_lists_the_deals_that_matter_most(bench, fake_slack):
    partnership = linked(bench, at=LINKED, country="US")
    other = linked(bench, at=LINKED, channel="C0OTHER")
    set_cadence(
        bench, partnership, every=1, weekday=0, at=time(10), starting=date(2026, 12, 7), now=LINKED
    )
    funnel_of(bench, partnership)
    add(bench, other, 1, "Massive Dynamic", "9000000", "USD", date(2027, 1, 1))
    tick(bench, DUE)
    [prompt] = prompts(fake_slack)
    [deals] = [b for b in prompt.blocks if "Open deal registrations" in block_texts([b])]
    text = block_texts([deals])
    assert "*Open deal registrations: 5, 1 with no update in 30 days*" in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    # USD (most of them) largest first, the tie closing sooner first; then EUR; no amount last
    assert [line.split()[1] for line in lines] == ["D-3", "D-2", "D-1", "D-4", "D-5"]
    assert "USD 250,000 · closes Mon 1 Feb 2027 · Proposal · waiting for a decision" in lines[0]
    assert ":warning: no update in 51 days" in lines[1]  # 45 days before 1 Dec, seen on 7 Dec
    assert ":warning:" not in lines[0] + lines[2] + lines[3] + lines[4]
    assert "Wonka" not in text and "Massive Dynamic" not in text
    assert deals["accessory"]["action_id"] == Action.DEAL_FUNNEL

    # either side sees the whole funnel from the button; an outsider doesn't
    for user, team in (("U_DANA", PARTNER), ("U_TM", VENDOR)):
        views_before = len(fake_slack.views)
        bench.click(
            Action.DEAL_FUNNEL,
            deals["accessory"]["value"],
            user=user,
            user_team=team,
            message={"ts": prompt.ts, "text": ""},
        )
        assert len(fake_slack.views) == views_before + 1
        assert bench.last_view()["title"]["text"] == "Deal funnel"
        funnel = block_texts(bench.last_view()["blocks"])
        assert f"*Open deal registrations* · {JOINT}: 5" in funnel
        order = [funnel.index(f"*D-{n}*") for n in (3, 2, 1, 4, 5)]
        assert order == sorted(order)
        assert "no update in 51 days" not in funnel  # the modal counts from today (1 Dec)
        # dates in the reader's own zone, named as people say it
        zone = "Berlin time" if user == "U_DANA" else "New York time"
        assert f"Dates are {zone}, your time zone." in funnel
    views_before = len(fake_slack.views)
    bench.click(Action.DEAL_FUNNEL, deals["accessory"]["value"], user="U_OUT", user_team=OTHER)
    assert len(fake_slack.views) == views_before
    assert "Only people from the two organizations" in fake_slack.responses[-1]["text"]


def test_the_whole_funnel_is_paged(bench, fake_slack):
    partnership = link_partnership(bench)
    for n in range(1, 46):
        add(bench, partnership, n, f"Account {n:02d}", str(1000 * n), "USD", date(2027, 1, 1))
    bench.click(Action.DEAL_FUNNEL, f"{partnership.id}:0", user="U_PAT", user_team=PARTNER)
    pages = []
    view = bench.last_view()
    while True:
        assert len(view["blocks"]) <= 100
        text = block_texts(view["blocks"])
        pages.append([line.split("*")[1] for line in text.splitlines() if line.startswith("*D-")])
        nav = [b for b in view["blocks"] if b["type"] == "actions"]
        nexts = [e for b in nav for e in b["elements"] if e["text"]["text"] == "Next"]
        if not nexts:
            break
        bench.click(
            Action.DEAL_FUNNEL_PAGE, nexts[0]["value"], user="U_PAT", user_team=PARTNER, view=view
        )
        view = fake_slack.views[view["id"]]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert pages[0][:3] == ["D-45", "D-44", "D-43"] and pages[2][-1] == "D-1"
    assert "41 to 45 of 45" in block_texts(view["blocks"])


def test_funnel_reads_take_the_same_queries_for_any_size(bench, session):
    partnership = link_partnership(bench)
    for n in range(1, 31):
        add(bench, partnership, n, f"Account {n}", str(n), "USD", date(2027, 1, 1))
    from sqlalchemy import event

    counted: list[str] = []
    engine = session.get_bind()
    listen = lambda *args: counted.append(args[2])  # noqa: E731 - the statement
    event.listen(engine, "before_cursor_execute", listen)
    try:
        page = funnel_page(session, partnership.id, datetime(2026, 12, 1, tzinfo=UTC), page=1)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert (page.total, len(page.registrations), page.pages) == (30, 10, 2)
    assert len(counted) == 3
    modal = views.funnel_modal(partnership, Sides("Vendor Inc", "Acme Resellers"), page, "UTC")
    assert "21 to 30 of 30" in block_texts(modal["blocks"])


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_stays_text_in_the_funnel(bench, fake_slack, hostile):
    typed = {
        B.DEAL_ACCOUNT: rq.text(f"Acme {hostile}"[:200]),
        B.DEAL_OPPORTUNITY: rq.text(f"Seats {hostile}"[:150]),
    }
    _partnership, deal = approved_deal(bench, **typed)
    update(bench, deal, "U_DANA", **{B.DEAL_STAGE: rq.option("commit")})
    press(bench, Action.DEAL_HISTORY, deal, "U_PAT")
    history = bench.last_view()
    bench.click(Action.DEAL_FUNNEL, f"{deal.partnership_id}:0", user="U_DANA", user_team=PARTNER)
    funnel = bench.last_view()
    mark_lost(bench, deal, "U_TM", hostile)
    lines = [(m.text, m.blocks) for m in thread(bench, deal)]
    assert any("marked it lost" in (text or "") for text, _blocks in lines)
    assert live_markup([history, funnel, lines]) == []
    item = DealItem("D-1", hostile, hostile, None, date(2027, 1, 1), "Commit", True, 40)
    assert live_markup(views.agenda_line(item)) == []
