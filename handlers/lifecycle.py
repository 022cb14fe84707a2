"""Slack events that change a partnership's channel or a workspace's installation."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from sqlalchemy.orm import Session

from bot.domain import exit as exits
from bot.domain import partnerships, people
from bot.domain.events import first_delivery
from handlers.boundary import listener
from handlers.exit.listeners import offer_resume

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
    # Sharing again doesn't resume a paused partnership by itself: its owners are offered to.
    if first_time(session, body):
        partnership = exits.reconnected(session, body["event"]["channel"])
        if partnership is not None:
            offer_resume(session, partnership)


@listener
def channel_unshared(body: dict[str, Any], session: Session) -> None:
    if first_time(session, body):
        event = body["event"]
        # A channel still shared with other organizations stays connected.
        still_shared = bool(event.get("is_ext_shared"))
        partnerships.channel_sharing_changed(session, event["channel"], shared=still_shared)


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


def register(app: App) -> None:
    app.event("channel_id_changed")(channel_id_changed)
    app.event("channel_shared")(channel_shared)
    app.event("channel_unshared")(channel_unshared)
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
