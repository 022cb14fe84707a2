"""Common set-ups for flow tests, done the way a user does them (through Slack)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Partnership
from tests.bench.harness import CHANNEL, SlackBench


def setup_values(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = {
        B.CHANNEL: rq.conversation(CHANNEL),
        B.PARTNER_NAME: rq.text("Acme Resellers"),
        B.OWNERS: rq.users("U_TM", "U_CAM"),
        B.CONTACTS_EXECUTIVE: rq.users(),
        B.CONTACTS_SALES: rq.users("U_DANA"),
        B.CONTACTS_OPERATIONS: rq.users("U_PAT"),
        B.VENDOR_APPROVERS: rq.users(),
        B.PARTNER_APPROVERS: rq.users(),
        B.TIME_ZONE: rq.option("America/New_York"),
        B.HOLIDAY_COUNTRY: rq.text("US"),
    }
    values.update({str(k): v for k, v in overrides.items()})
    return values


def link_partnership(bench: SlackBench, channel: str = CHANNEL, **overrides: Any) -> Partnership:
    """/partner in ``channel`` by U_TM and a valid setup submission; returns the partnership."""
    bench.command("/partner", channel=channel)
    values = setup_values(**overrides)
    values[B.CHANNEL] = rq.conversation(channel)
    response = bench.submit(values)
    assert response.status == 200, response.body
    with bench.session() as session:
        partnership = session.scalar(select(Partnership).where(Partnership.channel_id == channel))
        assert partnership is not None, f"setup was refused: {response.body}"
        return partnership
