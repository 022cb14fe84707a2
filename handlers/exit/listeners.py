"""Listeners for /partner exit, its modal, and resuming a partnership after a reconnect."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.exit import service as exits
from bot.domain.exit.service import ExitChoice, ExitForm
from bot.domain.partners import service as partnerships
from bot.domain.people import Actor
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import declare, note_to, reply
from handlers.exit import messages, modals, senders
from handlers.home import publish_home
from handlers.ids import VALUE, Action, Callback
from handlers.ids import Block as B
from handlers.kpis import senders as kpi_senders
from handlers.subjects import button_id, channel_partnership, id_in
from handlers.text import md
from storage.models import Partnership

log = logging.getLogger(__name__)


def open_exit(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """/partner exit in the partnership's channel."""
    partnership = channel_partnership(session, body)
    partnerships.require_vendor(partnership, directory.actor_of(body), "leave the partnership")
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modals.exit_modal(partnership))


def is_workspace_admin(client: WebClient, user_id: str) -> bool:
    """Slack's word on whether someone administers the workspace (users.info)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))


def read_exit(body: dict[str, Any]) -> ExitForm:
    choice = forms.option(body, B.EXIT_CHOICE)
    return ExitForm(
        choice=ExitChoice(choice) if choice in set(ExitChoice) else None,
        successor=forms.user(body, B.EXIT_SUCCESSOR),
        closing_note=forms.text(body, B.EXIT_NOTE),
    )


@listener
def choice_picked(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """A choice made in the exit modal: the modal follows it (that choice's fields, and a
    submit button that says what it does). What was typed so far is kept."""
    ack()
    partnership = partnerships.get_partnership(
        session, id_in(forms.metadata(body).get("partnership_id"))
    )
    partnerships.require_side(partnership, directory.actor_of(body))
    form = read_exit(body)
    typed = forms.element(body, B.EXIT_NOTE)
    view = body["view"]
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=modals.exit_modal(
            partnership,
            form.choice,
            successor=form.successor,
            closing_note=(typed.get("value") or "") if typed else None,
        ),
    )


@listener
def submit_exit(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    meta = forms.metadata(body)
    form = read_exit(body)
    actor = directory.actor_of(body)
    partnership_id = id_in(meta.get("partnership_id"))
    partnership = partnerships.get_partnership(session, partnership_id)
    # Who may do this, re-checked here as /partner exit did, before anyone is looked up.
    exits.require_may_leave(partnership, form, actor)
    if form.successor:
        directory.refresh(client, session, [form.successor])
    is_admin = (
        form.choice is ExitChoice.END
        and not partnerships.is_owner(partnership, actor.user_id)
        and is_workspace_admin(client, actor.user_id)
    )
    outcome = exits.leave(session, partnership.id, form, actor, is_admin=is_admin)
    ack()
    if outcome.ended:
        after_ending(session, outcome, actor)
    else:
        after_stepping_back(session, outcome, actor)


def after_ending(session: Session, outcome: exits.ExitOutcome, actor: Actor) -> None:
    """Declare what ending a partnership shows: the records to each owner, the closing note in
    the channel, a note to the person who ended it, and the Home tabs."""
    partnership = outcome.partnership
    for user_id in outcome.recipients:
        kpi_senders.export(
            session,
            partnership,
            actor,
            user_id,
            comment=str(
                md(
                    "The partnership with {} has ended; here are its records (one CSV per "
                    "kind of record).",
                    partnership.partner_name,
                )
            ),
            title=f"Partnership with {partnership.partner_name}: records",
        )
    if outcome.closing_note:
        declare(
            session,
            senders.CLOSING_NOTE,
            f"exit:{partnership.id}:closing",
            actor=actor.user_id,
            what="Your closing note",
            where=partnership.channel_id,
            partnership_id=partnership.id,
            note=outcome.closing_note,
        )
    note_to(
        session, actor.user_id, messages.ended_notice(partnership, list(outcome.recipients), [])
    )
    for user_id in dict.fromkeys([actor.user_id, *outcome.recipients]):
        publish_home(session, user_id)


def after_stepping_back(session: Session, outcome: exits.ExitOutcome, actor: Actor) -> None:
    partnership = outcome.partnership
    text = messages.stepped_back_notice(partnership, outcome.successor)
    note_to(session, actor.user_id, text, partnership.channel_id)
    if outcome.successor:
        note_to(session, outcome.successor, messages.handed_over_notice(partnership, actor.user_id))
    for user_id in filter(None, [actor.user_id, outcome.successor]):
        publish_home(session, user_id)


def offer_resume(session: Session, partnership: Partnership) -> None:
    """DM each owner the offer to resume a partnership whose channel is shared again."""
    message = messages.resume_offer(partnership)
    for user_id in partnerships.owners(partnership):
        note_to(session, user_id, message["text"], content=message)


@listener
def resume(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    actor = directory.actor_of(body)
    partnership, changed = exits.resume(session, button_id(body), actor)
    notice = messages.resumed_notice(partnership, actor.user_id, changed)
    reply(session, body, {"text": notice}, replace=True)
    if changed:
        for user_id in partnerships.owners(partnership):
            publish_home(session, user_id)


def register(app: App) -> None:
    app.view(Callback.EXIT)(submit_exit)
    app.action({"block_id": B.EXIT_CHOICE, "action_id": VALUE})(choice_picked)
    app.action(Action.RESUME_PARTNERSHIP)(resume)
