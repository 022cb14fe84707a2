"""Listeners for /partner exit, its modal, and resuming a partnership after a reconnect."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import exit as exits
from bot.domain import partnerships
from bot.domain.errors import DomainError
from bot.domain.exit import ExitChoice, ExitForm
from bot.domain.export import export_partnership
from bot.domain.people import Actor
from handlers import forms
from handlers import people as directory
from handlers.boundary import TrackedAck, listener
from handlers.exit import views
from handlers.home import publish_home
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.kpis.files import send_file
from handlers.linked import channel_partnership
from storage.models import Partnership

log = logging.getLogger(__name__)


def notify(client: WebClient, channel: str, user: str, text: str) -> None:
    """An ephemeral note to one person in the channel, or a DM when that isn't possible."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError:
        client.chat_postMessage(channel=user, text=text)


def open_exit(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """/partner exit in the partnership's channel."""
    partnership = channel_partnership(session, body)
    partnerships.require_vendor(partnership, directory.actor_of(body), "leave the partnership")
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=views.exit_modal(partnership))


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
def submit_exit(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    meta = forms.metadata(body)
    form = read_exit(body)
    actor = directory.actor_of(body)
    if form.successor:
        directory.refresh(client, session, [form.successor])
    partnership = partnerships.get_partnership(session, int(meta.get("partnership_id") or 0))
    is_admin = (
        form.choice is ExitChoice.END
        and not partnerships.is_owner(partnership, actor.user_id)
        and is_workspace_admin(client, actor.user_id)
    )
    outcome = exits.leave(session, partnership.id, form, actor, is_admin=is_admin)
    ack()
    session.commit()  # what the person decided stands even if Slack refuses what follows
    if outcome.ended:
        after_ending(client, session, outcome, actor)
    else:
        after_stepping_back(client, session, outcome, actor)


def after_ending(
    client: WebClient, session: Session, outcome: exits.ExitOutcome, actor: Actor
) -> None:
    partnership = outcome.partnership
    export = export_partnership(session, partnership, actor)
    sent, failed = [], []
    for user_id in outcome.recipients:
        error = send_file(
            client,
            user_id,
            filename=export.filename,
            content=export.content,
            title=f"Partnership with {partnership.partner_name}: records",
            comment=f"The partnership with {partnership.partner_name} has ended; here are its "
            "records (one CSV per kind of record).",
        )
        (failed if error else sent).append(user_id)
    if outcome.closing_note:
        message = views.closing_message(partnership, outcome.closing_note, actor.user_id)
        try:
            client.chat_postMessage(channel=partnership.channel_id, **message)
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.warning("closing note to %s failed: %s", partnership.channel_id, error)
            failed_note = (
                f"I couldn't post your closing note in <#{partnership.channel_id}> ({error}); "
                "you could post it there yourself."
            )
            client.chat_postMessage(channel=actor.user_id, text=failed_note)
    text = views.ended_notice(partnership, sent, failed)
    client.chat_postMessage(channel=actor.user_id, text=text)
    for user_id in dict.fromkeys([actor.user_id, *outcome.recipients]):
        publish_home(session, user_id)


def after_stepping_back(
    client: WebClient, session: Session, outcome: exits.ExitOutcome, actor: Actor
) -> None:
    partnership = outcome.partnership
    text = views.stepped_back_notice(partnership, outcome.successor)
    notify(client, partnership.channel_id, actor.user_id, text)
    if outcome.successor:
        try:
            client.chat_postMessage(
                channel=outcome.successor,
                text=views.handed_over_notice(partnership, actor.user_id),
            )
        except SlackApiError as exc:
            log.warning("hand-over note failed: %s", exc.response.get("error"))
    for user_id in filter(None, [actor.user_id, outcome.successor]):
        publish_home(session, user_id)


def offer_resume(client: WebClient, partnership: Partnership) -> None:
    """DM each owner the offer to resume a partnership whose channel is shared again."""
    message = views.resume_offer(partnership)
    for user_id in partnerships.owners(partnership):
        try:
            client.chat_postMessage(channel=user_id, **message)
        except SlackApiError as exc:
            log.warning("resume offer to %s failed: %s", user_id, exc.response.get("error"))


@listener
def resume(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    value = forms.action_value(body)
    if not value.isdigit():
        raise DomainError("That button is out of date.")
    actor = directory.actor_of(body)
    partnership, changed = exits.resume(session, int(value), actor)
    session.commit()
    respond(
        replace_original=True,
        text=views.resumed_notice(partnership, actor.user_id, changed),
    )
    if changed:
        for user_id in partnerships.owners(partnership):
            publish_home(session, user_id)


def register(app: App) -> None:
    app.view(Callback.EXIT)(submit_exit)
    app.action(Action.RESUME_PARTNERSHIP)(resume)
