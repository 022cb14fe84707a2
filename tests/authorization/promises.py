"""Promises: the vendor side makes them; the maker or an owner marks them made good, snoozes or
renegotiates; the person owed (or a named partner approver) confirms, answers a new date or
releases. The world's promise is made by U_TM (an owner) to U_DANA; U_PAT is the partner's
named approver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import Promise, PromiseState
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CONTACT, MEMBER, OWNER, PARTNER_NAME, Person, Seen, World
from tests.bench.harness import block_texts

NOT_VENDOR = "Only people at Vendor Inc can make promises to their partner."
NOT_OWED = f"Only <@U_DANA>, <@U_PAT> at {PARTNER_NAME}, to whom this promise was made"


def not_maker(maker: str) -> str:
    return f"Only <@{maker}>, who made this promise, or an owner of the {PARTNER_NAME} partnership"


@dataclass(frozen=True)
class Made:
    promise: Promise
    view: dict[str, Any] | None = None
    seq: int = 0  # the request for a new date the partner's buttons answer


def make_values(world: World, text: str) -> dict[str, Any]:
    return {
        B.PROMISE_OWED_TO: rq.user("U_DANA"),
        B.PROMISE_RAW_DEAL: rq.text("We took the Globex deal direct"),
        B.PROMISE_TEXT: rq.text(text),
        B.PROMISE_DUE: rq.date((world.today() + timedelta(days=14)).isoformat()),
    }


def make_modal(world: World, by: Person = OWNER) -> dict[str, Any]:
    """/promise in the shared channel."""
    return world.command("/promise", who=by).view(Callback.PROMISE_MAKE)


def make(world: World, by: Person = OWNER) -> Promise:
    text = f"Register your next three Globex opportunities first ({world.n()})"
    world.submit(make_modal(world, by), make_values(world, text), by)
    [promise] = world.rows(select(Promise).where(Promise.promise == text))
    return promise


def click(world: World, action: str, value: str, who: Person, **kwargs: Any) -> Seen:
    """Promise buttons are on DMs."""
    return world.click(action, value, who, channel=f"D{who.user}", **kwargs)


def open_by_owner(world: World) -> Made:
    return Made(make(world))


def open_by_member(world: World) -> Made:
    return Made(make(world, MEMBER))


def made_good(world: World) -> Made:
    """U_TM marked it made good; U_DANA is asked to confirm."""
    promise = make(world)
    view = click(world, A.PROMISE_MADE_GOOD, str(promise.id), OWNER).view(
        Callback.PROMISE_MADE_GOOD
    )
    world.submit(view, {B.PROMISE_NOTE: rq.text("Registered all three")}, OWNER)
    return Made(world.get(Promise, promise.id))


def with_modal(setup, action: str, callback: str, by: Person):
    def prepared(world: World) -> Made:
        target = setup(world)
        view = click(world, action, str(target.promise.id), by).view(callback)
        return Made(target.promise, view, target.seq)

    return prepared


def renegotiating(world: World) -> Made:
    """U_TM asked U_DANA to move the date; the agreed date stands until she accepts."""
    promise = make(world)
    view = click(world, A.PROMISE_RENEGOTIATE, str(promise.id), OWNER).view(
        Callback.PROMISE_RENEGOTIATE
    )
    world.submit(view, renegotiate_values(world), OWNER)
    stored = world.get(Promise, promise.id)
    assert stored.proposed_due_date is not None
    return Made(stored, seq=stored.proposal_seq)


def renegotiate_values(world: World) -> dict[str, Any]:
    return {
        B.PROMISE_NEW_DATE: rq.date((world.today() + timedelta(days=21)).isoformat()),
        B.PROMISE_REASON: rq.text("The Globex pipeline review moved."),
    }


def snooze(world: World, target: Made, who: Person) -> Seen:
    return click(world, A.PROMISE_SNOOZE, "", who, selected_option=f"{target.promise.id}:1d")


# -- effects -------------------------------------------------------------------------------------
def stored(world: World, target: Made) -> Promise:
    return world.get(Promise, target.promise.id)


def dm_to(seen: Seen, user: str) -> str:
    return "\n".join(
        (m.text or "") + block_texts(m.blocks) for m in seen.posts if m.channel == f"D{user}"
    )


def promise_made(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [promise] = world.rows(select(Promise).where(Promise.submission_key == seen.submitted_view_id))
    assert promise.maker_id == who.user and promise.state is PromiseState.OPEN
    assert dm_to(seen, "U_DANA") and dm_to(seen, who.user)


def marked_made_good(world: World, target: Made, who: Person, seen: Seen) -> None:
    assert stored(world, target).state is PromiseState.MADE_GOOD
    assert "confirm" in dm_to(seen, "U_DANA").lower()


def snoozed(world: World, target: Made, who: Person, seen: Seen) -> None:
    assert stored(world, target).snoozed_until is not None
    assert "Snoozed" in seen.told()


def date_asked(world: World, target: Made, who: Person, seen: Seen) -> None:
    promise = stored(world, target)
    assert promise.proposed_due_date == world.today() + timedelta(days=21)
    assert promise.proposed_by == who.user and promise.due_date == target.promise.due_date
    assert dm_to(seen, "U_DANA")


def closed(state: PromiseState):
    def check(world: World, target: Made, who: Person, seen: Seen) -> None:
        promise = stored(world, target)
        assert promise.state is state and promise.closed_by == who.user
        assert f"<@{who.user}>" in dm_to(seen, promise.maker_id)

    return check


def reopened(world: World, target: Made, who: Person, seen: Seen) -> None:
    assert stored(world, target).state is PromiseState.OPEN
    assert "isn't made good yet" in dm_to(seen, target.promise.maker_id)


def date_answered(accepted: bool):
    def check(world: World, target: Made, who: Person, seen: Seen) -> None:
        promise = stored(world, target)
        assert promise.proposed_due_date is None
        wanted = target.promise.proposed_due_date if accepted else target.promise.due_date
        assert promise.due_date == wanted
        assert f"<@{who.user}>" in dm_to(seen, promise.maker_id)

    return check


def answered(kind: str, told: str):
    """The partner's first answer is recorded and the maker hears of it by DM."""

    def check(world: World, target: Made, who: Person, seen: Seen) -> None:
        promise = stored(world, target)
        assert promise.state is PromiseState.OPEN
        assert [e.kind.value for e in promise.events][-1] == kind
        assert told in dm_to(seen, promise.maker_id)

    return check


