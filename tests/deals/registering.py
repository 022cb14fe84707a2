"""Registering and deciding deals the way people do it: through Slack, against the fake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.domain.partners.names import TIMES
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import DealChange, Registration
from tests.bench.harness import CHANNEL, PARTNER, VENDOR, SlackBench, block_texts

TEAMS = {
    "U_TM": VENDOR,
    "U_CAM": VENDOR,
    "U_VAL": VENDOR,
    "U_VIC": VENDOR,
    "U_DANA": PARTNER,
    "U_PAT": PARTNER,
    "U_KIM": "T_PARTNER2",
    "U_OUT": "T_OTHER",
}
SECOND = "C0SECOND"  # the channel of a second partnership of the same vendor
JOINT = f"Vendor Inc {TIMES} Acme Resellers"  # both companies, as the bench names them


def deal_values(**overrides: Any) -> dict[str, dict[str, Any]]:
    """A valid registration (what Slack reports for the modal's fields)."""
    values = {
        B.DEAL_ACCOUNT: rq.text("Globex Corporation"),
        B.DEAL_DOMAIN: rq.text("globex.com"),
        B.DEAL_OPPORTUNITY: rq.text("300 seats, EMEA rollout"),
        B.DEAL_AMOUNT: rq.text("120k"),
        B.DEAL_CURRENCY: rq.text("EUR"),
        B.DEAL_NEW_PRODUCT_LINE: rq.text("Cloud Backup"),
        B.DEAL_CLOSE_ON: rq.date("2027-03-31"),
        B.DEAL_STAGE: rq.option("discovery"),
        B.DEAL_PARTNER_REP: rq.user(None),
        B.DEAL_NOTE: rq.text("Their CIO came to us after the Berlin event."),
    }
    values.update({str(k): v for k, v in overrides.items()})
    return values


def registrations(bench: SlackBench) -> list[Registration]:
    with bench.session() as session:
        found = list(session.scalars(select(Registration).order_by(Registration.id)))
        session.expunge_all()
        return found


def get(bench: SlackBench, registration_id: int) -> Registration:
    with bench.session() as session:
        found = session.get(Registration, registration_id)
        assert found is not None
        session.expunge_all()
        return found


def changes(bench: SlackBench, registration_id: int) -> list[DealChange]:
    with bench.session() as session:
        found = list(
            session.scalars(
                select(DealChange)
                .where(DealChange.registration_id == registration_id)
                .order_by(DealChange.id)
            )
        )
        session.expunge_all()
        return found


def register(
    bench: SlackBench,
    partnership_id: int,
    user: str = "U_DANA",
    channel: str = CHANNEL,
    **overrides: Any,
) -> Registration:
    """**Register a deal** on the partnership summary, pressed by ``user``; a valid form."""
    before = len(registrations(bench))
    response = bench.click(
        Action.DEAL_REGISTER, str(partnership_id), user=user, user_team=TEAMS[user], channel=channel
    )
    assert response.status == 200, response.body
    view = bench.last_view()
    assert view["callback_id"] == Callback.DEAL_REGISTER
    response = bench.submit(deal_values(**overrides), user=user, user_team=TEAMS[user], view=view)
    assert response.status == 200, response.body
    stored = registrations(bench)
    assert len(stored) == before + 1, f"the registration was refused: {response.body}"
    return stored[-1]


def card(bench: SlackBench, registration: Registration):
    """The registration's card in its channel, as it is now."""
    fresh = get(bench, registration.id)
    assert fresh.channel_id and fresh.message_ts, "the card was not posted"
    return bench.fake.message(fresh.channel_id, fresh.message_ts)


def card_text(bench: SlackBench, registration: Registration) -> str:
    message = card(bench, registration)
    return (message.text or "") + "\n" + block_texts(message.blocks)


def thread(bench: SlackBench, registration: Registration) -> list[Any]:
    fresh = get(bench, registration.id)
    return [
        m
        for m in bench.fake.posts(fresh.channel_id)
        if m.thread_ts == fresh.message_ts and m.ts != fresh.message_ts
    ]


def thread_texts(bench: SlackBench, registration: Registration) -> list[str]:
    return [(m.text or "") + "\n" + block_texts(m.blocks) for m in thread(bench, registration)]


def decide(
    bench: SlackBench,
    action: str,
    registration: Registration,
    user: str,
    values: dict[str, Any] | None = None,
):
    """Press a card button (Approve, Reject, Ask for more, Answer) and submit its modal."""
    fresh = get(bench, registration.id)
    views = len(bench.fake.views)
    response = bench.click(
        action,
        str(fresh.id),
        user=user,
        user_team=TEAMS[user],
        channel=fresh.channel_id,
        message={"ts": fresh.message_ts or "1.1", "text": ""},
    )
    assert response.status == 200, response.body
    if len(bench.fake.views) == views:
        return None  # refused: nothing opened
    return bench.submit(values or {}, user=user, user_team=TEAMS[user])


def dms(bench: SlackBench, user: str) -> list[Any]:
    return bench.fake.posts("D" + user)
