"""Deal registration: anyone on either side registers; only the vendor's deal approvers (the
owners, and the vendor-side people the setup names) decide; the partner answers a question.

The world names no deal approver, so the owner (U_TM) decides and a vendor member doesn't; one
row names U_VENDOR2 a deal approver in a partnership of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import DealChange, DealChangeKind, Registration, RegistrationStatus
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CHANNEL, CONTACT, OWNER, Person, Seen, World
from tests.deals.registering import deal_values

# Each company is told who decides, by name: the vendor's people whom to ask to be one, the
# partner's where the decision will come.
NOT_AN_APPROVER = "Only the deal approvers at Vendor Inc decide on registrations"
DECIDED_AT_THE_VENDOR = "Deal registrations are decided at Vendor Inc by"
THE_PARTNER_ANSWERS = "Acme Resellers answers the question"


@dataclass(frozen=True)
class Registered:
    """A registration waiting for the vendor, and the modal a set-up opened on it (if any)."""

    registration: Registration
    channel: str = CHANNEL
    view: dict[str, Any] | None = None


def values(world: World) -> dict[str, Any]:
    return deal_values(
        **{B.DEAL_ACCOUNT: rq.text(f"Globex {world.n()}"), B.DEAL_DOMAIN: rq.text("")}
    )


def register_modal(world: World, partnership_id: int | None = None) -> dict[str, Any]:
    """ "Register a deal" on the partnership summary, pressed by the partner's contact."""
    pid = partnership_id or world.partnership_id
    return world.click(A.DEAL_REGISTER, str(pid), CONTACT).view(Callback.DEAL_REGISTER)


def register(world: World, partnership_id: int | None = None) -> Registration:
    seen = world.submit(register_modal(world, partnership_id), values(world), CONTACT)
    [registration] = world.rows(
        select(Registration).where(Registration.submission_key == seen.submitted_view_id)
    )
    assert registration.message_ts, "the card was not posted"
    return registration


def waiting(world: World) -> Registered:
    return Registered(register(world))


def waiting_with_named_approver(world: World) -> Registered:
    """A partnership whose setup names U_VENDOR2 a deal approver; U_DANA registers a deal."""
    partnership_id, channel = world.new_partnership(**{B.DEAL_APPROVERS: rq.users("U_VENDOR2")})
    return Registered(register(world, partnership_id), channel)


def press(world: World, target: Registered, action: str, who: Person) -> Seen:
    r = world.get(Registration, target.registration.id)
    return world.click(
        action, str(r.id), who, channel=target.channel, message={"ts": r.message_ts, "text": ""}
    )


def asked(world: World) -> Registered:
    """A registration the owner asked more about: waiting for the partner's answer."""
    target = waiting(world)
    view = press(world, target, A.DEAL_ASK, OWNER).view(Callback.DEAL_ASK)
    world.submit(view, {B.DEAL_QUESTION: rq.text("Who signs?")}, OWNER)
    assert world.get(Registration, target.registration.id).status is RegistrationStatus.MORE_INFO
    return target


def with_modal(make, action: str, callback: str, by: Person):
    def setup(world: World) -> Registered:
        target = make(world)
        view = press(world, target, action, by).view(callback)
        return Registered(target.registration, target.channel, view)

    return setup


# -- effects -------------------------------------------------------------------------------------


