"""Talking to people: a note only they see, a DM, a modal that says how something went.

Every "tell this person" in partnerbot comes through here: an ephemeral message in the
channel they acted in when there is one (Slack doesn't guarantee those reach an external
user, so a refusal falls back to a DM), otherwise a DM. Text is ``Mrkdwn`` (handlers.text).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.domain.partners.names import sides
from bot.domain.partners.service import owners
from handlers.blocks import actions, button, message, section
from handlers.text import Mrkdwn, either, md, plain, require
from storage.models import Partnership

log = logging.getLogger(__name__)

# conversations.open refuses a DM with an external person who shares no DM-able channel.
DM_REFUSED = frozenset({"invalid_user_combination", "cannot_dm_bot", "user_not_found"})


def owners_at_vendor(session: Session, partnership: Partnership) -> Mrkdwn:
    """Whom a partner's people ask for what only the vendor can do, by name:
    "<@U_TM> or <@U_CAM> at Globex"."""
    return md("{} at {}", either(owners(partnership)), sides(session, partnership).vendor)


def error_code(error: Exception) -> str:
    """Slack's error code, or what went wrong on the way (no answer in time, a reset)."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "unknown_error")
    return "timeout" if isinstance(error, TimeoutError) else "connection_error"


def open_dm(client: WebClient, user_id: str) -> str:
    """The DM channel with a person (conversations.open)."""
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def dm(client: WebClient, user_id: str, content: dict[str, Any]) -> tuple[str, str]:
    """Post ``content`` (text, blocks, ...) in the DM with ``user_id``; returns (channel, ts).

    Raises what Slack raises: callers decide whether a refusal matters.
    """
    channel = open_dm(client, user_id)
    answer = client.chat_postMessage(channel=channel, **content)
    return channel, str(answer["ts"])


def tell(
    client: WebClient,
    user_id: str | None,
    text: Mrkdwn,
    *,
    channel: str | None = None,
    blocks: list[Block] | None = None,
) -> bool:
    """A note only this person sees: ephemeral in ``channel``, or a DM. False if neither
    reached them (logged, never raised: telling follows a change that already stands)."""
    require(text)
    if not user_id:
        return False
    content = message(text, blocks)
    if channel and not channel.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel, user=user_id, **content)
            return True
        except (SlackApiError, OSError) as exc:
            log.info("ephemeral to %s in %s failed: %s", user_id, channel, error_code(exc))
    try:
        client.chat_postMessage(channel=user_id, **content)
        return True
    except (SlackApiError, OSError) as exc:
        log.warning("could not tell %s: %s", user_id, error_code(exc))
        return False


def show_in_modal(
    client: WebClient, view_id: str | None, title: str, text: Mrkdwn, *, retry: Any = None
) -> bool:
    """Replace an open modal with a short message (and a button); False if it is gone."""
    if not view_id:
        return False
    blocks: list[Block] = [section(text)]
    if retry is not None:
        blocks.append(actions(elements=[retry]))
    view = View(type="modal", title=plain(title, 24), close="Close", blocks=blocks)
    try:
        client.views_update(view_id=view_id, view=view.to_dict())
        return True
    except (SlackApiError, OSError) as exc:
        log.info("modal %s not updated (%s)", view_id, error_code(exc))
        return False


def try_again_button(action_id: str, value: str, text: str = "Post it now") -> Any:
    return button(text, action_id, value, style="primary")


def with_button(text: Mrkdwn, action: Any) -> list[Block] | None:
    """A note's blocks: its text and one button (None without a button)."""
    if action is None:
        return None
    return [section(text), actions(elements=[action])]
