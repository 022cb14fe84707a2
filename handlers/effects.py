"""Declaring what a change does in Slack, and telling its author how that went.

A listener declares each effect of its change (``declare``) inside the request's transaction;
the error boundary commits, acks, and sends them through ``handlers.dispatch`` under the
outbox's policy. This module also holds the generic notice (what a person is told when an
effect is delayed or refused) and the **Post it now** button that tries a refused one again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot.domain import limits, outbox
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners.service import person_side
from handlers import delivery
from handlers.boundary import TrackedAck, listener
from handlers.delivery import how_to_fix
from handlers.dispatch import Attempt
from handlers.ids import Action
from handlers.subjects import OUT_OF_DATE, button_id
from handlers.tell import (
    open_dm,
    owners_at_vendor,
    show_in_modal,
    tell,
    try_again_button,
    with_button,
)
from handlers.text import Mrkdwn, channel, link, md, require
from storage.models import Occurrence, OccurrenceStatus, Partnership, Side

log = logging.getLogger(__name__)


def declare(
    session: Session,
    kind: str,
    key: str,
    *,
    actor: str | None,
    what: str,
    where: str | None,
    partnership_id: int | None = None,
    subject_id: int | None = None,
    reply_in: str | None = None,
    view_id: str | None = None,
    channel_post: bool = False,
    **extra: Any,
) -> bool:
    """Declare an effect: ``what`` (e.g. "Your proposal") goes to channel ``where``; ``actor``
    is told if it is delayed or refused, in modal ``view_id`` or channel ``reply_in``.

    A ``channel_post`` (a post in a partnership's channel on the actor's behalf) counts
    towards the hourly post limits, and is refused with a DomainError over them."""
    if channel_post:
        limits.require_room(session, partnership_id, actor)
    payload = {
        "actor": actor,
        "what": what,
        "where": where,
        "reply_in": reply_in,
        "view_id": view_id,
        **extra,
    }
    return outbox.declare(
        session,
        kind,
        key,
        partnership_id=partnership_id,
        subject_id=subject_id,
        payload={k: v for k, v in payload.items() if v is not None},
        actor=actor,
        channel_post=channel_post,
    )


def digest(content: Any) -> str:
    """A fingerprint of what a share would post, to notice the same thing shared again."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def share(
    session: Session,
    client: WebClient,
    respond: Any,
    *,
    kind: str,
    partnership_id: int,
    channel_id: str,
    actor: str,
    what: str,
    content_digest: str,
    **extra: Any,
) -> None:
    """Declare sharing ``what`` in the partnership's channel, unless the same was shared
    there a few minutes ago: then the person gets a link to that post instead."""
    earlier = limits.recent_share(session, kind, partnership_id, content_digest)
    if earlier is not None and earlier.channel and earlier.ts:
        try:
            found = client.chat_getPermalink(channel=earlier.channel, message_ts=earlier.ts)
            where = link(str(found.get("permalink") or ""), "the earlier post")
        except (SlackApiError, OSError):
            where = md("the channel's recent messages")
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=md(
                "Nothing has changed since {} was shared in {} a few minutes ago, so I didn't "
                "post it again: see {}.",
                what,
                channel(channel_id),
                where,
            ),
        )
        return
    declare(
        session,
        kind,
        f"{kind}:{partnership_id}:{uuid.uuid4().hex[:12]}",
        actor=actor,
        what=what,
        where=channel_id,
        partnership_id=partnership_id,
        reply_in=channel_id,
        saved=False,
        channel_post=True,
        digest=content_digest,
        **extra,
    )


NOTE = "note"
REPLY = "reply"


def note_to(
    session: Session,
    user_id: str,
    text: Mrkdwn,
    channel: str | None = None,
    *,
    content: dict[str, Any] | None = None,
) -> None:
    """Declare a note only this person sees (ephemeral in ``channel``, else a DM), sent once
    the change it confirms is committed. ``content`` (our rendered message: text, blocks)
    replaces ``text`` when the note has buttons."""
    declare(
        session,
        NOTE,
        f"note:{user_id}:{uuid.uuid4().hex[:12]}",
        actor=None,
        what="The note",
        where=channel,
        user=user_id,
        text=str(require(text)),
        content=content,
    )