MAKER_OR_OWNER = says(not_maker("U_TM"), outsider=NOT_IN_PARTNERSHIP)
OWED_OR_APPROVER = says(NOT_OWED, outsider=NOT_IN_PARTNERSHIP)

ACTIONS = [
    Action(
        "promises: make a promise (modal)",
        setup=make_modal,
        act=lambda world, view, who: world.submit(view, make_values(world, f"By {who.user}"), who),
        effect=promise_made,
        refusal=says(NOT_VENDOR),
    ),
    Action(
        "promises: I made good (button)",
        setup=open_by_owner,
        act=lambda world, target, who: click(
            world, A.PROMISE_MADE_GOOD, str(target.promise.id), who
        ),
        effect=modal_opened(Callback.PROMISE_MADE_GOOD),
        refusal=MAKER_OR_OWNER,
    ),
    Action(
        "promises: I made good (modal)",
        setup=with_modal(open_by_owner, A.PROMISE_MADE_GOOD, Callback.PROMISE_MADE_GOOD, OWNER),
        act=lambda world, target, who: world.submit(
            target.view, {B.PROMISE_NOTE: rq.text("Registered all three")}, who
        ),
        effect=marked_made_good,
        refusal=MAKER_OR_OWNER,
    ),
    Action(
        "promises: I made good, promise made by U_VENDOR2 (button)",
        setup=open_by_member,
        act=lambda world, target, who: click(
            world, A.PROMISE_MADE_GOOD, str(target.promise.id), who
        ),
        effect=modal_opened(Callback.PROMISE_MADE_GOOD),
        refusal=says(not_maker("U_VENDOR2"), outsider=NOT_IN_PARTNERSHIP),
    ),
    Action(
        "promises: Snooze",
        setup=open_by_owner,
        act=lambda world, target, who: snooze(world, target, who),
        effect=snoozed,
        refusal=MAKER_OR_OWNER,
    ),
    Action(
        "promises: Snooze, promise made by U_VENDOR2",
        setup=open_by_member,
        act=lambda world, target, who: snooze(world, target, who),
        effect=snoozed,
        refusal=says(not_maker("U_VENDOR2"), outsider=NOT_IN_PARTNERSHIP),
    ),
    Action(
        "promises: Renegotiate (button)",
        setup=open_by_owner,
        act=lambda world, target, who: click(
            world, A.PROMISE_RENEGOTIATE, str(target.promise.id), who
        ),
        effect=modal_opened(Callback.PROMISE_RENEGOTIATE),
        refusal=MAKER_OR_OWNER,
    ),
    Action(
        "promises: renegotiate (modal)",
        setup=with_modal(open_by_owner, A.PROMISE_RENEGOTIATE, Callback.PROMISE_RENEGOTIATE, OWNER),
        act=lambda world, target, who: world.submit(target.view, renegotiate_values(world), who),
        effect=date_asked,
        refusal=MAKER_OR_OWNER,
    ),
    Action(
        "promises: Confirm, it's made good",
        setup=made_good,
        act=lambda world, target, who: click(world, A.PROMISE_CONFIRM, str(target.promise.id), who),
        effect=closed(PromiseState.KEPT),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: Not yet (button)",
        setup=made_good,
        act=lambda world, target, who: click(world, A.PROMISE_NOT_YET, str(target.promise.id), who),
        effect=modal_opened(Callback.PROMISE_NOT_YET),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: not yet (modal)",
        setup=with_modal(made_good, A.PROMISE_NOT_YET, Callback.PROMISE_NOT_YET, CONTACT),
        act=lambda world, target, who: world.submit(
            target.view, {B.PROMISE_COMMENT: rq.text("Only two are registered.")}, who
        ),
        effect=reopened,
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: Accept the new date",
        setup=renegotiating,
        act=lambda world, target, who: click(
            world, A.PROMISE_ACCEPT_DATE, f"{target.promise.id}:{target.seq}", who
        ),
        effect=date_answered(accepted=True),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: Decline the new date",
        setup=renegotiating,
        act=lambda world, target, who: click(
            world, A.PROMISE_DECLINE_DATE, f"{target.promise.id}:{target.seq}", who
        ),
        effect=date_answered(accepted=False),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: Acknowledge",
        setup=open_by_owner,
        act=lambda world, target, who: click(
            world, A.PROMISE_ACKNOWLEDGE, str(target.promise.id), who
        ),
        effect=answered("acknowledged", "acknowledged your promise"),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: That's not what we agreed (button)",
        setup=open_by_owner,
        act=lambda world, target, who: click(world, A.PROMISE_DISPUTE, str(target.promise.id), who),
        effect=modal_opened(Callback.PROMISE_DISPUTE),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: that's not what we agreed (modal)",
        setup=with_modal(open_by_owner, A.PROMISE_DISPUTE, Callback.PROMISE_DISPUTE, CONTACT),
        act=lambda world, target, who: world.submit(
            target.view, {B.PROMISE_COMMENT: rq.text("We agreed on five, not three.")}, who
        ),
        effect=answered("disputed", "We agreed on five, not three."),
        refusal=OWED_OR_APPROVER,
    ),
    Action(
        "promises: Release",
        setup=open_by_owner,
        act=lambda world, target, who: click(world, A.PROMISE_RELEASE, str(target.promise.id), who),
        effect=closed(PromiseState.RELEASED),
        refusal=OWED_OR_APPROVER,
    ),
]
