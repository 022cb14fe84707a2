"""The Slack side of the outbox: what Slack's answers mean for a delivery, and message keys.

Every message the scheduler posts carries its occurrence key in Slack message metadata, so a
ticker that crashed between Slack's answer and its own commit finds the message on the next
attempt instead of posting it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Cause:
    """What a Slack error means, in plain words, and what fixes it.

    ``what`` names the cause (``{}`` is the channel); ``fix`` is what to do. ``via`` is the
    fix as someone else must do it (invite partnerbot, check the channel's link): a reader
    who can't do it themselves (a partner's people) is told whom to ask, by name.
    """

    what: str
    fix: str
    via: str | None = None


_BUSY = Cause("Slack is busy right now", "Wait a minute and try again")
_NO_DM = Cause(
    "Slack doesn't let me send that person a direct message (people at another company "
    "often can't get one from partnerbot)",
    "Let them know yourself in {}",
)
_ACCESS = Cause(
    "partnerbot's access to this workspace has lapsed or lacks a permission",
    "Ask whoever installed partnerbot to reinstall it",
    via="have partnerbot reinstalled",
)
_PERSON = "Pick someone else, or ask an owner to update the setup"

# The one table of Slack's error codes as people are told them, in every flow. A code not
# here is said as "Slack refused it", never by its name.
SLACK_CAUSES: dict[str, Cause] = {
    "not_in_channel": Cause(
        "I'm not a member of {}",
        "Invite me there with `/invite @partnerbot`",
        via="invite me there with `/invite @partnerbot`",
    ),
    "is_archived": Cause("{} is archived", "Ask someone to unarchive it"),
    "channel_not_found": Cause(
        "I can't see the partnership's channel any more (it may have been deleted, or stopped "
        "being shared)",
        "Ask an owner to check it with `/partner`",
        via="check it with `/partner`",
    ),
    "access_denied": Cause(
        "Slack doesn't let me post in {} (who may post there is limited)",
        "Ask whoever manages the channel to let partnerbot post there",
    ),
    "restricted_action": Cause(
        "{} only lets some people post",
        "Ask whoever manages the channel to let partnerbot post there",
    ),
    "team_access_not_granted": Cause(
        "partnerbot isn't allowed in {} by its organization's settings",
        "Ask an admin of the organization that hosts the channel to allow it",
    ),
    "msg_too_long": Cause("The message is longer than Slack takes", "Shorten the text"),
    "message_not_found": Cause(
        "Its message in {} was deleted, so there is nothing to update",
        "Nothing is lost: the record is kept",
    ),
    "user_not_found": Cause(
        "Slack no longer knows that person (they may have left their company)", _PERSON
    ),
    "user_disabled": Cause("That person's Slack account is deactivated", _PERSON),
    "cannot_dm_bot": _NO_DM,
    "invalid_user_combination": _NO_DM,
    "user_not_visible": _NO_DM,
    "missing_scope": _ACCESS,
    "not_allowed_token_type": _ACCESS,
    "invalid_auth": _ACCESS,
    "not_authed": _ACCESS,
    "account_inactive": _ACCESS,
    "token_revoked": _ACCESS,
    "token_expired": _ACCESS,
    **{code: _BUSY for code in PASSING_ERRORS},
    "timeout": _BUSY,
    "connection_error": _BUSY,
}
_UNKNOWN = Cause("Slack refused it", "Wait a minute and try again")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def cause(error: str | None, channel: str) -> Mrkdwn:
    """What a Slack error means, in a phrase: "I'm not a member of #acme-partners"."""
    found = SLACK_CAUSES.get(error or "", _UNKNOWN)
    return md(_capital(found.what), channel_link(channel))


def how_to_fix(error: str | None, channel: str, *, ask: Mrkdwn | None = None) -> Mrkdwn:
    """What a Slack error means and what fixes it, with no final full stop (callers add what
    comes next): "I'm not a member of #acme-partners. Invite me there with `/invite
    @partnerbot`". ``ask`` names who can do a fix the reader can't (the owners, for a
    partner's people): "… Ask @Terry to invite me there …"."""
    found = SLACK_CAUSES.get(error or "", _UNKNOWN)
    what = cause(error, channel)
    if found.via is not None and ask is not None:
        return md("{}. Ask {} to " + found.via, what, ask)
    return md("{}. " + found.fix, what, channel_link(channel))


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
