"""The Slack side of the outbox: what Slack's answers mean for a delivery, and message keys.

Every message the scheduler posts carries its occurrence key in Slack message metadata, so a
ticker that crashed between Slack's answer and its own commit finds the message on the next
attempt instead of posting it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.outbox import Delivery
from handlers.text import Mrkdwn, md
from handlers.text import channel as channel_link
from storage.models import Occurrence

log = logging.getLogger(__name__)

METADATA_EVENT = "partnerbot_reminder"
# Answers that will pass if we try again later.
PASSING_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Answers about the channel itself: posting there won't work until someone fixes it.
CHANNEL_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "access_denied",
        "team_access_not_granted",
    }
)


# What a person can do about each channel error (no final full stop: callers add what next).
CHANNEL_FIXES = {
    "not_in_channel": "I'm not a member of {}. Invite me there with `/invite @partnerbot`",
    "is_archived": "{} is archived. Ask someone to unarchive it",
    "channel_not_found": (
        "I can't see the partnership's channel any more (it may have been deleted, or stopped "
        "being shared). Ask an owner to check it with `/partner`"
    ),
    "access_denied": "Slack doesn't let me post in {}. Ask a Slack admin of your workspace why",
    "team_access_not_granted": (
        "partnerbot isn't allowed in {} by its organization's settings. Ask an admin to allow it"
    ),
    "msg_too_long": "The message is longer than Slack takes. Shorten the text and try again",
    "message_not_found": (
        "Its message in {} was deleted, so there is nothing to update; the record is kept"
    ),
    "user_not_found": "Slack can't find that person any more",
    "user_disabled": "That person's Slack account is deactivated",
}


def how_to_fix(error: str | None, channel: str) -> Mrkdwn:
    """The advice for a Slack error about a channel, or "wait a minute" for anything else."""
    fix = CHANNEL_FIXES.get(error or "")
    if fix is None:
        return md("Slack is having trouble right now ({}). Wait a minute", error or "no answer")
    return md(fix, channel_link(channel))


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    """The link to a posted message (chat.getPermalink), for a "take me there" button; None
    when there is no message yet or Slack won't say (the button is then left out)."""
    if not channel or not ts:
        return None
    try:
        found = client.chat_getPermalink(channel=channel, message_ts=ts)
    except (SlackApiError, OSError) as exc:
        log.info("no permalink for %s in %s: %s", ts, channel, exc)
        return None
    return str(found.get("permalink") or "") or None


def metadata(occurrence: Occurrence, key: str | None = None) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key or occurrence.key}}


def delivery_for(error: Exception) -> Delivery:
    """Map a failed Web API call to a retry (429, 5xx, timeouts) or a permanent failure."""
    if isinstance(error, SlackApiError):
        response = error.response
        status = getattr(response, "status_code", 200)
        code = str(response.get("error") or f"http {status}")
        if status == 429 or code == "ratelimited":
            retry_after = (getattr(response, "headers", None) or {}).get("Retry-After") or (
                getattr(response, "headers", None) or {}
            ).get("retry-after")
            return Delivery.retry(code, after_seconds=float(retry_after) if retry_after else None)
        if status >= 500 or code in PASSING_ERRORS:
            return Delivery.retry(code)
        return Delivery.permanent(code)
    if isinstance(error, TimeoutError | ConnectionError | OSError):
        return Delivery.retry(f"{error.__class__.__name__}: {error}")
    raise error


def is_channel_error(delivery: Delivery) -> bool:
    return delivery.reason in CHANNEL_ERRORS


def find_keyed_message(
    client: WebClient,
    channel: str,
    event_type: str,
    key: str,
    oldest: float,
    thread_ts: str | None = None,
) -> str | None:
    """The ts of a message in ``channel`` (or in thread ``thread_ts``) since ``oldest`` whose
    metadata carries ``key``. Thread replies are not in the channel's history: Slack lists
    them with conversations.replies."""
    cursor: str | None = None
    for _page in range(5):
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest:.6f}",
            "include_all_metadata": True,
            "limit": 200,
            "cursor": cursor,
        }
        if thread_ts:
            answer = client.conversations_replies(ts=thread_ts, **args)
        else:
            answer = client.conversations_history(**args)
        for message in answer.get("messages") or []:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == event_type
                and (meta.get("event_payload") or {}).get("key") == key
            ):
                return str(message["ts"])
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not answer.get("has_more") or not cursor:
            return None
    return None


def post(
    client: WebClient,
    occurrence: Occurrence,
    channel: str,
    message: dict[str, Any],
    *,
    key: str | None = None,
    check_earlier_attempt: bool = True,
) -> Delivery:
    """Post ``message`` (text, blocks, thread_ts, ...) carrying ``key`` (default: the
    occurrence's key) in its metadata; never twice.

    On a repeated attempt it first looks for the message an earlier attempt may have posted
    (an answer that never came, a process that died before recording it).
    """
    key = key or occurrence.key
    try:
        if check_earlier_attempt and occurrence.attempts > 1:
            found = find_keyed_message(
                client,
                channel,
                METADATA_EVENT,
                key,
                occurrence.due_at.timestamp() - 60,
                thread_ts=message.get("thread_ts"),
            )
            if found is not None:
                log.info("%s was already posted as %s", key, found)
                return Delivery.sent(channel, found)
        answer = client.chat_postMessage(
            channel=channel, metadata=metadata(occurrence, key), **message
        )
        return Delivery.sent(str(answer.get("channel") or channel), str(answer.get("ts")))
    except (SlackApiError, OSError) as error:
        return delivery_for(error)


def tell_people(
    client: WebClient,
    occurrence: Occurrence,
    user_ids: list[str],
    message: Callable[[str], dict[str, Any]],
    *,
    refused: frozenset[str] = frozenset(),
) -> Delivery:
    """DM each person once, remembering in the occurrence who already got it (for retries).

    Each DM carries the occurrence key: a retry first looks in the DM for the message an
    earlier attempt may have posted. A person Slack won't let us DM is logged and passed
    over (those whose error is in ``refused`` are listed in the payload's "refused", for the
    caller to reach another way); a passing error retries the rest later.
    """
    payload = dict(occurrence.payload or {})
    done = list(payload.get("told") or [])
    declined = list(payload.get("refused") or [])
    last: Delivery = Delivery.skipped("nobody to tell")
    for user_id in user_ids:
        if user_id in done or user_id in declined:
            continue
        try:
            channel = str(client.conversations_open(users=user_id)["channel"]["id"])
            last = post(client, occurrence, channel, message(user_id))
        except (SlackApiError, OSError) as error:
            last = delivery_for(error)
        if last.outcome.value == "retry":
            occurrence.payload = {**payload, "told": done, "refused": declined}
            return last
        if last.outcome.value == "permanent":
            if last.reason in refused:
                declined.append(user_id)
                continue
            log.warning("could not DM %s about %s: %s", user_id, occurrence.key, last.reason)
        done.append(user_id)
    occurrence.payload = {**payload, "told": done, "refused": declined}
    if last.outcome.value != "sent" and (done or declined):
        return Delivery.sent(None, None)
    return last
