"""The outbox's senders for the shared funnel and deal registration's reminders.

- a change of the funnel (an update, won, lost, an extension, the protection's end): a line in
  the card's thread, and the card brought up to date;
- the decision nudge: a DM to the approvers of a registration waiting past its deadline;
- the protection reminder: a DM to the partner rep and the owners, or in the card's thread,
  with a mention, for those Slack won't let partnerbot DM.

Each is rendered from the database when it is sent, asked again whether it is still due, and
posted with its key (a retry finds what an unanswered attempt posted).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.clock import utcnow
from bot.domain.deals import reminders
from bot.domain.deals.changes import may_extend
from bot.domain.deals.service import approvers
from bot.domain.deals.terms import terms_for
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners.names import sides
from bot.domain.partners.service import owners
from handlers import delivery
from handlers.deals.history import change_line
from handlers.deals.reminders import decision_nudge, protection_in_thread, protection_reminder
from handlers.deals.senders import card_content
from handlers.effects import declare
from handlers.tell import DM_REFUSED
from storage.models import (
    DealChange,
    DealChangeKind,
    Occurrence,
    Partnership,
    PartnershipStatus,
    Registration,
    Side,
)

CHANGE = reminders.CHANGE
DECISION_NUDGE = reminders.DECISION
PROTECTION = reminders.PROTECTION

# What the person who made a change is told of, should its line not reach the thread.
WHAT = {
    DealChangeKind.UPDATED: "Your update",
    DealChangeKind.WON: "The win's link to the deal",
    DealChangeKind.LOST: "Your note that the deal was lost",
    DealChangeKind.EXTENDED: "The extension",
    DealChangeKind.WIN_WITHDRAWN: "The deal's return to the funnel",
}


def declare_change(
    session: Session, registration: Registration, change: DealChange, actor: str
) -> None:
    """Declare the line in the card's thread that tells both companies what changed (and the
    card's update), from the request that made the change."""
    declare(
        session,
        CHANGE,
        reminders.change_key(change),
        actor=actor,
        what=WHAT.get(change.kind, "The change"),
        where=registration.channel_id,
        partnership_id=registration.partnership_id,
        subject_id=change.id,
        reply_in=registration.channel_id,
        channel_post=True,
    )


def _loaded(
    session: Session, registration_id: int | None
) -> tuple[Registration, Partnership] | None:
    registration = session.get(Registration, registration_id) if registration_id else None
    if registration is None:
        return None
    partnership = session.get(Partnership, registration.partnership_id)
    return (registration, partnership) if partnership is not None else None


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


def send_change(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A change of the funnel in the card's thread; the card follows it."""
    change = session.get(DealChange, occurrence.subject_id) if occurrence.subject_id else None
    found = _loaded(session, change.registration_id if change else None)
    if change is None or found is None:
        return Delivery.skipped("the registration is gone")
    registration, partnership = found
    if partnership.status is PartnershipStatus.ENDED:
        return Delivery.skipped("the partnership has ended")
    if not registration.channel_id:
        return Delivery.skipped("the registration has no card (it was imported)")
    if not registration.message_ts:  # the card isn't out yet; it shows the change then
        return Delivery.retry("the card isn't posted yet", after_seconds=5)
    sent = delivery.post(
        client,
        occurrence,
        registration.channel_id,
        {
            "thread_ts": registration.message_ts,
            **change_line(change, registration, sides(session, partnership)),
        },
    )
    if sent.outcome is not Outcome.SENT:
        return sent
    try:
        client.chat_update(
            channel=registration.channel_id,
            ts=registration.message_ts,
            **card_content(session, registration),
        )
    except (SlackApiError, OSError) as error:
        return delivery.delivery_for(error)
    return sent


def send_decision_nudge(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Nudge the approvers, by DM and once each, about a registration waiting past its
    decision deadline; skipped once it was decided (or the vendor asked for more). Each
    reads it in their own time zone."""
    payload = dict(occurrence.payload or {})
    found = _loaded(session, occurrence.subject_id)
    why_not = reminders.decision_still_due(session, found[0] if found else None, payload)
    if why_not is not None or found is None:
        return Delivery.skipped(why_not or "no registration")
    registration, partnership = found
    names = sides(session, partnership)
    link = _permalink(client, registration)
    now = utcnow()

    def content(user_id: str) -> dict[str, Any]:
        return decision_nudge(
            registration,
            names,
            int(payload.get("business_days") or 0),
            str(payload.get("source") or "the default terms"),
            link,
            due_at=occurrence.due_at,
            now=now,
            tz=people.time_zone_of(session, user_id, partnership.time_zone),
        )

    return delivery.tell_people(client, occurrence, approvers(partnership), content)


def send_protection_reminder(
    client: WebClient, session: Session, occurrence: Occurrence
) -> Delivery:
    """Remind the deal's rep and the owners that the protection ends soon, by DM (each once,
    in their own time zone and words), or in the card's thread for those Slack won't let
    partnerbot DM."""
    payload = dict(occurrence.payload or {})
    found = _loaded(session, occurrence.subject_id)
    why_not = reminders.protection_still_due(found[0] if found else None, payload)
    if why_not is not None or found is None:
        return Delivery.skipped(why_not or "no registration")
    registration, partnership = found
    terms = terms_for(session, partnership.id)
    extendable = may_extend(registration, terms)
    names = sides(session, partnership)
    link = _permalink(client, registration)
    now = utcnow()
    at_vendor = set(owners(partnership))

    def content(user_id: str) -> dict[str, Any]:
        return protection_reminder(
            registration,
            names,
            terms,
            extendable,
            link,
            now=now,
            tz=people.time_zone_of(session, user_id, partnership.time_zone),
            partnership_tz=partnership.time_zone,
            side=Side.VENDOR if user_id in at_vendor else Side.PARTNER,
        )

    sent = delivery.tell_people(
        client,
        occurrence,
        reminders.protection_recipients(partnership, registration),
        content,
        refused=DM_REFUSED,
    )
    if sent.outcome is Outcome.RETRY:
        return sent
    refused = list((occurrence.payload or {}).get("refused") or [])
    if refused and registration.channel_id and registration.message_ts:
        thread = protection_in_thread(
            registration,
            names,
            refused,
            terms,
            extendable,
            now=now,
            partnership_tz=partnership.time_zone,
        )
        sent = delivery.post(
            client,
            occurrence,
            registration.channel_id,
            {"thread_ts": registration.message_ts, **thread},
            key=f"{occurrence.key}:thread",
        )
    return sent
