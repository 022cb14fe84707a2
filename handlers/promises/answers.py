"""Listeners for the partner's answers: acknowledge or "that's not what we agreed", confirm,
not yet, a new date, release."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.errors import Conflict
from bot.domain.partners.names import sides
from bot.domain.promises import keeping as keeping
from bot.domain.promises import service as service
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import reply
from handlers.home import refresh_homes
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.promises import messages, modals, senders
from handlers.promises.payloads import promise_from, promise_of_view
from handlers.subjects import ids_in
from handlers.text import Mrkdwn, md, user
from storage.models import OPEN_STATES, Promise, PromiseState

ALREADY_ANSWERED = "This promise was already answered; nothing was changed."


def _answered(session: Session, body: dict[str, Any], text: Mrkdwn) -> None:
    """The partner's message with buttons becomes what they answered (after the commit)."""
    reply(session, body, messages.answered(text), replace=True)


def _card_answered(session: Session, body: dict[str, Any], promise: Promise) -> None:
    """The partner's card shows their answer: replaced where they clicked it, or (clicked on
    the App Home) updated in their DM."""
    if body.get("response_url") and (body.get("container") or {}).get("type") == "message":
        names = sides(session, promise.partnership)
        reply(session, body, messages.partner_note(promise, names, promise.in_thread), replace=True)
    else:
        senders.partner_card(session, promise, directory.actor_of(body).user_id)


@listener
def acknowledge(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    """The partner's neutral first answer: they take the promise as made."""
    ack()
    promise = promise_from(session, forms.action_value(body))
    actor = directory.actor_of(body)
    if not keeping.acknowledge(session, promise, actor):
        raise Conflict(ALREADY_ANSWERED)
    _card_answered(session, body, promise)
    senders.to_maker(
        session,
        promise,
        md(":ballot_box_with_check: {} acknowledged your promise.", user(actor.user_id)),
    )
    refresh_homes(session, [promise.maker_id, promise.owed_to_id])


@listener
def open_dispute(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    service.require_owed_to(promise, directory.actor_of(body), "answer it")
    if promise.state not in OPEN_STATES:
        raise Conflict(service.closed_message(promise))
    if keeping.answered_by_partner(promise) is not None:
        raise Conflict(ALREADY_ANSWERED)
    client.views_open(trigger_id=body["trigger_id"], view=modals.dispute_modal(promise))


@listener
def submit_dispute(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """“That's not what we agreed”: the note goes back to the maker, with their buttons."""
    promise = promise_of_view(session, body)
    actor = directory.actor_of(body)
    note = forms.text(body, B.PROMISE_COMMENT)
    if not keeping.dispute(session, promise, actor, note):
        raise Conflict(ALREADY_ANSWERED)
    ack()
    senders.partner_card(session, promise, actor.user_id)
    senders.to_maker(
        session,
        promise,
        md(
            ":speech_balloon: {} says this promise isn't what you agreed: “{}” Talk it through "
            "with them; you can ask for a new date with *Renegotiate*, and they can release "
            "you from it.",
            user(actor.user_id),
            note,
        ),
        with_actions=True,
    )
    refresh_homes(session, [promise.maker_id, promise.owed_to_id])


@listener
def confirm(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    keeping.confirm(session, promise, directory.actor_of(body))
    _answered(
        session,
        body,
        md(
            ":white_check_mark: You confirmed {} made good on: {}. Thank you!",
            user(promise.maker_id),
            promise.promise,
        ),
    )
    timing = "on time" if promise.kept_on_time else "late, but kept"
    senders.to_maker(
        session,
        promise,
        md(
            ":tada: {} confirmed you made good: your promise is kept ({}).",
            user(promise.closed_by),
            timing,
        ),
    )
    refresh_homes(session, [promise.maker_id, promise.owed_to_id])


@listener
def open_not_yet(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    service.require_owed_to(promise, directory.actor_of(body), "answer whether it was made good")
    if promise.state is not PromiseState.MADE_GOOD:
        raise Conflict(service.closed_message(promise))
    client.views_open(trigger_id=body["trigger_id"], view=modals.not_yet_modal(promise))


@listener
def submit_not_yet(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = promise_of_view(session, body)
    actor = directory.actor_of(body)
    comment = forms.text(body, B.PROMISE_COMMENT)
    keeping.not_yet(session, promise, actor, comment)
    ack()
    senders.to_maker(
        session,
        promise,
        md(":hourglass: {} says it isn't made good yet: “{}”", user(actor.user_id), comment),
        with_actions=True,
    )
    refresh_homes(session, [promise.maker_id, promise.owed_to_id])


def _answer_date(
    body: dict[str, Any], client: WebClient, session: Session, respond: Respond, accept: bool
) -> None:
    promise_id, seq = ids_in(forms.action_value(body), 2)
    promise = promise_from(session, promise_id)
    actor = directory.actor_of(body)
    answer = keeping.accept_date if accept else keeping.decline_date
    proposed = answer(session, promise, seq, actor)
    if accept:
        _answered(
            session, body, md(":calendar: You accepted {} as the new date.", messages.day(proposed))
        )
        senders.to_maker(
            session,
            promise,
            md(
                ":calendar: {} accepted the new date: make good by {}.",
                user(actor.user_id),
                messages.day(promise.due_date),
            ),
        )
    else:
        _answered(
            session,
            body,
            md(
                "You declined {}; the agreed date, {}, stands.",
                messages.day(proposed),
                messages.day(promise.due_date),
            ),
        )
        senders.to_maker(
            session,
            promise,
            md(
                "{} declined {}: the promise is still due {}.",
                user(actor.user_id),
                messages.day(proposed),
                messages.day(promise.due_date),
            ),
            with_actions=True,
        )


@listener
def accept_date(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    _answer_date(body, client, session, respond, accept=True)


@listener
def decline_date(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    _answer_date(body, client, session, respond, accept=False)


@listener
def release(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    keeping.release(session, promise, directory.actor_of(body))
    _answered(
        session,
        body,
        md("You released {} from the promise: {}", user(promise.maker_id), promise.promise),
    )
    senders.to_maker(
        session,
        promise,
        md("{} released you from your promise; it is closed.", user(promise.closed_by)),
    )
    refresh_homes(session, [promise.maker_id, promise.owed_to_id])


def register(app: App) -> None:
    app.action(Action.PROMISE_ACKNOWLEDGE)(acknowledge)
    app.action(Action.PROMISE_DISPUTE)(open_dispute)
    app.view(Callback.PROMISE_DISPUTE)(submit_dispute)
    app.view(Callback.PROMISE_NOT_YET)(submit_not_yet)
    app.action(Action.PROMISE_CONFIRM)(confirm)
    app.action(Action.PROMISE_NOT_YET)(open_not_yet)
    app.action(Action.PROMISE_ACCEPT_DATE)(accept_date)
    app.action(Action.PROMISE_DECLINE_DATE)(decline_date)
    app.action(Action.PROMISE_RELEASE)(release)
