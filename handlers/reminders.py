"""The senders of the outbox, by occurrence kind: the one place scheduled messages come from.

A sender renders an occurrence with its feature's pure views, calls Slack (see
``handlers.delivery`` for posting with the occurrence key and mapping Slack's answers), may
call domain services (e.g. enqueue the next reminder), and returns a ``Delivery``. It never
commits: the scheduler's tick records the delivery and commits.

Each feature keeps its senders in its own module and adds them to ``SENDERS`` below.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.outbox import Delivery
from handlers.promises import reminders as promises
from handlers.reviews import reminders as reviews
from handlers.rules import reminders as rules
from storage.models import Occurrence

Sender = Callable[[WebClient, Session, Occurrence], Delivery]

SENDERS: dict[str, Sender] = {
    # reviews
    reviews.PROMPT: reviews.send_prompt,
    reviews.OVERDUE: reviews.send_overdue,
    reviews.SNOOZED: reviews.send_snoozed,
    reviews.PAUSED: reviews.send_paused,
    # rules of engagement
    rules.KIND: rules.send_nudge,
    # promises
    promises.KIND: promises.send_reminder,
}
