"""Getting promise notes to people: the maker by DM, the partner by DM or in a thread.

Slack refuses a DM to an external user the bot shares no channel with
(``invalid_user_combination``); the note then goes in a thread in the partnership channel,
mentioning them, and every later note about that promise follows it there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import promises
from handlers.promises import views
from storage.models import Promise

log = logging.getLogger(__name__)

DM_REFUSED = frozenset({"invalid_user_combination"})


def open_dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def dm(client: WebClient, user_id: str, message: dict[str, Any]) -> tuple[str, str]:
    """Post ``message`` in the DM with ``user_id``; returns (channel, ts)."""
    channel = open_dm(client, user_id)
    answer = client.chat_postMessage(channel=channel, **message)
    return channel, str(answer["ts"])


def tell_partner(
    client: WebClient,
    session: Session,
    promise: Promise,
    message: Callable[[bool], dict[str, Any]],
) -> tuple[str, str]:
    """Send the person the promise is owed to ``message(in_thread)``; returns (channel, ts)."""
    if not promise.in_thread:
        try:
            channel, ts = dm(client, promise.owed_to_id, message(False))
        except SlackApiError as exc:
            if exc.response.get("error") not in DM_REFUSED:
                raise
        else:
            if promise.partner_ts is None:
                promises.partner_note_sent(session, promise, channel, ts, in_thread=False)
            return channel, ts
    channel = promise.partnership.channel_id
    root = promise.partner_ts if promise.in_thread else None
    if root is None:
        answer = client.chat_postMessage(channel=channel, **views.thread_root(promise))
        root = str(answer["ts"])
        promises.partner_note_sent(session, promise, channel, root, in_thread=True)
    answer = client.chat_postMessage(channel=channel, thread_ts=root, **message(True))
    return channel, str(answer["ts"])


def reach_partner(
    client: WebClient,
    session: Session,
    promise: Promise,
    message: Callable[[bool], dict[str, Any]],
) -> str | None:
    """Send a note to the partner; on failure, a line for the person who acted saying so."""
    try:
        tell_partner(client, session, promise, message)
        return None
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("note about promise %s to the partner failed: %s", promise.id, error)
        return (
            f"I couldn't reach <@{promise.owed_to_id}> about it ({error}); please let them "
            "know yourself."
        )


def dm_after_commit(client: WebClient, user_id: str, message: dict[str, Any]) -> None:
    """A DM that follows a change already committed: its failure is logged, not undone."""
    try:
        dm(client, user_id, message)
    except SlackApiError as exc:
        log.warning("DM to %s failed: %s", user_id, exc.response.get("error"))


def tell_maker(client: WebClient, promise: Promise, text: str, with_actions: bool = False) -> None:
    dm_after_commit(client, promise.maker_id, views.to_maker(promise, text, with_actions))
