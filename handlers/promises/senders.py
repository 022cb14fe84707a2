"""The Slack effects of promises: notes to the partner, notes to the maker, and reminders.

A note to the person a promise is owed to goes by DM; when Slack won't let partnerbot DM an
external person (``invalid_user_combination``), it goes in a thread in the partnership
channel, mentioning them, and every later note about that promise follows it there. Every
message carries its key, so a retry never posts it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners.names import sides
from bot.domain.partners.service import owners
from bot.domain.promises import service as promises
from handlers import delivery
from handlers.delivery import how_to_fix
from handlers.dispatch import Attempt
from handlers.effects import declare
from handlers.ids import Action
from handlers.promises import messages
from handlers.tell import open_dm, tell, try_again_button, with_button
from handlers.text import Mrkdwn, md, user
from storage.models import Occurrence, Promise

REMINDER = promises.REMINDER_KIND
PARTNER_NOTE = "promise.partner"
PARTNER_CARD = "promise.partner_card"
MAKER_NOTE = "promise.maker"
# Only this refusal moves the notes to the channel: the person is there, just not DM-able.
DM_REFUSED = frozenset({"invalid_user_combination"})


def _promise(session: Session, occurrence: Occurrence) -> Promise | None:
    return session.get(Promise, occurrence.subject_id) if occurrence.subject_id else None


def to_partner(
    session: Session, promise: Promise, actor: str, note: str, seq: int | None = None
) -> None:
    """Declare a note to the person the promise is owed to: ``note`` is "made", "made_good"
    or "renegotiate" (with the proposal's ``seq``)."""
    declare(
        session,
        PARTNER_NOTE,
        f"promise:{promise.id}:partner:{note}:{uuid.uuid4().hex[:12]}",
        actor=actor,
        what="The note",
        where=promise.partnership.channel_id,
        partnership_id=promise.partnership_id,
        subject_id=promise.id,
        note=note,
        seq=seq,
    )


def to_maker(
    session: Session,
    promise: Promise,
    text: Mrkdwn | None,
    *,
    with_actions: bool = False,
    card: bool = False,
) -> None:
    """Declare a DM to the maker: ``text`` (or, with ``card``, the promise's card)."""
    declare(
        session,
        MAKER_NOTE,
        f"promise:{promise.id}:maker:{uuid.uuid4().hex[:12]}",
        actor=None,
        what="The note",
        where=None,
        partnership_id=promise.partnership_id,
        subject_id=promise.id,
        text=str(text) if text is not None else None,
        with_actions=with_actions,
        card=card,
    )


def _partner_message(
    session: Session, promise: Promise, payload: dict[str, Any]
) -> Callable[[bool], dict]:
    note = payload.get("note")
    if note == "made_good":
        return lambda in_thread: messages.made_good_request(promise, in_thread)
    if note == "renegotiate":
        seq = int(payload.get("seq") or 0)
        return lambda in_thread: messages.renegotiation_request(promise, seq, in_thread)
    names = sides(session, promise.partnership)
    return lambda in_thread: messages.partner_note(promise, names, in_thread)


def send_partner_note(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A note to the partner contact: their DM, or the promise's thread in the channel."""
    promise = _promise(session, occurrence)
    if promise is None:
        return Delivery.skipped("no promise")
    message = _partner_message(session, promise, occurrence.payload or {})
    if not promise.in_thread:
        try:
            channel = open_dm(client, promise.owed_to_id)
            sent = delivery.post(client, occurrence, channel, message(False))
        except (SlackApiError, OSError) as error:
            sent = delivery.delivery_for(error)
        if sent.outcome is Outcome.SENT:
            if promise.partner_ts is None:
                promises.partner_note_sent(session, promise, str(sent.channel), str(sent.ts), False)
            return sent
        if sent.reason not in DM_REFUSED:
            return sent
    channel = promise.partnership.channel_id
    root = promise.partner_ts if promise.in_thread else None
    if root is None:
        sent = delivery.post(
            client, occurrence, channel, messages.thread_root(promise), key=f"promise:{promise.id}"
        )
        if sent.outcome is not Outcome.SENT:
            return sent
        root = str(sent.ts)
        promises.partner_note_sent(session, promise, channel, root, in_thread=True)
    return delivery.post(client, occurrence, channel, {"thread_ts": root, **message(True)})


def partner_card(session: Session, promise: Promise, actor: str) -> None:
    """Declare bringing the partner's card (the note of a promise made to them, in their DM)
    in line with the promise, after they answered it from somewhere else (the App Home)."""
    if promise.in_thread or not promise.partner_channel or not promise.partner_ts:
        return  # in a thread, the card is answered where it is (the reply replaces it)
    declare(
        session,
        PARTNER_CARD,
        f"promise:{promise.id}:card:{uuid.uuid4().hex[:12]}",
        actor=None,
        what="The card",
        where=None,
        partnership_id=promise.partnership_id,
        subject_id=promise.id,
        by=actor,
    )


def send_partner_card(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The partner's DM card, rebuilt from the database."""
    promise = _promise(session, occurrence)
    if promise is None or not promise.partner_channel or not promise.partner_ts:
        return Delivery.skipped("no card")
    content = messages.partner_note(promise, sides(session, promise.partnership), False)
    try:
        client.chat_update(channel=promise.partner_channel, ts=promise.partner_ts, **content)
    except (SlackApiError, OSError) as error:
        return delivery.delivery_for(error)
    return Delivery.sent(promise.partner_channel, promise.partner_ts)


def partner_note_notice(client: WebClient, session: Session, attempt: Attempt) -> None:
    """The note couldn't reach the partner contact: the person who acted is told."""
    promise = _promise(session, attempt.occurrence)
    if promise is None or attempt.delivery.outcome is not Outcome.PERMANENT:
        return
    reason = how_to_fix(attempt.delivery.reason, promise.partnership.channel_id)
    tell(
        client,
        (attempt.occurrence.payload or {}).get("actor"),
        md(
            "I couldn't reach {} about your promise ({}); please let them know yourself, or "
            "press *Post it now* once it's fixed.",
            user(promise.owed_to_id),
            reason,
        ),
        blocks=with_button(
            md("I couldn't reach {} about your promise ({}).", user(promise.owed_to_id), reason),
            try_again_button(Action.EFFECT_RETRY, str(attempt.occurrence.id)),
        ),
    )


def send_maker_note(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A DM to the maker about their promise."""
    promise = _promise(session, occurrence)
    if promise is None:
        return Delivery.skipped("no promise")
    payload = occurrence.payload or {}
    if payload.get("card"):
        content = messages.maker_card(promise, utcnow())
    else:
        # The text was built with md() when the change was declared: it is ours, escaped.
        text = Mrkdwn(str(payload.get("text") or ""))
        content = messages.to_maker(promise, text, bool(payload.get("with_actions")))
    try:
        channel = open_dm(client, promise.maker_id)
    except (SlackApiError, OSError) as error:
        return delivery.delivery_for(error)
    return delivery.post(client, occurrence, channel, content)


def send_reminder(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Remind the maker of an open promise; skipped once it is made good, kept or released."""
    payload = occurrence.payload or {}
    promise = _promise(session, occurrence)
    why_not = promises.reminder_is_current(promise, payload)
    if why_not is not None or promise is None:
        return Delivery.skipped(why_not or "no promise")
    number = int(payload.get("number") or promise.reminders_sent + 1)
    now = utcnow()
    try:
        channel = open_dm(client, promise.maker_id)
    except (SlackApiError, OSError) as error:
        return tell_owners_if_lost(client, occurrence, promise, delivery.delivery_for(error))
    sent = delivery.post(client, occurrence, channel, messages.reminder_message(promise, now))
    if sent.outcome is Outcome.SENT:
        promises.reminded(session, promise, number, now)
    return tell_owners_if_lost(client, occurrence, promise, sent)


def tell_owners_if_lost(
    client: WebClient, occurrence: Occurrence, promise: Promise, sent: Delivery
) -> Delivery:
    """A reminder Slack won't ever take (say the maker's account was deactivated) ends the
    chain of reminders: the partnership's other owners are told, so the promise isn't lost."""
    if sent.outcome is not Outcome.PERMANENT:
        return sent
    others = [u for u in owners(promise.partnership) if u != promise.maker_id]
    delivery.tell_people(
        client, occurrence, others, lambda _user: messages.reminder_lost(promise, sent.reason)
    )
    return sent
