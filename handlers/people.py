"""Who is behind a request, and keeping our record of people fresh from users.info."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.people import Actor, Profile

log = logging.getLogger(__name__)


def actor_of(body: dict[str, Any]) -> Actor:
    """The person behind a command, click or submission, with their own workspace.

    On clicks and submissions by external users, ``team`` is not theirs: ``user.team_id`` is.
    """
    user = body.get("user")
    if isinstance(user, dict):
        team = user.get("team_id") or (body.get("team") or {}).get("id") or ""
        return Actor(user_id=user["id"], team_id=team)
    return Actor(user_id=body["user_id"], team_id=body.get("team_id", ""))


def refresh(client: WebClient, session: Session, user_ids: list[str]) -> None:
    """Look up people we don't know (or knew long ago) and remember their team, name, zone."""
    for user_id in people.stale(session, user_ids):
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            continue
        except OSError as exc:  # no answer in time, a dropped connection: keep what we know
            log.warning("users.info %s failed: %s", user_id, exc)
            continue
        profile = user.get("profile") or {}
        people.remember(
            session,
            Profile(
                user_id=user_id,
                team_id=user.get("team_id"),
                name=profile.get("display_name") or user.get("real_name") or user.get("name"),
                tz=user.get("tz"),
            ),
        )
    session.flush()


def time_zone(client: WebClient, session: Session, user_id: str) -> str:
    """A person's IANA time zone (UTC when Slack doesn't tell)."""
    refresh(client, session, [user_id])
    return people.time_zone_of(session, user_id)
