"""Who is behind a request, and keeping our record of people fresh from users.info."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait
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
    On Enterprise Grid ``team`` can be null and ``user.team_id`` the organization's ``E…`` id;
    the organization is kept only when the request says it is the person's own (see
    ``organization_of``), never taken from a payload's ``enterprise`` alone: in a shared
    channel that is the installing organization, not the clicker's.
    """
    user = body.get("user")
    if isinstance(user, dict):
        own = str(user.get("team_id") or "")
        team = own or _app_team(body) or ""
        return Actor(user_id=user["id"], team_id=team, enterprise_id=organization_of(body, own))
    # Only the installing organization's people can run its slash commands.
    return Actor(
        user_id=body["user_id"],
        team_id=body.get("team_id", ""),
        enterprise_id=body.get("enterprise_id") or None,
    )


def _app_team(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    if isinstance(team, dict):
        return team.get("id")
    return team if isinstance(team, str) else None


def _payload_enterprise(body: dict[str, Any]) -> str | None:
    enterprise = body.get("enterprise")
    if isinstance(enterprise, dict) and enterprise.get("id"):
        return str(enterprise["id"])
    if isinstance(enterprise, str) and enterprise:
        return enterprise
    team = body.get("team")
    if isinstance(team, dict) and team.get("enterprise_id"):
        return str(team["enterprise_id"])
    return None


def organization_of(body: dict[str, Any], own_team: str) -> str | None:
    """The person's Enterprise Grid organization, when the request tells it for certain.

    ``user.team_id`` that is an ``E…`` id names it. Otherwise the payload's ``enterprise`` is
    theirs only when they belong to the payload's workspace (``team``).
    """
    if own_team.startswith("E"):
        return own_team
    if own_team and own_team == _app_team(body):
        return _payload_enterprise(body)
    return None


# Looking people up happens before a form is answered (their workspace decides their side),
# so it must leave Slack's 3 seconds room: lookups run side by side, and whoever hasn't
# answered by then is left as we knew them (or unknown, which the form says).
LOOKUP_DEADLINE_S = 1.5
LOOKUP_THREADS = 8


def _user_info(client: WebClient, user_id: str) -> dict[str, Any] | None:
    try:
        return dict(client.users_info(user=user_id)["user"])
    except SlackApiError as exc:
        log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
    except OSError as exc:  # no answer in time, a dropped connection: keep what we know
        log.warning("users.info %s failed: %s", user_id, exc)
    return None


def refresh(client: WebClient, session: Session, user_ids: list[str]) -> None:
    """Look up people we don't know (or knew long ago) and remember their team, name, zone."""
    stale = people.stale(session, user_ids)
    if not stale:
        return
    pool = ThreadPoolExecutor(max_workers=min(LOOKUP_THREADS, len(stale)))
    try:
        asked = {pool.submit(_user_info, client, user_id): user_id for user_id in stale}
        done, late = wait(asked, timeout=LOOKUP_DEADLINE_S)
        if late:
            log.warning("users.info: %d lookups not answered in time", len(late))
        for future in done:
            user = future.result()
            if user is None:
                continue
            profile = user.get("profile") or {}
            grid = user.get("enterprise_user") or {}
            people.remember(
                session,
                Profile(
                    user_id=asked[future],
                    team_id=user.get("team_id"),
                    name=profile.get("display_name") or user.get("real_name") or user.get("name"),
                    tz=user.get("tz"),
                    enterprise_id=grid.get("enterprise_id") or None,
                ),
            )
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    session.flush()


def time_zone(client: WebClient, session: Session, user_id: str) -> str:
    """A person's IANA time zone (UTC when Slack doesn't tell)."""
    zone = people.known_zone(session, user_id)
    if zone is not None:
        return zone  # one read, no lookup: how most requests go
    refresh(client, session, [user_id])
    return people.time_zone_of(session, user_id)
