"""Slack events that change a partnership's channel or a workspace's installation, and
which installation a shared channel's commands belong to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.errors import DomainError
from bot.domain.events import first_delivery
from bot.domain.exit import service as exits
from bot.domain.partners import service as partnerships
from handlers.boundary import describe, listener, refusal
from handlers.directory import actor_of
from handlers.effects import note_to
from handlers.exit.listeners import offer_resume
from handlers.text import Mrkdwn, channel, md
from storage.models import Partnership

log = logging.getLogger(__name__)


def first_time(session: Session, body: dict[str, Any]) -> bool:
    """Slack redelivers events it thinks we missed; act on each event id once."""
    event_id = body.get("event_id")
    if not event_id:
        return True
    if first_delivery(session, event_id):
        return True
    log.info("event %s already handled (retry %s)", event_id, body.get("retry_num", "?"))
    return False


@listener
def channel_id_changed(body: dict[str, Any], session: Session) -> None:
    if first_time(session, body):
        event = body["event"]
        partnerships.channel_id_changed(session, event["old_channel_id"], event["new_channel_id"])


@listener
def channel_shared(body: dict[str, Any], session: Session) -> None:
    # Sharing again doesn't resume a paused partnership by itself: its owners are offered to,
    # when the workspace that joined is the partner's (a third organization brings nobody back).
    if first_time(session, body):
        event = body["event"]
        partnership = exits.reconnected(
            session, event["channel"], event.get("connected_team_id") or None
        )
        if partnership is not None:
            offer_resume(session, partnership)


def paused_notice(partnership: Partnership) -> Mrkdwn:
    return md(
        ":pause_button: {} is no longer shared with {}, so the partnership is paused: its "
        "review prompts stop until it resumes. When {} shares the channel again, you'll be "
        "offered to resume it.",
        channel(partnership.channel_id),
        partnership.partner_name,
        partnership.partner_name,
    )


@listener
def channel_unshared(body: dict[str, Any], session: Session) -> None:
    if first_time(session, body):
        event = body["event"]
        # Slack names the workspace that left; the channel may stay shared with a third one.
        paused = partnerships.channel_sharing_changed(
            session,
            event["channel"],
            left=event.get("previously_connected_team_id") or None,
            still_shared=bool(event.get("is_ext_shared")),
        )
        if paused is not None:
            for user_id in partnerships.owners(paused):
                note_to(session, user_id, paused_notice(paused))


def forget_tokens(session: Session, context: BoltContext, body: dict[str, Any]) -> None:
    """In multi-workspace mode, drop the workspace's stored (encrypted) tokens."""
    store = context.get("installation_store")
    if store is not None:
        session.commit()  # the store writes in its own transaction; SQLite has one writer
        store.delete_installation(
            enterprise_id=body.get("enterprise_id"), team_id=body.get("team_id")
        )


@listener
def app_uninstalled(body: dict[str, Any], session: Session, context: BoltContext) -> None:
    if first_time(session, body):
        people.workspace_uninstalled(session, body.get("team_id", ""))
        forget_tokens(session, context, body)


@listener
def tokens_revoked(body: dict[str, Any], session: Session, context: BoltContext) -> None:
    if first_time(session, body) and (body["event"].get("tokens") or {}).get("bot"):
        people.workspace_uninstalled(session, body.get("team_id", ""))
        forget_tokens(session, context, body)


class OneInstallationPerChannel(Middleware):
    """Both organizations may install partnerbot. A shared channel's partnership belongs to
    the installation that linked it (its ``vendor_team_id``): a slash command that reaches the
    channel through the other organization's installation is answered with who linked it and
    what to do, instead of making its people the partner side of their own partnerbot.

    Clicks and modals are not stopped here: they name their partnership and come from the
    messages of the installation that keeps it, where the other organization is the partner.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        if "command" not in body or (body.get("text") or "").strip().lower() == "help":
            return next()
        sessions = req.context.get("session_factory")
        if sessions is None or req.context.get("installation_store") is None:
            return next()  # one token, one installation: there is no other one to meet
        try:
            with sessions() as session:
                partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
                if partnership is not None:
                    partnerships.require_own_installation(session, partnership, actor_of(body))
        except DomainError as error:
            text = refusal(error)
            log.info("%s refused: the channel is linked by another installation", describe(body))
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
        except Exception:  # the listener's own boundary says what is wrong, if anything is
            log.exception("could not check which installation linked the channel")
        return next()


def register(app: App) -> None:
    app.use(OneInstallationPerChannel())
    app.event("channel_id_changed")(channel_id_changed)
    app.event("channel_shared")(channel_shared)
    app.event("channel_unshared")(channel_unshared)
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