def send_note(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    payload = occurrence.payload or {}
    user_id, where = str(payload.get("user") or ""), payload.get("where")
    content = payload.get("content")
    if content:  # rendered by our views when the change was declared
        try:
            if where:
                try:
                    client.chat_postEphemeral(channel=where, user=user_id, **content)
                    return Delivery.sent(where, None)
                except SlackApiError:
                    pass  # not in the channel now: a DM
            channel = open_dm(client, str(user_id))
            return delivery.post(client, occurrence, channel, content)
        except (SlackApiError, OSError) as exc:
            return delivery.delivery_for(exc)
    # The text was built with md() when the change was declared: it is ours, escaped.
    text = Mrkdwn(str(payload.get("text") or ""))
    told = tell(client, user_id, text, channel=where)
    return Delivery.sent(None, None) if told else Delivery.skipped("could not reach them")


def reply(
    session: Session, body: dict[str, Any], content: dict[str, Any], *, replace: bool
) -> None:
    """Declare the answer to a click through its response_url (replacing the message the
    button was on, or beside it), sent once the change it reports is committed."""
    url = body.get("response_url")
    if not url:
        user_id = (body.get("user") or {}).get("id")
        if user_id:
            note_to(session, user_id, require(content["text"]), content=content)
        return
    declare(
        session,
        REPLY,
        f"reply:{uuid.uuid4().hex}",
        actor=None,
        what="The answer",
        where=None,
        url=url,
        replace=replace,
        content=content,
    )


def send_reply(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    payload = occurrence.payload or {}
    answer = WebhookClient(str(payload["url"]), timeout=10).send_dict(
        {
            **(payload.get("content") or {}),
            "response_type": "ephemeral",
            "replace_original": bool(payload.get("replace")),
        }
    )
    if answer.status_code == 200:
        return Delivery.sent(None, None)
    if answer.status_code == 429 or answer.status_code >= 500:
        return Delivery.retry(f"http {answer.status_code}")
    return Delivery.permanent(f"http {answer.status_code}: {answer.body[:100]}")


def owners_to_ask(
    session: Session, partnership_id: int | None, user_id: str | None
) -> Mrkdwn | None:
    """For a partner's person, the partnership's owners at the vendor, by name: they can do
    what the partner's people can't (invite partnerbot, check the channel). None for anyone
    else, who can do it themselves."""
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None or person_side(session, partnership, user_id) is not Side.PARTNER:
        return None
    return owners_at_vendor(session, partnership)


def notice(client: WebClient, session: Session, attempt: Attempt) -> None:
    """The generic notice: a delay is mentioned once; a refusal says what to fix, with a
    button to try again."""
    occurrence, delivery = attempt.occurrence, attempt.delivery
    payload = occurrence.payload or {}
    actor, where = payload.get("actor"), str(payload.get("where") or "")
    what = str(payload.get("what") or "Your change")
    retry = None
    if delivery.outcome is Outcome.SENT and attempt.first and payload.get("confirm"):
        text = md("{} in {}.", str(payload["confirm"]), channel(where))
    elif delivery.outcome is Outcome.RETRY and attempt.first:
        text = md(
            "{} is saved. Slack is busy right now, so it will appear in {} shortly; there is "
            "nothing else to do.",
            what,
            channel(where),
        )
    elif delivery.outcome is Outcome.PERMANENT:
        opening = (
            md("{} is saved, but I couldn't show it in {}.", what, channel(where))
            if payload.get("saved", True)
            else md("I couldn't post {} in {}.", what, channel(where))
        )
        # Whom to ask is looked up only when something must be fixed.
        ask = owners_to_ask(session, occurrence.partnership_id, actor)
        fix = how_to_fix(delivery.reason, where, ask=ask)
        text = md("{} {}, then press *Post it now*.", opening, fix)
        retry = try_again_button(Action.EFFECT_RETRY, str(occurrence.id))
    else:
        return
    view_id = payload.get("view_id") if attempt.first else None
    if show_in_modal(client, view_id, "Saved", text, retry=retry):
        return
    tell(
        client,
        actor,
        text,
        channel=payload.get("reply_in") if attempt.first else None,
        blocks=with_button(text, retry),
    )


@listener
def try_again(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    """**Post it now**: send an effect Slack refused, after its author fixed the channel."""
    ack()
    occurrence = session.get(Occurrence, button_id(body))
    if occurrence is None:
        raise DomainError(OUT_OF_DATE)
    user = (body.get("user") or {}).get("id")
    if (occurrence.payload or {}).get("actor") != user:
        raise NotAllowed("Only the person who made this change can post it again.")
    if occurrence.status is OccurrenceStatus.SENT:
        raise DomainError("It's posted already.")
    if not outbox.declare_again(session, occurrence):
        raise DomainError("It's being posted right now; give it a minute.")


def opened_link(ack: Any) -> None:
    """A URL button opened its link in the person's browser; Slack wants the click acked."""
    ack()


def register(app: App) -> None:
    app.action(Action.EFFECT_RETRY)(try_again)
    app.action(Action.OPEN_LINK)(opened_link)
