"""The one path to Slack: every occurrence of the outbox is sent and recorded here.

An occurrence is either a reminder (enqueued for later by a service) or an effect (a post,
update, DM or Home refresh a change declared with ``outbox.declare``, due at once). Both are
claimed, handed to the sender registered for their kind, and recorded under one policy:

- sent: done, with the message's channel and ts;
- passing failures (429, 5xx, timeouts, dropped connections): pending again with backoff;
  each keyed message carries the key in its metadata, so a retry first looks for the message
  an unanswered attempt may have posted, and nothing is posted twice;
- lasting failures (``not_in_channel``, ``is_archived``, ...): failed, and the person who made
  the change is told what to fix, with a button that tries again once it is fixed.

Effects are first sent by the request that declared them, right after its commit and ack
(``run_declared``); the scheduler's tick takes whatever that attempt left, and reminders.
No attempt sleeps: a 429 sends the occurrence back to the outbox, never holds a listener.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.outbox import Delivery, Outcome
from storage.models import Occurrence

log = logging.getLogger(__name__)

Sender = Callable[[WebClient, Session, Occurrence], Delivery]


@dataclass(frozen=True)
class Attempt:
    """One attempt at an occurrence: whether this was its first try, and how it went."""

    occurrence: Occurrence
    delivery: Delivery
    first: bool


# Tells the person who made a change how its effect went when it wasn't simply sent.
Notice = Callable[[WebClient, Session, Attempt], None]


class Dispatcher:
    """Sends claimed occurrences with their kind's sender and records what happened."""

    def __init__(
        self,
        senders: Mapping[str, Sender] | None = None,
        notices: Mapping[str, Notice] | None = None,
    ) -> None:
        if senders is None or notices is None:
            from handlers.senders import NOTICES, SENDERS

            senders = SENDERS if senders is None else senders
            notices = NOTICES if notices is None else notices
        self.senders = senders
        self.notices = notices

    def deliver(
        self,
        client: WebClient | None,
        session: Session,
        occurrence: Occurrence,
        worker: str,
        *,
        uninstalled: bool = False,
    ) -> Delivery:
        """Send one claimed occurrence and record the outcome in its own transaction."""
        sender = self.senders.get(occurrence.kind)
        if sender is None:
            delivery = Delivery.permanent(f"no sender for kind {occurrence.kind!r}")
        elif uninstalled:
            delivery = Delivery.skipped("partnerbot is no longer installed there")
        else:
            try:
                delivery = sender(client, session, occurrence)  # type: ignore[arg-type]
            except Exception as error:  # a bug in one sender must not stop the others
                session.rollback()
                log.exception("sender for %s failed", occurrence.key)
                delivery = Delivery.retry(f"unexpected {error.__class__.__name__}: {error}")
        if outbox.record(session, occurrence, delivery, worker):
            session.commit()
        else:
            session.rollback()
            log.warning("lost the claim on %s before recording it", occurrence.key)
        if delivery.outcome is Outcome.RETRY:
            log.warning("%s will be retried: %s", occurrence.key, delivery.reason)
        elif delivery.outcome is Outcome.PERMANENT:
            log.error("%s failed: %s", occurrence.key, delivery.reason)
        if client is not None:
            self.notify(client, session, Attempt(occurrence, delivery, occurrence.attempts <= 1))
        return delivery

    def notify(self, client: WebClient, session: Session, attempt: Attempt) -> None:
        """Tell the person behind an effect how it went, if its kind says how."""
        notice = self.notices.get(attempt.occurrence.kind)
        if notice is None:
            return
        try:
            notice(client, session, attempt)
        except Exception:  # telling is a courtesy: the record already stands
            session.rollback()
            log.exception("could not tell anyone how %s went", attempt.occurrence.key)

    def run_declared(
        self, client: WebClient, sessions: sessionmaker[Session], keys: list[str]
    ) -> list[Attempt]:
        """Send the effects a request declared, right after its commit (first attempts)."""
        if not keys:
            return []
        worker = f"request:{uuid.uuid4().hex[:10]}"
        attempts: list[Attempt] = []
        with sessions() as session:
            claimed = outbox.claim_keys(session, worker, keys, utcnow())
            session.commit()
            for occurrence in claimed:
                delivery = self.deliver(client, session, occurrence, worker)
                attempts.append(Attempt(occurrence, delivery, occurrence.attempts <= 1))
        return attempts
