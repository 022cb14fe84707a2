"""Working the shared funnel the way people do: the card's buttons, their modals, the thread."""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Partnership, Registration
from tests.bench.harness import SlackBench, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.deals.registering import TEAMS, decide, get, register


def approved_deal(bench: SlackBench, **overrides: Any) -> tuple[Partnership, Registration]:
    """A partnership, and a deal U_DANA registered and U_TM approved."""
    partnership = link_partnership(bench)
    registration = register(bench, partnership.id, "U_DANA", **overrides)
    decide(bench, Action.DEAL_APPROVE, registration, "U_TM")
    return partnership, get(bench, registration.id)


def press(bench: SlackBench, action: str, registration: Registration, user: str) -> Any:
    """Press a funnel button on the registration's card; the response."""
    fresh = get(bench, registration.id)
    response = bench.click(
        action,
        str(fresh.id),
        user=user,
        user_team=TEAMS[user],
        channel=fresh.channel_id,
        message={"ts": fresh.message_ts or "1.1", "text": ""},
    )
    assert response.status == 200, response.body
    return response


def opened(bench: SlackBench, callback: str) -> dict[str, Any] | None:
    """The modal a press just opened, if it is a ``callback`` one."""
    if not bench.fake.views:
        return None
    view = bench.last_view()
    return view if view.get("callback_id") == callback else None


def update_values(view: dict[str, Any], **changes: dict[str, Any]) -> dict[str, Any]:
    """What Slack reports for the update modal: its pre-filled values, with ``changes``."""
    shown = json.loads(view["private_metadata"])["opened"]
    values: dict[str, Any] = {
        B.DEAL_STAGE: rq.option(shown["stage"]),
        B.DEAL_AMOUNT: rq.text(shown["amount"] or ""),
        B.DEAL_CURRENCY: rq.text(shown["currency"] or ""),
        B.DEAL_CLOSE_ON: rq.date(shown["close_on"]),
    }
    values.update({str(k): v for k, v in changes.items()})
    return values


def open_update(bench: SlackBench, registration: Registration, user: str) -> dict[str, Any]:
    views = len(bench.fake.views)
    press(bench, Action.DEAL_UPDATE, registration, user)
    assert len(bench.fake.views) == views + 1, "the update modal didn't open"
    view = opened(bench, Callback.DEAL_UPDATE)
    assert view is not None
    return view


def update(
    bench: SlackBench, registration: Registration, user: str, **changes: dict[str, Any]
) -> dict[str, Any]:
    """Open the update modal as ``user``, change some fields and save; the JSON answer."""
    view = open_update(bench, registration, user)
    response = bench.submit(
        update_values(view, **changes), user=user, user_team=TEAMS[user], view=view
    )
    assert response.status == 200, response.body
    return response_json(response)


def mark_lost(bench: SlackBench, registration: Registration, user: str, reason: str) -> Any:
    views = len(bench.fake.views)
    press(bench, Action.DEAL_LOST, registration, user)
    if len(bench.fake.views) == views:
        return None
    view = opened(bench, Callback.DEAL_LOST)
    assert view is not None
    return bench.submit(
        {B.DEAL_LOST_REASON: rq.text(reason)}, user=user, user_team=TEAMS[user], view=view
    )


def card_buttons(bench: SlackBench, registration: Registration) -> list[str]:
    fresh = get(bench, registration.id)
    message = bench.fake.message(fresh.channel_id, fresh.message_ts)
    return [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def view_text(view: dict[str, Any]) -> str:
    return block_texts(view.get("blocks"))
