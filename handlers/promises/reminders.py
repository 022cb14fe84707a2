"""The outbox sender for promise reminders: a DM to the maker, then the next one planned."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import promises
from bot.domain.clock import utcnow
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partnerships import owners
from handlers import delivery
from handlers.promises import messaging, views
from storage.models import Occurrence, Promise

KIND = promises.REMINDER_KIND


def send_reminder(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Remind the maker of an open promise; skipped once it is made good, kept or released."""
    payload = occurrence.payload or {}
    promise = session.get(Promise, occurrence.subject_id) if occurrence.subject_id else None
    why_not = promises.reminder_is_current(promise, payload)
    if why_not is not None or promise is None:
        return Delivery.skipped(why_not or "no promise")
    number = int(payload.get("number") or promise.reminders_sent + 1)
    now = utcnow()
    try:
        channel = messaging.open_dm(client, promise.maker_id)
    except (SlackApiError, OSError) as error:
        return tell_owners_if_lost(client, occurrence, promise, delivery.delivery_for(error))
    sent = delivery.post(client, occurrence, channel, views.reminder_message(promise, number, now))
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
        client, occurrence, others, lambda _user: views.reminder_lost(promise, sent.reason)
    )
    return sent
