"""The shared funnel: who may update a deal's stage, amount and close date, mark it won or
lost, and extend its protection.

A deal U_DANA (the partner's sales contact, and so its partner rep) registered and the owner
approved. The partner side: its partner rep, whoever registered it and the partner's people
named in the partnership (U_DANA, U_PAT); the vendor side: the owners and deal approvers (the
world names none, so U_TM) and whoever registered it. U_VENDOR2, in the vendor's workspace but
named nowhere, is told whom to ask; an outsider learns nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import DealChange, DealChangeKind, Registration, RegistrationStatus, Win
from tests.authorization.deals import Registered, press, waiting
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import OWNER, Person, Seen, World

NOT_A_WORKER = "Only the partnership's owners, its deal approvers and whoever registered the deal"
REFUSAL = says(NOT_A_WORKER, outsider=NOT_IN_PARTNERSHIP)


@dataclass(frozen=True)
class Opened:
    """An approved deal and a modal the owner opened on it."""

    target: Registered
    view: dict[str, Any]


def approved(world: World) -> Registered:
    target = waiting(world)
    view = press(world, target, A.DEAL_APPROVE, OWNER).view(Callback.DEAL_APPROVE)
    world.submit(view, {}, OWNER)
    assert world.get(Registration, target.registration.id).status is RegistrationStatus.APPROVED
    return target


def opened(action: str, callback: str):
    def setup(world: World) -> Opened:
        target = approved(world)
        return Opened(target, press(world, target, action, OWNER).view(callback))

    return setup


def change_of(world: World, target: Registered, kind: DealChangeKind) -> DealChange:
    [change] = world.rows(
        select(DealChange).where(
            DealChange.registration_id == target.registration.id, DealChange.kind == kind
        )
    )
    return change


def in_thread(world: World, target: Registered, who: Person, seen: Seen) -> None:
    r = world.get(Registration, target.registration.id)
    said = [m.text or "" for m in seen.posts if m.thread_ts == r.message_ts]
    assert any(f"<@{who.user}>" in text for text in said), said


# -- the modals' submissions ---------------------------------------------------------------------


def update_values(view: dict[str, Any]) -> dict[str, Any]:
    shown = json.loads(view["private_metadata"])["opened"]
    return {
        B.DEAL_STAGE: rq.option("negotiation"),
        B.DEAL_AMOUNT: rq.text(shown["amount"]),
        B.DEAL_CURRENCY: rq.text(shown["currency"]),
        B.DEAL_CLOSE_ON: rq.date(shown["close_on"]),
    }


def updated(world: World, opened_: Opened, who: Person, seen: Seen) -> None:
    change = change_of(world, opened_.target, DealChangeKind.UPDATED)
    assert (change.changed_by, change.after) == (who.user, {"stage": "negotiation"})
    in_thread(world, opened_.target, who, seen)


def won_values(world: World) -> dict[str, Any]:
    return {
        B.WIN_HEADLINE: rq.text(f"Globex won {world.n()}"),
        B.WIN_KIND: rq.option("deal"),
        B.WIN_AMOUNT: rq.text("120k"),
        B.WIN_CURRENCY: rq.text("EUR"),
        B.WIN_CLOSED_ON: rq.date(world.today().isoformat()),
        B.WIN_PARTNER_CREDITS: rq.users("U_DANA"),
        B.WIN_VENDOR_CREDITS: rq.users(),
    }


def won(world: World, opened_: Opened, who: Person, seen: Seen) -> None:
    r = world.get(Registration, opened_.target.registration.id)
    assert r.status is RegistrationStatus.WON and r.win_id is not None
    assert world.get(Win, r.win_id).logged_by == who.user
    assert change_of(world, opened_.target, DealChangeKind.WON).changed_by == who.user
    in_thread(world, opened_.target, who, seen)


def lost(world: World, opened_: Opened, who: Person, seen: Seen) -> None:
    r = world.get(Registration, opened_.target.registration.id)
    assert (r.status, r.lost_reason) == (RegistrationStatus.LOST, "Budget frozen")
    assert change_of(world, opened_.target, DealChangeKind.LOST).changed_by == who.user
    in_thread(world, opened_.target, who, seen)


def extended(world: World, target: Registered, who: Person, seen: Seen) -> None:
    r = world.get(Registration, target.registration.id)
    assert r.extensions == 1
    assert change_of(world, target, DealChangeKind.EXTENDED).changed_by == who.user
    in_thread(world, target, who, seen)


def submit(values):
    def act(world: World, opened_: Opened, who: Person) -> Seen:
        chosen = values(opened_.view) if values is update_values else values(world)
        return world.submit(opened_.view, chosen, who)

    return act


def button(action: str):
    return lambda world, target, who: press(world, target, action, who)


ACTIONS = [
    Action(
        "deals: Update stage, amount, date (button)",
        setup=approved,
        act=button(A.DEAL_UPDATE),
        effect=modal_opened(Callback.DEAL_UPDATE),
        refusal=REFUSAL,
    ),
    Action(
        "deals: update stage, amount, date (modal)",
        setup=opened(A.DEAL_UPDATE, Callback.DEAL_UPDATE),
        act=submit(update_values),
        effect=updated,
        refusal=REFUSAL,
    ),
    Action(
        "deals: Mark won (button)",
        setup=approved,
        act=button(A.DEAL_WON),
        effect=modal_opened(Callback.DEAL_WON),
        refusal=REFUSAL,
    ),
    Action(
        "deals: mark won, the /win modal (modal)",
        setup=opened(A.DEAL_WON, Callback.DEAL_WON),
        act=submit(won_values),
        effect=won,
        refusal=REFUSAL,
    ),
    Action(
        "deals: Mark lost (button)",
        setup=approved,
        act=button(A.DEAL_LOST),
        effect=modal_opened(Callback.DEAL_LOST),
        refusal=REFUSAL,
    ),
    Action(
        "deals: mark lost (modal)",
        setup=opened(A.DEAL_LOST, Callback.DEAL_LOST),
        act=submit(lambda world: {B.DEAL_LOST_REASON: rq.text("Budget frozen")}),
        effect=lost,
        refusal=REFUSAL,
    ),
    Action(
        "deals: Extend the protection",
        setup=approved,
        act=button(A.DEAL_EXTEND),
        effect=extended,
        refusal=REFUSAL,
    ),
]
