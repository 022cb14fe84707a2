"""Listeners for /deal, the **Register a deal** buttons, the registration modal and the
vendor's decisions on the card (Approve, Reject, Ask for more) and the partner's Answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.deals import records
from bot.domain.deals import service as deals
from bot.domain.deals.form import DealForm
from bot.domain.deals.service import Decision
from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from bot.domain.people import Actor
from bot.domain.wins import records as win_records
from bot.domain.wins.form import parse_date
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.deals import modals, senders
from handlers.effects import declare
from handlers.ids import VALUE, Action, Callback
from handlers.ids import Block as B
from handlers.subjects import (
    button_id,
    button_partnership,
    form_id,
    optional_id,
    picked_partnership,
)
from storage.models import DealChangeKind, DealStage, Partnership, Registration, Side

NO_PARTNERSHIP = (
    "You're not part of a partnership yet. Run `/partner` in the channel you share with a "
    "partner to link it, then register deals there."
)

RECORDED = {
    DealChangeKind.APPROVED: "Your approval",
    DealChangeKind.REJECTED: "Your rejection",
    DealChangeKind.ASKED: "Your question",
    DealChangeKind.ANSWERED: "Your answer",
}


def new_draft(session: Session, actor: Actor, partnership: Partnership | None) -> DealForm:
    """A new registration's form: the partner's registrant is its rep unless they name
    another; the currency is the one the partnership's wins were last logged in."""
    side = partnerships.actor_side(partnership, actor) if partnership else Side.VENDOR
    return DealForm(
        partnership_id=partnership.id if partnership else None,
        account="",
        opportunity="",
        close_on=None,
        stage=DealStage.QUALIFYING.value,
        currency=win_records.last_currency(session, partnership.id) if partnership else "",
        partner_rep=actor.user_id if side is Side.PARTNER else None,
    )


def open_register(
    ack: TrackedAck,
    client: WebClient,
    session: Session,
    body: dict[str, Any],
    partnership: Partnership | None,
) -> None:
    actor = directory.actor_of(body)
    choices: list[Partnership] = []
    if partnership is None:
        choices = win_records.partnerships_to_choose(session, actor)
        if not choices:
            raise DomainError(NO_PARTNERSHIP)
    else:
        partnerships.require_side(partnership, actor)
    defaults = modals.DealModalDefaults(
        draft=new_draft(session, actor, partnership),
        partnership=partnership,
        choices=choices,
        lines=win_records.product_lines(session, partnership.id) if partnership else [],
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
        names=sides(session, partnership) if partnership else None,
        side=partnerships.actor_side(partnership, actor) if partnership else Side.VENDOR,
    )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modals.register_modal(defaults))


def register_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """``/deal``: the registration modal (the vendor side registers on a partner's behalf)."""
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    open_register(ack, client, session, body, partnership)


