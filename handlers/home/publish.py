"""Publishing a person's App Home; other features call this after changes that concern them."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.dashboard import dashboard
from handlers import people as directory
from handlers.home.views import home_view

log = logging.getLogger(__name__)


def publish_home(client: WebClient, session: Session, user_id: str) -> bool:
    """Build the person's dashboard and publish it (views.publish); False if Slack refused.

    A refresh is a courtesy after the change it follows, so a refusal is logged rather than
    undoing or failing that change.
    """
    directory.refresh(client, session, [user_id])
    view = home_view(dashboard(session, user_id))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))
        return False
    return True


def refresh_homes(client: WebClient, session: Session, user_ids: list[str | None]) -> None:
    """Republish the dashboards of the people a change concerns (each once)."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        publish_home(client, session, user_id)
