"""The Slack side of reviews: the prompts, overdue and paused DMs, snoozed reminders (all
through the outbox), and what the prompt's buttons change in the channel."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners.names import sides
from bot.domain.partners.service import owners
from bot.domain.people import time_zone_of
from bot.domain.reviews import agenda as agenda
from bot.domain.reviews import schedules as review_schedules
from bot.domain.reviews import service as reviews
from handlers import delivery as slack
from handlers.effects import declare
from handlers.reviews import messages
from handlers.text import Mrkdwn
from storage.models import (
    Occurrence,
    Partnership,
    PartnershipStatus,
    Review,
    ReviewSchedule,
    ReviewStatus,
    Workspace,
)

log = logging.getLogger(__name__)

PROMPT = review_schedules.PROMPT
OVERDUE = reviews.OVERDUE
SNOOZED = reviews.SNOOZED
PAUSED = reviews.PAUSED


def _live(session: Session, partnership_id: int | None) -> Partnership | None:
    """The partnership, if it is active and its workspace still has partnerbot installed."""
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None or partnership.status is not PartnershipStatus.ACTIVE:
        return None
    workspace = session.get(Workspace, partnership.vendor_team_id)
    return partnership if workspace is not None and workspace.active else None


def send_prompt(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Post a review prompt in the shared channel, with the agenda since the last review."""
    partnership = _live(session, occurrence.partnership_id)
    schedule = session.get(ReviewSchedule, occurrence.subject_id)
    if partnership is None or schedule is None:
        return Delivery.skipped("the partnership is not active")
    if schedule.paused:
        return Delivery.skipped("the reviews are paused")
    if review_schedules.superseded(session, occurrence):
        return Delivery.skipped("superseded by a later review")
    nominal_on = date.fromisoformat((occurrence.payload or {})["nominal_on"])
    review = reviews.open_review(session, partnership, nominal_on, occurrence.due_at)
    since = reviews.agenda_since(session, partnership)
    message = messages.prompt_message(
        partnership,
        sides(session, partnership),
        review,
        agenda.agenda(session, partnership, since),
        since,
    )
    outcome = slack.post(client, occurrence, partnership.channel_id, message)
    if outcome.outcome is Outcome.SENT:
        assert outcome.channel is not None and outcome.ts is not None
        reviews.prompted(session, review, partnership, outcome.channel, outcome.ts)
    elif outcome.outcome is Outcome.PERMANENT and slack.is_channel_error(outcome):
        reason = outcome.reason or "error"
        review_schedules.pause(session, partnership, None, messages.paused_because(reason))
        reviews.notice_paused(session, schedule, partnership, reason, occurrence.key)
    return outcome


def _tell_owners(
    client: WebClient, session: Session, occurrence: Occurrence, partnership: Partnership, render
) -> Delivery:
    return slack.tell_people(
        client,
        occurrence,
        owners(partnership),
        lambda user_id: render(time_zone_of(session, user_id, partnership.time_zone)),
    )


def send_overdue(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """DM the owners when a review went two business days without being marked held."""
    review = session.get(Review, occurrence.subject_id)
    if review is None or not reviews.still_open(review):
        return Delivery.skipped("the review was held or skipped")
    partnership = _live(session, review.partnership_id)
    if partnership is None:
        return Delivery.skipped("the partnership is not active")
    link = slack.permalink(client, review.channel, review.ts)
    return _tell_owners(
        client,
        session,
        occurrence,
        partnership,
        lambda tz: messages.overdue_dm(partnership, review, tz, link),
    )


def send_snoozed(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Remind the prompt's thread a day after someone snoozed it."""
    review = session.get(Review, occurrence.subject_id)
    if review is None or not reviews.still_open(review) or review.ts is None:
        return Delivery.skipped("the review was held or skipped")
    partnership = _live(session, review.partnership_id)
    if partnership is None or review.channel is None:
        return Delivery.skipped("the partnership is not active")
    message = messages.snoozed_reminder(
        sides(session, partnership), (occurrence.payload or {}).get("by")
    )
    return slack.post(client, occurrence, review.channel, {**message, "thread_ts": review.ts})


def send_paused(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Tell the owners their reviews were paused because the channel refused the prompt."""
    partnership = session.get(Partnership, occurrence.partnership_id)
    if partnership is None:
        return Delivery.skipped("the partnership is gone")
    reason = str((occurrence.payload or {}).get("reason") or "an error")
    return _tell_owners(
        client,
        session,
        occurrence,
        partnership,
        lambda _tz: messages.paused_dm(partnership, reason),
    )


# -- the effects of the prompt's buttons -------------------------------------------------------
CLOSED = "review.closed"
THREAD_NOTE = "review.thread_note"


def closed(session: Session, review: Review, actor: str, since: datetime | None) -> None:
    """Declare what marking a review held or skipped shows: the summary in the prompt's thread
    (held) and the prompt rebuilt without its buttons."""
    if review.channel is None or review.ts is None:
        return
    declare(
        session,
        CLOSED,
        f"review:{review.id}:closed",
        actor=actor,
        what="The review record",
        where=review.channel,
        partnership_id=review.partnership_id,
        subject_id=review.id,
        since=since.isoformat() if since else None,
    )


def thread_note(session: Session, review: Review, actor: str, text: Mrkdwn) -> None:
    """Declare a line of ours in the prompt's thread (e.g. who snoozed it)."""
    if review.channel is None or review.ts is None:
        return
    declare(
        session,
        THREAD_NOTE,
        f"review:{review.id}:note:{uuid.uuid4().hex[:12]}",
        actor=actor,
        what="The note",
        where=review.channel,
        partnership_id=review.partnership_id,
        subject_id=review.id,
        text=str(text),
    )


def send_closed(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The held summary in the thread, then the prompt without its buttons, rebuilt from the
    database (Slack hands back a message's blocks with entities, unfit to send again)."""
    review = session.get(Review, occurrence.subject_id)
    if review is None or review.channel is None or review.ts is None:
        return Delivery.skipped("no prompt to close")
    partnership = session.get(Partnership, review.partnership_id)
    if partnership is None:
        return Delivery.skipped("the partnership is gone")
    if review.status is ReviewStatus.HELD:
        sent = slack.post(
            client,
            occurrence,
            review.channel,
            {"thread_ts": review.ts, **messages.held_summary(review)},
        )
        if sent.outcome is not Outcome.SENT:
            return sent
    raw = (occurrence.payload or {}).get("since")
    since = datetime.fromisoformat(raw) if raw else reviews.agenda_since(session, partnership)
    prompt = messages.prompt_message(
        partnership,
        sides(session, partnership),
        review,
        agenda.agenda(session, partnership, since),
        since,
    )
    try:
        client.chat_update(
            channel=review.channel,
            ts=review.ts,
            text=prompt["text"],
            blocks=messages.closed_blocks(prompt["blocks"], messages.closed_line(review)),
        )
    except (SlackApiError, OSError) as exc:
        return slack.delivery_for(exc)
    return Delivery.sent(review.channel, review.ts)


def send_thread_note(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    review = session.get(Review, occurrence.subject_id)
    if review is None or review.channel is None or review.ts is None:
        return Delivery.skipped("no prompt")
    # The text was built with md() when the change was declared: it is ours, escaped.
    text = Mrkdwn(str((occurrence.payload or {}).get("text") or ""))
    return slack.post(client, occurrence, review.channel, {"thread_ts": review.ts, "text": text})