@listener
def register_button(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """**Register a deal** on the partnership summary and the review prompt."""
    open_register(ack, client, session, body, button_partnership(session, body))


def read_form(body: dict[str, Any]) -> DealForm:
    meta = forms.metadata(body)
    picked = forms.option(body, B.DEAL_PARTNERSHIP)
    return DealForm(
        partnership_id=optional_id(picked or meta.get("partnership_id")),
        account=forms.text(body, B.DEAL_ACCOUNT),
        domain=forms.text(body, B.DEAL_DOMAIN),
        opportunity=forms.text(body, B.DEAL_OPPORTUNITY),
        amount=forms.text(body, B.DEAL_AMOUNT),
        currency=forms.text(body, B.DEAL_CURRENCY),
        product_line_id=optional_id(forms.option(body, B.DEAL_PRODUCT_LINE)),
        new_product_line=forms.text(body, B.DEAL_NEW_PRODUCT_LINE),
        close_on=parse_date(forms.date(body, B.DEAL_CLOSE_ON)),
        stage=forms.option(body, B.DEAL_STAGE),
        partner_rep=forms.user(body, B.DEAL_PARTNER_REP),
        note=(forms.element(body, B.DEAL_NOTE).get("value") or "").strip(),
    )


@listener
def partnership_picked(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """Choosing the partnership in the modal loads its product lines."""
    ack()
    actor = directory.actor_of(body)
    draft = read_form(body)
    partnership = picked_partnership(session, draft.partnership_id, actor)
    view = body["view"]
    defaults = modals.DealModalDefaults(
        draft=draft,
        partnership=partnership,
        choices=win_records.partnerships_to_choose(session, actor),
        lines=win_records.product_lines(session, partnership.id) if partnership else [],
        channel_id=forms.metadata(body).get("channel_id"),
        names=sides(session, partnership) if partnership else None,
        side=partnerships.actor_side(partnership, actor) if partnership else Side.VENDOR,
    )
    client.views_update(
        view_id=view["id"], hash=view.get("hash"), view=modals.register_modal(defaults)
    )


@listener
def submit_register(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor = directory.actor_of(body)
    form = read_form(body)
    view_id = body["view"]["id"]
    if deals.registered(session, view_id) is None:
        # Who may, before anyone is looked up in Slack.
        deals.require_registrable(session, form, actor)
        directory.refresh(client, session, [actor.user_id, *filter(None, [form.partner_rep])])
    tz = people.time_zone_of(session, actor.user_id)
    done = deals.register(session, form, actor, view_id, tz)
    if not done.new:  # Slack delivered the same submission again: it is registered already
        ack()
        return
    announce(session, done.registration, actor, view_id, conflicted=bool(done.conflicts))
    ack(
        response_action="update",
        view=modals.registered_view(records.card(session, done.registration.id)),
    )


def announce(
    session: Session,
    registration: Registration,
    actor: Actor,
    view_id: str | None,
    *,
    conflicted: bool,
) -> None:
    """Declare a new registration's card in its channel, and the note to the vendor's
    approvers when the conflict check found something."""
    partnership = partnerships.get_partnership(session, registration.partnership_id)
    declare(
        session,
        senders.CARD,
        senders.card_key(registration.id),
        actor=actor.user_id,
        what=f"Your registration {registration.label}",
        where=partnership.channel_id,
        partnership_id=partnership.id,
        subject_id=registration.id,
        view_id=view_id,
        channel_post=True,
        confirm=(
            f"Registered {registration.label}: its card, waiting for a decision from "
            f"{sides(session, partnership).vendor}, is"
        ),
    )
    if not conflicted:
        return
    declare(
        session,
        senders.CONFLICTS,
        f"deal:{registration.id}:conflicts",
        actor=None,
        what="The note on conflicts",
        where=None,
        partnership_id=partnership.id,
        subject_id=registration.id,
    )


def _shown(session: Session, decision: Decision, actor: Actor) -> None:
    """Declare the decision's note in the card's thread (and the card's new status line)."""
    r = decision.registration
    declare(
        session,
        senders.DECISION,
        f"deal:{r.id}:{decision.kind.value}:{decision.change.id}",
        actor=actor.user_id,
        what=RECORDED[decision.kind],
        where=r.channel_id,
        partnership_id=r.partnership_id,
        subject_id=r.id,
        reply_in=r.channel_id,
        channel_post=True,
        change_id=decision.change.id,
    )


def _open(
    build: Callable[[records.Card], dict[str, Any]],
    check: Callable[[Session, int, Actor], Registration],
) -> Callable[..., None]:
    """A card button that opens a decision's modal, once the clicker may make it."""

    def open_modal(
        ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
    ) -> None:
        ack()
        registration = check(session, button_id(body), directory.actor_of(body))
        view = build(records.card(session, registration.id))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    open_modal.__name__ = open_modal.__qualname__ = f"open_{build.__name__}"
    return listener(open_modal)


open_approve = _open(modals.approve_modal, deals.require_decidable)
open_reject = _open(modals.reject_modal, deals.require_decidable)
open_ask = _open(modals.ask_modal, deals.require_decidable)
open_answer = _open(modals.answer_modal, deals.require_answerable)


def _submitted(body: dict[str, Any]) -> tuple[Actor, int, str]:
    return directory.actor_of(body), form_id(body, "registration_id"), body["view"]["id"]


@listener
def submit_approve(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor, registration_id, view_id = _submitted(body)
    decision = deals.approve(session, registration_id, actor, view_id)
    ack()
    if decision is not None:
        _shown(session, decision, actor)


@listener
def submit_reject(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor, registration_id, view_id = _submitted(body)
    reason = forms.element(body, B.DEAL_REASON).get("value") or ""
    decision = deals.reject(session, registration_id, reason, actor, view_id)
    ack()
    if decision is not None:
        _shown(session, decision, actor)


@listener
def submit_ask(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor, registration_id, view_id = _submitted(body)
    question = forms.element(body, B.DEAL_QUESTION).get("value") or ""
    decision = deals.ask(session, registration_id, question, actor, view_id)
    ack()
    if decision is not None:
        _shown(session, decision, actor)


@listener
def submit_answer(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor, registration_id, view_id = _submitted(body)
    text = forms.element(body, B.DEAL_ANSWER).get("value") or ""
    decision = deals.answer(session, registration_id, text, actor, view_id)
    ack()
    if decision is not None:
        _shown(session, decision, actor)


def register(app: App) -> None:
    app.action(Action.DEAL_REGISTER)(register_button)
    app.action({"block_id": B.DEAL_PARTNERSHIP, "action_id": VALUE})(partnership_picked)
    app.action(Action.DEAL_APPROVE)(open_approve)
    app.action(Action.DEAL_REJECT)(open_reject)
    app.action(Action.DEAL_ASK)(open_ask)
    app.action(Action.DEAL_ANSWER)(open_answer)
    app.view(Callback.DEAL_REGISTER)(submit_register)
    app.view(Callback.DEAL_APPROVE)(submit_approve)
    app.view(Callback.DEAL_REJECT)(submit_reject)
    app.view(Callback.DEAL_ASK)(submit_ask)
    app.view(Callback.DEAL_ANSWER)(submit_answer)
