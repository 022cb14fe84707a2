"""Listeners for the App Home: publish it when opened, refresh on request."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from handlers.boundary import TrackedAck, listener
from handlers.home.senders import publish_now
from handlers.ids import Action


@listener
def home_opened(body: dict[str, Any], client: WebClient, session: Session) -> None:
    event = body.get("event") or {}
    if event.get("tab", "home") == "home" and event.get("user"):
        publish_now(client, session, event["user"])


@listener
def refresh(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    ack()
    publish_now(client, session, body["user"]["id"])


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(Action.HOME_REFRESH)(refresh)
