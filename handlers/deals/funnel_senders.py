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

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.deals import reminders
from bot.domain.deals.changes import may_extend
from bot.domain.deals.service import approvers
from bot.domain.deals.terms import terms_for
from bot.domain.outbox import Delivery, Outcome
from handlers import delivery
from handlers.deals.history import change_line
from handlers.deals.reminders import decision_nudge, protection_in_thread, protection_reminder
from handlers.deals.senders import card_content
from handlers.tell import DM_REFUSED
from storage.models import (
    DealChange,
    Occurrence,
    Partnership,
    PartnershipStatus,
    Registration,
)

CHANGE = reminders.CHANGE
DECISION_NUDGE = reminders.DECISION
PROTECTION = reminders.PROTECTION


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
        {"thread_ts": registration.message_ts, **change_line(change, registration)},
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
    decision deadline; skipped once it was decided (or the vendor asked for more)."""
    payload = dict(occurrence.payload or {})
    found = _loaded(session, occurrence.subject_id)
    why_not = reminders.decision_still_due(session, found[0] if found else None, payload)
    if why_not is not None or found is None:
        return Delivery.skipped(why_not or "no registration")
    registration, partnership = found
    content = decision_nudge(
        registration,
        int(payload.get("business_days") or 0),
        str(payload.get("source") or "the default terms"),
        _permalink(client, registration),
    )
    return delivery.tell_people(client, occurrence, approvers(partnership), lambda _u: content)


def send_protection_reminder(
    client: WebClient, session: Session, occurrence: Occurrence
) -> Delivery:
    """Remind the partner rep and the owners that the protection ends soon, by DM (each
    once), or in the card's thread for those Slack won't let partnerbot DM."""
    payload = dict(occurrence.payload or {})
    found = _loaded(session, occurrence.subject_id)
    why_not = reminders.protection_still_due(found[0] if found else None, payload)
    if why_not is not None or found is None:
        return Delivery.skipped(why_not or "no registration")
    registration, partnership = found
    terms = terms_for(session, partnership.id)
    extendable = may_extend(registration, terms)
    content = protection_reminder(
        registration, extendable, terms.source, _permalink(client, registration)
    )
    sent = delivery.tell_people(
        client,
        occurrence,
        reminders.protection_recipients(partnership, registration),
        lambda _u: content,
        refused=DM_REFUSED,
    )
    if sent.outcome is Outcome.RETRY:
        return sent
    refused = list((occurrence.payload or {}).get("refused") or [])
    if refused and registration.channel_id and registration.message_ts:
        thread = protection_in_thread(registration, refused, extendable, terms.source)
        sent = delivery.post(
            client,
            occurrence,
            registration.channel_id,
            {"thread_ts": registration.message_ts, **thread},
            key=f"{occurrence.key}:thread",
        )
    return sent
