"""The App Home shows partner names, rule titles, promises and win headlines only as text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.domain.home.dashboard import ApprovalLine, Dashboard, PartnershipLine, PromiseLine, WinLine
from handlers.home.tab import home_view
from storage.models import PartnershipStatus, Side
from tests.bench.hostile import HOSTILE
from tests.rules.test_hostile_text import assert_inert, partnership, shown

NEXT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def board(h: str) -> Dashboard:
    active = partnership(h)
    paused = partnership(h)
    paused.status = PartnershipStatus.DISCONNECTED
    return Dashboard(
        user_id="U_TM",
        team_id="T_VENDOR",
        tz="America/New_York",
        partnerships=[
            PartnershipLine(active, Side.VENDOR, NEXT, reviews_due=3, reviews_held=2),
            PartnershipLine(paused, Side.PARTNER),
        ],
        more_partnerships=2,
        promises=[
            PromiseLine(1, h, "U_DANA", h, date(2026, 11, 1), True, False),
            PromiseLine(2, h, "U_DANA", h, date(2026, 12, 1), False, True),
        ],
        more_promises=1,
        overdue_promises=1,
        approvals=[ApprovalLine(1, 2, h, "C0SHARED", h, "U_DANA")],
        more_approvals=True,
        recent_wins=[
            WinLine(h, h, Decimal("125000"), "USD", date(2026, 10, 2)),
            WinLine(h, h, None, None, date(2026, 10, 3)),
        ],
        sections={"reviews", "wins", "promises", "rules"},
    )


@pytest.mark.parametrize("h", HOSTILE)
def test_app_home_shows_hostile_text_as_text(h):
    view = home_view(board(h))
    assert_inert(view, h)
    text = shown(view)
    assert "· <#C0SHARED>" in text  # the links we mean stay live
    assert "proposed by <@U_DANA>: approve it in the thread in <#C0SHARED>" in text
    assert "· to <@U_DANA> · due" in text
    assert len(view["blocks"]) <= 100


def test_an_empty_home_is_inert():
    assert_inert(home_view(Dashboard("U_X", None, "UTC", [], sections={"promises"})))
