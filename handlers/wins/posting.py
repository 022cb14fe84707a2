"""Posting a win's celebration, updating it after an edit or a withdrawal, and saying how it went.

The win is committed before any of these calls: Slack refusing a post never loses a win.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import partnerships, win_records, wins
from bot.domain.errors import Conflict
from handlers import delivery
from handlers.config import HandlerConfig
from handlers.wins import messages, views
from handlers.wins.views import Outcome
from storage.models import Win

log = logging.getLogger(__name__)


def _message(session: Session, win: Win) -> tuple[str, dict[str, Any]]:
    partnership = partnerships.get_partnership(session, win.partnership_id)
    if win.deleted_at is not None:
        return partnership.channel_id, messages.withdrawn(win, partnership)
    return partnership.channel_id, messages.celebration(win, partnership)


def _error_of(exc: Exception) -> str:
    """Slack's error code, or what went wrong on the way (no answer in time, a reset)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error"))
    return "timeout" if isinstance(exc, TimeoutError) else "connection_error"


WIN_EVENT = "partnerbot_win"


def _key(win: Win) -> dict[str, Any]:
    """Message metadata naming the win, so a post whose answer never came can be found."""
    return {"event_type": WIN_EVENT, "event_payload": {"key": f"win:{win.id}"}}


def _post(client: WebClient, session: Session, win: Win) -> Outcome:
    channel, message = _message(session, win)
    try:
        posted = client.chat_postMessage(channel=channel, metadata=_key(win), **message)
    except (SlackApiError, OSError) as exc:
        error = _error_of(exc)
        log.warning("celebration of win %s in %s failed: %s", win.id, channel, error)
        return Outcome(posted=False, error=error, channel_id=channel)
    wins.record_posts(session, win, channel, posted["ts"])
    try:
        client.reactions_add(channel=channel, timestamp=posted["ts"], name=messages.REACTION)
    except (SlackApiError, OSError) as exc:
        if _error_of(exc) != "already_reacted":
            log.warning("reaction on win %s failed: %s", win.id, _error_of(exc))
    return Outcome(posted=True, channel_id=channel)


def celebrate(
    client: WebClient, session: Session, win: Win, config: HandlerConfig | None
) -> Outcome:
    """Post a new win in its partnership's channel, and a copy in the internal wins channel."""
    outcome = _post(client, session, win)
    partnership = partnerships.get_partnership(session, win.partnership_id)
    copy_to = win_records.copy_channel_for(
        session, partnership, config.wins_channel_id if config else None
    )
    if copy_to:
        try:
            posted = client.chat_postMessage(
                channel=copy_to, **messages.celebration(win, partnership)
            )
        except (SlackApiError, OSError) as exc:
            log.warning(
                "copy of win %s to WINS_CHANNEL_ID %s failed: %s; invite partnerbot to that "
                "channel or correct the setting",
                win.id,
                copy_to,
                _error_of(exc),
            )
        else:
            wins.record_posts(session, win, None, None, copy_to, posted["ts"])
    return outcome


def update_posts(client: WebClient, session: Session, win: Win) -> Outcome:
    """Bring a win's messages in line with it (edited or withdrawn); post it if it never was."""
    channel, message = _message(session, win)
    if not wins.is_posted(win):
        if win.deleted_at is not None:
            return Outcome(posted=True, channel_id=channel)  # nothing out there to withdraw
        return repost(client, session, win)
    outcome = Outcome(posted=True, channel_id=channel)
    try:
        client.chat_update(channel=win.channel_id or channel, ts=win.message_ts, **message)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("update of win %s in %s failed: %s", win.id, channel, error)
        outcome = Outcome(posted=False, error=error, channel_id=channel)
    if win.copy_channel_id and win.copy_ts:
        try:
            client.chat_update(channel=win.copy_channel_id, ts=win.copy_ts, **message)
        except SlackApiError as exc:
            log.warning("update of win %s's copy failed: %s", win.id, exc.response.get("error"))
    return outcome


def _found_earlier_post(client: WebClient, session: Session, win: Win) -> Outcome | None:
    """An earlier post Slack made though its answer never reached us (a timeout), if any."""
    channel, _ = _message(session, win)
    try:
        ts = delivery.find_keyed_message(
            client, channel, WIN_EVENT, f"win:{win.id}", win.created_at.timestamp() - 60
        )
    except (SlackApiError, OSError) as exc:
        log.info("could not look for an earlier post of win %s: %s", win.id, _error_of(exc))
        return None
    if ts is None:
        return None
    wins.record_posts(session, win, channel, ts)
    return Outcome(posted=True, channel_id=channel)


def repost(client: WebClient, session: Session, win: Win) -> Outcome:
    """Post a win whose celebration failed before (once, however often the button is pressed)."""
    if win.deleted_at is not None:
        raise Conflict("This win was withdrawn, so it isn't posted again.")
    if wins.is_posted(win):
        return update_posts(client, session, win)
    if not wins.claim_posting(session, win):
        raise Conflict("This win is being posted right now.")
    session.commit()  # the claim keeps a second click from posting it twice
    outcome = Outcome(posted=False, error="internal_error")
    try:
        outcome = _found_earlier_post(client, session, win) or _post(client, session, win)
    finally:
        if not outcome.posted:
            wins.release_posting(session, win)
        session.commit()
    return outcome


def show(
    client: WebClient, body: dict[str, Any], win: Win, outcome: Outcome, *, edited: bool = False
) -> None:
    """Tell the person in the modal they submitted how it went, or by DM when that is gone."""
    view = body.get("view") or {}
    try:
        client.views_update(
            view_id=view["id"], view=views.outcome_view(win, outcome, edited=edited)
        )
        return
    except (SlackApiError, OSError, KeyError) as exc:
        log.info("outcome modal for win %s not shown (%s); sending a DM", win.id, exc)
    if outcome.posted:
        return
    user = (body.get("user") or {}).get("id")
    what = "update its message" if edited else "celebrate it"
    try:
        client.chat_postMessage(channel=user, text=views.not_posted_text(outcome, what=what))
    except (SlackApiError, OSError) as exc:
        log.warning("could not tell %s that win %s wasn't posted: %s", user, win.id, exc)
