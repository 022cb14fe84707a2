"""The Slack effects of deal registration: the card in the shared channel, each decision in
its thread (the card's status line follows), and the note to the vendor's approvers about
conflicts.

Everything is rendered from the database when it is sent (never from blocks a request
carried); each post carries its own key, so a retry after a timeout finds what the earlier
attempt posted instead of posting it again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.domain.deals import records
from bot.domain.deals import service as deals
from bot.domain.errors import NotFound
from bot.domain.outbox import Delivery, Outcome
from handlers import delivery
from handlers.deals import messages
from handlers.deals.funnel import card_actions
from storage.models import DealChange, Occurrence, Registration

log = logging.getLogger(__name__)

CARD = "deal.card"
DECISION = "deal.decision"
CONFLICTS = "deal.conflicts"


def card_key(registration_id: int) -> str:
    return f"deal:{registration_id}"


def _card(session: Session, occurrence: Occurrence) -> records.Card | None:
    try:
        return records.card(session, int(occurrence.subject_id or 0))
    except NotFound:
        return None


def card_content(session: Session, registration: Registration) -> dict[str, Any]:
    """The card as it stands in the database (for chat.update after any change)."""
    card = records.card(session, registration.id)
    return messages.registration_card(card, _funnel_blocks(registration))


def _funnel_blocks(registration: Registration) -> list[Block]:
    """The funnel's buttons on the card (Update, History, Mark won, Mark lost)."""
    return card_actions(registration)


def send_card(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Post a registration's card in its partnership's channel, once, and remember where."""
    card = _card(session, occurrence)
    if card is None:
        return Delivery.skipped("the registration is gone")
    r = card.registration
    if r.message_ts:
        return Delivery.sent(r.channel_id, r.message_ts)
    channel = card.partnership.channel_id
    content = messages.registration_card(card, _funnel_blocks(r))
    sent = delivery.post(client, occurrence, channel, content, key=card_key(r.id))
    if sent.outcome is Outcome.SENT and sent.ts:
        deals.posted(session, r.id, sent.channel or channel, sent.ts)
    return sent


def send_decision(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A decision, a question or an answer in the card's thread; the card follows it."""
    card = _card(session, occurrence)
    payload = occurrence.payload or {}
    change = session.get(DealChange, int(payload.get("change_id") or 0))
    if card is None or change is None or change.registration_id != card.registration.id:
        return Delivery.skipped("the registration is gone")
    r = card.registration
    if not r.message_ts or not r.channel_id:  # the card isn't out yet: it shows the status then
        return Delivery.retry("the card isn't posted yet", after_seconds=5)
    sent = delivery.post(
        client,
        occurrence,
        r.channel_id,
        {"thread_ts": r.message_ts, **messages.decision_note(card, change)},
    )
    if sent.outcome is not Outcome.SENT:
        return sent
    try:
        client.chat_update(
            channel=r.channel_id,
            ts=r.message_ts,
            **messages.registration_card(card, _funnel_blocks(r)),
        )
    except (SlackApiError, OSError) as error:
        return delivery.delivery_for(error)
    return sent


def _permalink(client: WebClient, registration: Registration) -> str | None:
    if not registration.channel_id or not registration.message_ts:
        return None
    try:
        answer = client.chat_getPermalink(
            channel=registration.channel_id, message_ts=registration.message_ts
        )
        return str(answer.get("permalink") or "") or None
    except (SlackApiError, OSError):
        return None


def send_conflicts(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Tell the vendor's deal approvers, by DM, which registrations claim the same account:
    the detail the shared card leaves out. Each approver once."""
    card = _card(session, occurrence)
    if card is None or not card.conflicts:
        return Delivery.skipped("nothing to tell")
    if card.registration.status not in deals.UNDECIDED:
        return Delivery.skipped("decided already")
    link = _permalink(client, card.registration)  # none while the card isn't out: the channel
    content = messages.conflicts_note(card, link)
    return delivery.tell_people(client, occurrence, card.approvers, lambda _user: content)
