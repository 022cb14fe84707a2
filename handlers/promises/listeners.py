"""Listeners for /promise, its modals, and the buttons on promise messages on both sides."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import partnerships, people
from bot.domain import promise_keeping as keeping
from bot.domain import promise_plan as plan
from bot.domain import promises as service
from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, DomainError
from bot.domain.promise_records import open_promises_for
from bot.domain.promises import PromiseForm
from handlers import forms
from handlers import people as directory
from handlers.blocks import local_time
from handlers.boundary import TrackedAck, listener
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.promises import messaging, modals, views
from storage.models import Partnership, Promise, PromiseState, Side

log = logging.getLogger(__name__)

USAGE = (
    "`/promise` records a make-good promise to a partner contact (run it in the shared "
    "channel); `/promise list` shows your open promises."
)


def _promise(session: Session, value: str | int | None) -> Promise:
    head = str(value or "").split(":", 1)[0]
    if not head.isdigit():
        raise DomainError("That button is out of date; run `/promise list` to see your promises.")
    return service.get_promise(session, int(head))


def _from_view(session: Session, body: dict[str, Any]) -> Promise:
    return _promise(session, forms.metadata(body).get("promise_id"))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def reach_partner(
    client: WebClient,
    session: Session,
    promise: Promise,
    message: Callable[[bool], dict[str, Any]],
) -> str | None:
    """Send a note to the partner; on failure, a line for the person who acted saying so."""
    try:
        messaging.tell_partner(client, session, promise, message)
        return None
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("note about promise %s to the partner failed: %s", promise.id, error)
        return (
            f"I couldn't reach <@{promise.owed_to_id}> about it ({error}); please let them "
            "know yourself."
        )


def dm(client: WebClient, user_id: str, message: dict[str, Any]) -> None:
    """A DM that follows a change already committed: its failure is logged, not undone."""
    try:
        messaging.dm(client, user_id, message)
    except SlackApiError as exc:
        log.warning("DM to %s failed: %s", user_id, exc.response.get("error"))


def tell_maker(client: WebClient, promise: Promise, text: str, with_actions: bool = False) -> None:
    dm(client, promise.maker_id, views.to_maker(promise, text, with_actions))


# -- /promise ----------------------------------------------------------------------------------
def _partnership_for(session: Session, body: dict[str, Any]) -> tuple[Partnership | None, list]:
    actor = directory.actor_of(body)
    here = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if here is not None:
        partnerships.require_vendor(here, actor, "make promises to the partner")
        return here, []
    mine = [
        p
        for p in partnerships.partnerships_of(session, actor.user_id)
        if partnerships.side_of(p, actor.team_id) is Side.VENDOR
    ]
    if not mine:
        raise DomainError(
            "Run `/promise` in the channel you share with the partner (link it with `/partner`)."
        )
    return (mine[0], []) if len(mine) == 1 else (None, mine)


@listener
def promise_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    words = (body.get("text") or "").strip().split(maxsplit=1)
    sub = words[0].lower() if words else ""
    if sub == "list":
        listed = open_promises_for(session, body["user_id"])
        ack(response_type="ephemeral", **views.list_message(listed, utcnow()))
        return
    if sub == "help":
        ack(text=USAGE)
        return
    if sub:
        raise DomainError(f"I don't know `/promise {sub}`. {USAGE}")
    partnership, choices = _partnership_for(session, body)
    today = plan.Calendar(directory.time_zone(client, session, body["user_id"])).today(utcnow())
    ack()
    client.views_open(
        trigger_id=body["trigger_id"], view=modals.make_modal(partnership, choices, today)
    )


@listener
def submit_make(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    chosen = forms.metadata(body).get("partnership_id") or forms.option(body, B.PROMISE_PARTNERSHIP)
    if not str(chosen or "").isdigit():
        raise DomainError("Pick the partner.", field=B.PROMISE_PARTNERSHIP)
    partnership = partnerships.get_partnership(session, int(str(chosen)))
    actor = directory.actor_of(body)
    owed_to = forms.user(body, B.PROMISE_OWED_TO)
    directory.refresh(client, session, [actor.user_id, *([owed_to] if owed_to else [])])
    form = PromiseForm(
        owed_to=owed_to,
        raw_deal=forms.text(body, B.PROMISE_RAW_DEAL),
        promise=forms.text(body, B.PROMISE_TEXT),
        due_date=_date(forms.date(body, B.PROMISE_DUE)),
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
    session.commit()  # the promise stands even if Slack refuses a note below
    if not new:
        return
    trouble = reach_partner(client, session, promise, lambda t: views.partner_note(promise, t))
    session.commit()
    dm(client, actor.user_id, views.maker_card(promise, utcnow(), trouble))


# -- the maker's buttons -----------------------------------------------------------------------
def _require_open(promise: Promise) -> None:
    if promise.state is not PromiseState.OPEN:
        raise Conflict(service.closed_message(promise))


@listener
def open_made_good(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = _promise(session, forms.action_value(body))
    service.require_maker_or_owner(promise, directory.actor_of(body), "mark it made good")
    _require_open(promise)
    client.views_open(trigger_id=body["trigger_id"], view=modals.made_good_modal(promise))


@listener
def submit_made_good(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = _from_view(session, body)
    actor = directory.actor_of(body)
    keeping.made_good(session, promise, actor, forms.text(body, B.PROMISE_NOTE))
    ack()
    session.commit()
    trouble = reach_partner(client, session, promise, lambda t: views.made_good_request(promise, t))
    text = trouble or f"I asked <@{promise.owed_to_id}> to confirm you made good. Well done!"
    tell_maker(client, promise, text)


@listener
def snooze(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    value = forms.action_value(body)
    promise = _promise(session, value)
    try:
        option = plan.Snooze(value.split(":", 1)[1])
    except (IndexError, ValueError):
        raise DomainError("That snooze choice is out of date; try again.") from None
    actor = directory.actor_of(body)
    keeping.snooze(session, promise, actor, option)
    assert promise.snoozed_until is not None
    when = local_time(promise.snoozed_until, directory.time_zone(client, session, actor.user_id))
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=f":zzz: Snoozed: I'll remind you about this promise on {when}.",
    )


@listener
def open_renegotiate(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = _promise(session, forms.action_value(body))
    service.require_maker_or_owner(promise, directory.actor_of(body), "ask for a new date")
    if promise.state not in (PromiseState.OPEN, PromiseState.MADE_GOOD):
        raise Conflict(service.closed_message(promise))
    client.views_open(trigger_id=body["trigger_id"], view=modals.renegotiate_modal(promise))


@listener
def submit_renegotiate(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = _from_view(session, body)
    actor = directory.actor_of(body)
    proposal = keeping.propose_date(
        session,
        promise,
        actor,
        _date(forms.date(body, B.PROMISE_NEW_DATE)),
        forms.text(body, B.PROMISE_REASON),
    )
    ack()
    session.commit()
    trouble = reach_partner(
        client,
        session,
        promise,
        lambda t: views.renegotiation_request(promise, proposal.seq, t),
    )
    assert promise.proposed_due_date is not None
    text = trouble or (
        f"I asked <@{promise.owed_to_id}> to accept {views.day(promise.proposed_due_date)} "
        f"instead of {views.day(promise.due_date)}. The agreed date stands until they do."
    )
    tell_maker(client, promise, text)


# -- the partner's buttons ---------------------------------------------------------------------
def _answered(respond: Respond, text: str) -> None:
    respond(replace_original=True, **views.answered(text))


@listener
def confirm(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    promise = _promise(session, forms.action_value(body))
    keeping.confirm(session, promise, directory.actor_of(body))
    session.commit()
    _answered(
        respond,
        f":white_check_mark: You confirmed <@{promise.maker_id}> made good on: "
        f"{promise.promise}. Thank you!",
    )
    timing = "on time" if promise.kept_on_time else "late, but kept"
    tell_maker(
        client,
        promise,
        f":tada: <@{promise.closed_by}> confirmed you made good: your promise is kept ({timing}).",
    )


@listener
def open_not_yet(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    promise = _promise(session, forms.action_value(body))
    service.require_owed_to(promise, directory.actor_of(body), "answer whether it was made good")
    if promise.state is not PromiseState.MADE_GOOD:
        raise Conflict(service.closed_message(promise))
    client.views_open(trigger_id=body["trigger_id"], view=modals.not_yet_modal(promise))


@listener
def submit_not_yet(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    promise = _from_view(session, body)
    actor = directory.actor_of(body)
    comment = forms.text(body, B.PROMISE_COMMENT)
    keeping.not_yet(session, promise, actor, comment)
    ack()
    session.commit()
    tell_maker(
        client,
        promise,
        f":hourglass: <@{actor.user_id}> says it isn't made good yet: “{comment}”",
        with_actions=True,
    )


def _answer_date(
    body: dict[str, Any], client: WebClient, session: Session, respond: Respond, accept: bool
) -> None:
    value = forms.action_value(body)
    promise = _promise(session, value)
    seq = value.split(":", 1)[1] if ":" in value else ""
    if not seq.isdigit():
        raise DomainError("That button is out of date.")
    actor = directory.actor_of(body)
    answer = keeping.accept_date if accept else keeping.decline_date
    proposed = answer(session, promise, int(seq), actor)
    session.commit()
    if accept:
        _answered(respond, f":calendar: You accepted {views.day(proposed)} as the new date.")
        tell_maker(
            client,
            promise,
            f":calendar: <@{actor.user_id}> accepted the new date: make good by "
            f"{views.day(promise.due_date)}.",
        )
    else:
        _answered(
            respond,
            f"You declined {views.day(proposed)}; the agreed date, "
            f"{views.day(promise.due_date)}, stands.",
        )
        tell_maker(
            client,
            promise,
            f"<@{actor.user_id}> declined {views.day(proposed)}: the promise is still due "
            f"{views.day(promise.due_date)}.",
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
    promise = _promise(session, forms.action_value(body))
    keeping.release(session, promise, directory.actor_of(body))
    session.commit()
    _answered(respond, f"You released <@{promise.maker_id}> from the promise: {promise.promise}")
    tell_maker(
        client,
        promise,
        f"<@{promise.closed_by}> released you from your promise; it is closed.",
    )


def register(app: App) -> None:
    app.command("/promise")(promise_command)
    app.view(Callback.PROMISE_MAKE)(submit_make)
    app.view(Callback.PROMISE_MADE_GOOD)(submit_made_good)
    app.view(Callback.PROMISE_RENEGOTIATE)(submit_renegotiate)
    app.view(Callback.PROMISE_NOT_YET)(submit_not_yet)
    app.action(Action.PROMISE_MADE_GOOD)(open_made_good)
    app.action(Action.PROMISE_SNOOZE)(snooze)
    app.action(Action.PROMISE_RENEGOTIATE)(open_renegotiate)
    app.action(Action.PROMISE_CONFIRM)(confirm)
    app.action(Action.PROMISE_NOT_YET)(open_not_yet)
    app.action(Action.PROMISE_ACCEPT_DATE)(accept_date)
    app.action(Action.PROMISE_DECLINE_DATE)(decline_date)
    app.action(Action.PROMISE_RELEASE)(release)
