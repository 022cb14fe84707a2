"""Publishing a person's App Home: when they open it, and after changes that concern them.

A refresh is an effect like any other (``handlers.effects``): declared with the change, sent
after its commit, retried by the outbox when Slack is busy.
"""

from __future__ import annotations

import logging
import uuid

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.home.dashboard import dashboard
from bot.domain.outbox import Delivery
from handlers import delivery, directory
from handlers.effects import declare
from handlers.home.tab import home_view
from storage.models import Occurrence

log = logging.getLogger(__name__)

HOME = "home.publish"


def refresh_homes(session: Session, user_ids: list[str | None]) -> None:
    """Republish the dashboards of the people a change concerns (each once)."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        declare(
            session,
            HOME,
            f"home:{user_id}:{uuid.uuid4().hex[:12]}",
            actor=None,
            what="Your App Home",
            where=None,
            user=user_id,
        )


def publish_home(session: Session, user_id: str) -> None:
    refresh_homes(session, [user_id])


def publish_now(client: WebClient, session: Session, user_id: str) -> None:
    """Publish the Home tab a person opened or refreshed: the answer to their request, not
    the effect of a change (so nothing is queued; if Slack refuses, opening it again will)."""
    directory.refresh(client, session, [user_id])
    try:
        client.views_publish(user_id=user_id, view=home_view(dashboard(session, user_id)))
    except (SlackApiError, OSError) as exc:
        log.warning("views.publish for %s failed: %s", user_id, exc)


def send_home(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Build the person's dashboard and publish it (views.publish)."""
    user_id = str((occurrence.payload or {}).get("user") or "")
    if not user_id:
        return Delivery.skipped("nobody")
    directory.refresh(client, session, [user_id])
    view = home_view(dashboard(session, user_id))
    try:
        client.views_publish(user_id=user_id, view=view)
    except (SlackApiError, OSError) as exc:
        return delivery.delivery_for(exc)
    return Delivery.sent(None, None)
