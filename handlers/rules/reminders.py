"""The outbox sender for rule nudges: a DM to each approver still needed, or a thread mention."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import rulebook
from bot.domain import rules_nudges as nudges
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partnerships import get_partnership
from handlers import delivery
from handlers.rules import views
from storage.models import Occurrence, Proposal

log = logging.getLogger(__name__)

KIND = nudges.KIND
# conversations.open refuses a DM with an external person who shares no DM-able channel.
DM_REFUSED = frozenset({"invalid_user_combination", "cannot_dm_bot", "user_not_found"})


def _permalink(client: WebClient, proposal: Proposal) -> str | None:
    if not proposal.parent_ts:
        return None
    try:
        answer = client.chat_getPermalink(
            channel=proposal.channel_id, message_ts=proposal.parent_ts
        )
        return str(answer.get("permalink")) or None
    except SlackApiError:
        return None


def send_nudge(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Nudge the approvers a pending proposal still waits for; skipped once it was decided."""
    payload = dict(occurrence.payload or {})
    proposal = session.get(Proposal, occurrence.subject_id) if occurrence.subject_id else None
    why_not = nudges.still_due(proposal, payload)
    if why_not is not None or proposal is None:
        return Delivery.skipped(why_not or "no proposal")
    state = rulebook.proposal_state(session, proposal.id)
    awaited = list(dict.fromkeys(u for a in state.waiting_for for u in a.user_ids))
    if not awaited:
        return Delivery.skipped("nobody to nudge")
    number = int(payload.get("number") or 1)
    link = _permalink(client, proposal)
    told = list(payload.get("told") or [])
    refused = list(payload.get("refused") or [])
    last = Delivery.skipped("nobody could be nudged")
    for user_id in awaited:
        if user_id in told or user_id in refused:
            continue
        try:
            channel = str(client.conversations_open(users=user_id)["channel"]["id"])
            answer = client.chat_postMessage(channel=channel, **views.nudge_dm(state, link, number))
            last = Delivery.sent(channel, str(answer.get("ts")))
            told.append(user_id)
        except SlackApiError as error:
            if error.response.get("error") in DM_REFUSED:
                refused.append(user_id)
                continue
            outcome = delivery.delivery_for(error)
            if outcome.outcome is Outcome.RETRY:
                occurrence.payload = {**payload, "told": told, "refused": refused}
                return outcome
            log.warning("could not nudge %s on %s: %s", user_id, occurrence.key, outcome.reason)
            told.append(user_id)
        except OSError as error:
            occurrence.payload = {**payload, "told": told, "refused": refused}
            return delivery.delivery_for(error)
    occurrence.payload = {**payload, "told": told, "refused": refused}
    if refused and proposal.parent_ts:
        last = delivery.post(
            client,
            occurrence,
            proposal.channel_id,
            {"thread_ts": proposal.parent_ts, **views.nudge_in_thread(state, refused)},
        )
        if last.outcome is Outcome.RETRY:
            return last
    if last.outcome is Outcome.SENT:
        nudges.nudged(session, proposal, get_partnership(session, proposal.partnership_id), number)
    return last
