"""Listeners for /promise, its modal and the maker's buttons (the partner's are in answers.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, DomainError
from bot.domain.partners import service as partnerships
from bot.domain.promises import keeping as keeping
from bot.domain.promises import plan as plan
from bot.domain.promises import service as service
from bot.domain.promises.records import open_promises_for
from bot.domain.promises.service import PromiseForm
from handlers import directory, forms
from handlers.blocks import local_time
from handlers.boundary import TrackedAck, listener
from handlers.home import refresh_homes
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.promises import answers, messages, modals, senders
from handlers.promises.payloads import picked_date, promise_from, promise_of_view
from handlers.subjects import OUT_OF_DATE, id_in, optional_id
from handlers.text import md, user
from storage.models import Partnership, Promise, PromiseState, Side

log = logging.getLogger(__name__)


# -- /promise ----------------------------------------------------------------------------------
def _partnership_for(session: Session, body: dict[str, Any]) -> tuple[Partnership | None, list]:
    actor = directory.actor_of(body)
    here = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if here is not None:
        partnerships.require_vendor(here, actor, "make promises to their partner")
        return here, []
    mine = [
        p
        for p in partnerships.partnerships_of(session, actor.user_id)
        if partnerships.actor_side(p, actor) is Side.VENDOR
    ]
    if not mine:
        raise DomainError(
            "Run `/promise` in the channel you share with the partner (link it with `/partner`)."
        )
    return (mine[0], []) if len(mine) == 1 else (None, mine)


def list_command(ack: TrackedAck, body: dict[str, Any], session: Session, **_: Any) -> None:
    """``/promise list``: the person's open promises."""
    listed = open_promises_for(session, body["user_id"])
    ack(response_type="ephemeral", **messages.list_message(listed, utcnow()))


def make_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """``/promise``: the modal to record a make-good promise."""
    partnership, choices = _partnership_for(session, body)
    today = plan.Calendar(directory.time_zone(client, session, body["user_id"])).today(utcnow())
    ack()
    client.views_open(
        trigger_id=body["trigger_id"], view=modals.make_modal(partnership, choices, today)
    )


@listener
def submit_make(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    chosen = forms.metadata(body).get("partnership_id") or forms.option(body, B.PROMISE_PARTNERSHIP)
    if optional_id(chosen) is None:
        raise DomainError("Pick the partner.", field=B.PROMISE_PARTNERSHIP)
    partnership = partnerships.get_partnership(session, id_in(chosen))
    actor = directory.actor_of(body)
    owed_to = forms.user(body, B.PROMISE_OWED_TO)
    directory.refresh(client, session, [actor.user_id, *([owed_to] if owed_to else [])])
    form = PromiseForm(
        owed_to=owed_to,
        raw_deal=forms.text(body, B.PROMISE_RAW_DEAL),
        promise=forms.text(body, B.PROMISE_TEXT),
        due_date=picked_date(forms.date(body, B.PROMISE_DUE)),
    )
    promise, new = service.make_promise(
        session,
        partnership,
        form,
        actor,
        people.time_zone_of(session, actor.user_id),
        str(body["view"]["id"]),
    )
    ack()
    if not new:
        return
    senders.to_partner(session, promise, actor.user_id, "made")
    senders.to_maker(session, promise, None, card=True)
    refresh_homes(session, [promise.maker_id])


# -- the maker's buttons -----------------------------------------------------------------------
def _require_open(promise: Promise) -> None:
    if promise.state is not PromiseState.OPEN:
        raise Conflict(service.closed_message(promise))


@listener
def open_made_good(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    service.require_maker_or_owner(promise, directory.actor_of(body), "mark it made good")
    _require_open(promise)
    client.views_open(trigger_id=body["trigger_id"], view=modals.made_good_modal(promise))


@listener
def submit_made_good(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = promise_of_view(session, body)
    actor = directory.actor_of(body)
    keeping.made_good(session, promise, actor, forms.text(body, B.PROMISE_NOTE))
    ack()
    senders.to_partner(session, promise, actor.user_id, "made_good")
    senders.to_maker(
        session,
        promise,
        md(
            "I asked {} to confirm you made good; I'll tell you when they do.",
            user(promise.owed_to_id),
        ),
    )
    refresh_homes(session, [promise.maker_id])


@listener
def snooze(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    value = forms.action_value(body)
    promise = promise_from(session, value)
    try:
        option = plan.Snooze(value.split(":", 1)[1])
    except (IndexError, ValueError):
        raise DomainError(OUT_OF_DATE) from None
    actor = directory.actor_of(body)
    keeping.snooze(session, promise, actor, option)
    assert promise.snoozed_until is not None
    when = local_time(promise.snoozed_until, directory.time_zone(client, session, actor.user_id))
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=md(":zzz: Snoozed: I'll remind you about this promise on {}.", when),
    )


@listener
def open_renegotiate(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = promise_from(session, forms.action_value(body))
    service.require_maker_or_owner(promise, directory.actor_of(body), "ask for a new date")
    if promise.state not in (PromiseState.OPEN, PromiseState.MADE_GOOD):
        raise Conflict(service.closed_message(promise))
    client.views_open(trigger_id=body["trigger_id"], view=modals.renegotiate_modal(promise))


@listener
def submit_renegotiate(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = promise_of_view(session, body)
    actor = directory.actor_of(body)
    proposal = keeping.propose_date(
        session,
        promise,
        actor,
        picked_date(forms.date(body, B.PROMISE_NEW_DATE)),
        forms.text(body, B.PROMISE_REASON),
    )
    ack()
    senders.to_partner(session, promise, actor.user_id, "renegotiate", proposal.seq)
    assert promise.proposed_due_date is not None
    senders.to_maker(
        session,
        promise,
        md(
            "I asked {} to accept {} instead of {}. The agreed date stands until they do.",
            user(promise.owed_to_id),
            messages.day(promise.proposed_due_date),
            messages.day(promise.due_date),
        ),
    )


def register(app: App) -> None:
    answers.register(app)
    app.view(Callback.PROMISE_MAKE)(submit_make)
    app.view(Callback.PROMISE_MADE_GOOD)(submit_made_good)
    app.view(Callback.PROMISE_RENEGOTIATE)(submit_renegotiate)
    app.action(Action.PROMISE_MADE_GOOD)(open_made_good)
    app.action(Action.PROMISE_SNOOZE)(snooze)
    app.action(Action.PROMISE_RENEGOTIATE)(open_renegotiate)