def registered(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [registration] = world.rows(
        select(Registration).where(Registration.submission_key == seen.submitted_view_id)
    )
    assert registration.registered_by == who.user
    assert registration.status is RegistrationStatus.SUBMITTED
    assert any(m.ts == registration.message_ts for m in seen.posts)


def decided(status: RegistrationStatus, kind: DealChangeKind):
    def check(world: World, target: Registered, who: Person, seen: Seen) -> None:
        r = world.get(Registration, target.registration.id)
        assert r.status is status
        [change] = world.rows(
            select(DealChange).where(DealChange.registration_id == r.id, DealChange.kind == kind)
        )
        assert change.changed_by == who.user
        said = [m.text or "" for m in seen.posts if m.thread_ts == r.message_ts]
        assert any(f"<@{who.user}>" in text for text in said), said

    return check


DECIDE_REFUSAL = says(
    NOT_AN_APPROVER,
    outsider=NOT_IN_PARTNERSHIP,
    partner_contact=DECIDED_AT_THE_VENDOR,
    partner_approver=DECIDED_AT_THE_VENDOR,
)
ANSWER_REFUSAL = says(THE_PARTNER_ANSWERS, outsider=NOT_IN_PARTNERSHIP)


def decision_rows(
    label: str, action: str, callback: str, submitted: dict[str, Any], effect: Any
) -> list[Action]:
    return [
        Action(
            f"deals: {label} (button)",
            setup=waiting,
            act=lambda world, target, who: press(world, target, action, who),
            effect=modal_opened(callback),
            refusal=DECIDE_REFUSAL,
        ),
        Action(
            f"deals: {label.lower()} (modal)",
            setup=with_modal(waiting, action, callback, OWNER),
            act=lambda world, target, who: world.submit(target.view, submitted, who),
            effect=effect,
            refusal=DECIDE_REFUSAL,
        ),
    ]


ACTIONS = [
    Action(
        "deals: Register a deal (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.DEAL_REGISTER, str(pid), who),
        effect=modal_opened(Callback.DEAL_REGISTER),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "deals: register a deal (modal)",
        setup=register_modal,
        act=lambda world, view, who: world.submit(view, values(world), who),
        effect=registered,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    *decision_rows(
        "Approve",
        A.DEAL_APPROVE,
        Callback.DEAL_APPROVE,
        {},
        decided(RegistrationStatus.APPROVED, DealChangeKind.APPROVED),
    ),
    *decision_rows(
        "Reject",
        A.DEAL_REJECT,
        Callback.DEAL_REJECT,
        {B.DEAL_REASON: rq.text("A named account of our direct team.")},
        decided(RegistrationStatus.REJECTED, DealChangeKind.REJECTED),
    ),
    *decision_rows(
        "Ask for more",
        A.DEAL_ASK,
        Callback.DEAL_ASK,
        {B.DEAL_QUESTION: rq.text("Who is the economic buyer?")},
        decided(RegistrationStatus.MORE_INFO, DealChangeKind.ASKED),
    ),
    Action(
        "deals: Approve, U_VENDOR2 named deal approver",
        setup=with_modal(waiting_with_named_approver, A.DEAL_APPROVE, Callback.DEAL_APPROVE, OWNER),
        act=lambda world, target, who: world.submit(target.view, {}, who),
        effect=decided(RegistrationStatus.APPROVED, DealChangeKind.APPROVED),
        refusal=says(
            f"{NOT_AN_APPROVER}: <@U_VENDOR2>",
            outsider=NOT_IN_PARTNERSHIP,
            partner_contact=f"{DECIDED_AT_THE_VENDOR} <@U_VENDOR2>.",
            partner_approver=f"{DECIDED_AT_THE_VENDOR} <@U_VENDOR2>.",
        ),
    ),
    Action(
        "deals: Answer (button)",
        setup=asked,
        act=lambda world, target, who: press(world, target, A.DEAL_ANSWER, who),
        effect=modal_opened(Callback.DEAL_ANSWER),
        refusal=ANSWER_REFUSAL,
    ),
    Action(
        "deals: answer (modal)",
        setup=with_modal(asked, A.DEAL_ANSWER, Callback.DEAL_ANSWER, CONTACT),
        act=lambda world, target, who: world.submit(
            target.view, {B.DEAL_ANSWER: rq.text("Their CFO.")}, who
        ),
        effect=decided(RegistrationStatus.SUBMITTED, DealChangeKind.ANSWERED),
        refusal=ANSWER_REFUSAL,
    ),
]

ACTIONS.append(
    Action(
        "/deal",
        setup=lambda world: CHANNEL,
        act=lambda world, channel, who: world.command("/deal", channel=channel, who=who),
        effect=modal_opened(Callback.DEAL_REGISTER),
        refusal=says(NOT_IN_PARTNERSHIP),
    )
)
