"""Set-ups for the wins tests: a linked partnership and a win logged through the modal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Win
from tests.bench.harness import SlackBench


def win_values(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A valid win submission (what Slack reports for the modal's fields)."""
    values = {
        B.WIN_HEADLINE: rq.text("Acme renewal"),
        B.WIN_KIND: rq.option("deal"),
        B.WIN_AMOUNT: rq.text("125,000"),
        B.WIN_CURRENCY: rq.text("USD"),
        B.WIN_NEW_PRODUCT_LINE: rq.text("Cloud Backup"),
        B.WIN_CLOSED_ON: rq.date("2026-11-30"),
        B.WIN_PARTNER_CREDITS: rq.users("U_DANA"),
        B.WIN_VENDOR_CREDITS: rq.users("U_TM", "U_CAM"),
        B.WIN_STORY: rq.text("Dana brought us in early; Casey ran the proof of concept."),
    }
    values.update({str(k): v for k, v in overrides.items()})
    return values


def wins(bench: SlackBench) -> list[Win]:
    with bench.session() as session:
        found = list(session.scalars(select(Win).order_by(Win.id)))
        for win in found:
            _ = win.credits, win.product_line
        session.expunge_all()
        return found


def log_win(bench: SlackBench, text: str = "", **overrides: Any) -> Win:
    """/win by U_TM in the shared channel and a valid submission; returns the stored win."""
    before = len(wins(bench))
    bench.command("/win", text)
    response = bench.submit(win_values(**overrides))
    assert response.status == 200, response.body
    stored = wins(bench)
    assert len(stored) == before + 1, f"the win was refused: {response.body}"
    return stored[-1]
