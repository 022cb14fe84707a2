"""The Slack effects of rules of engagement: a proposal's message and thread buttons, each
decision in the thread, the shared rulebook, and the nudges to approvers.

Every step renders from the database (never from blocks a request carried) and posts with its
own key, so a retry after a timeout finds what the earlier attempt posted instead of posting
it again; where a proposal's messages are is recorded as soon as Slack answers.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.errors import NotFound
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners.names import sides
from bot.domain.partners.service import get_partnership
from bot.domain.rules import nudges as nudges
from bot.domain.rules import records as rulebook
from bot.domain.rules import service as rules
from bot.domain.rules.records import ProposalState
from handlers import delivery
from handlers.rules import messages
from handlers.rules import rulebook as book
from handlers.tell import DM_REFUSED
from handlers.text import md
from storage.models import DecisionKind, Occurrence, Proposal, ProposalStatus, Side

log = logging.getLogger(__name__)

PROPOSAL = "rule.proposal"
DECISION = "rule.decision"
SHARE = "rule.share"
NUDGE = nudges.KIND


def proposal_key(proposal_id: int) -> str:
    return f"proposal:{proposal_id}"


def _state(session: Session, occurrence: Occurrence) -> ProposalState | None:
    try:
        return rulebook.proposal_state(session, int(occurrence.subject_id or 0))
    except NotFound:
        return None


def _buttons(
    client: WebClient, session: Session, occurrence: Occurrence, state: ProposalState
) -> Delivery:
    """The thread message with the current version's buttons, posted once per version."""
    p = state.proposal
    assert p.parent_ts is not None
    sent = delivery.post(
        client,
        occurrence,
        p.channel_id,
        {"thread_ts": p.parent_ts, **messages.decision_buttons(state)},
        key=f"proposal:{p.id}:buttons:v{p.current_version}",
    )
    if sent.outcome is Outcome.SENT:
        rules.posted(session, p.id, parent_ts=None, buttons_ts=sent.ts)
        p.buttons_ts = sent.ts
    return sent


def send_proposal(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Post a proposal in its channel, then its buttons in the thread (each once)."""
    state = _state(session, occurrence)
    if state is None:
        return Delivery.skipped("the proposal is gone")
    p = state.proposal
    if p.parent_ts is None:
        sent = delivery.post(
            client,
            occurrence,
            p.channel_id,
            messages.proposal_message(state),
            key=proposal_key(p.id),
        )
        if sent.outcome is not Outcome.SENT:
            return sent
        rules.posted(session, p.id, parent_ts=sent.ts, buttons_ts=None)
        p.parent_ts = sent.ts
        state = rulebook.proposal_state(session, p.id)
    if state.proposal.buttons_ts is None:
        sent = _buttons(client, session, occurrence, state)
        if sent.outcome is not Outcome.SENT:
            return sent
    return Delivery.sent(p.channel_id, p.parent_ts)


def send_decision(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A decision in the proposal's thread; the proposal message and buttons follow it."""
    state = _state(session, occurrence)
    if state is None:
        return Delivery.skipped("the proposal is gone")
    payload = occurrence.payload or {}
    p = state.proposal
    if p.parent_ts is None:  # the proposal itself isn't out yet: it shows the decision then
        return Delivery.retry("the proposal isn't posted yet", after_seconds=5)
    kind, version = DecisionKind(payload["decision"]), int(payload["version"])
    note = messages.decision_note(
        state,
        str(payload["actor"]),
        Side(payload["side"]),
        kind,
        version,
        agreed=bool(payload.get("agreed")),
    )
    sent = delivery.post(client, occurrence, p.channel_id, {"thread_ts": p.parent_ts, "text": note})
    if sent.outcome is not Outcome.SENT:
        return sent
    try:
        client.chat_update(channel=p.channel_id, ts=p.parent_ts, **messages.proposal_message(state))
        if kind is DecisionKind.AMEND:
            step = payload.get("buttons_for")
            if p.buttons_ts and step != version:
                retired = md("Version {} was amended to version {}.", version - 1, version)
                client.chat_update(
                    channel=p.channel_id, ts=p.buttons_ts, **messages.superseded(state, retired)
                )
                occurrence.payload = {**payload, "buttons_for": version}
            if p.status is ProposalStatus.PENDING:
                buttons = _buttons(client, session, occurrence, state)
                if buttons.outcome is not Outcome.SENT:
                    return buttons
        elif p.buttons_ts and (
            kind is not DecisionKind.APPROVE or p.status is not ProposalStatus.PENDING
        ):
            client.chat_update(
                channel=p.channel_id, ts=p.buttons_ts, **messages.decision_buttons(state)
            )
    except (SlackApiError, OSError) as error:
        return delivery.delivery_for(error)
    return sent


def send_rulebook(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The rulebook shared in the channel, in as many messages as it takes (each once)."""
    payload = occurrence.payload or {}
    partnership = get_partnership(session, int(occurrence.partnership_id or 0))
    messages = book.shared_rulebook(
        sides(session, partnership),
        rulebook.rulebook(session, partnership.id),
        str(payload.get("actor")),
    )
    first: Delivery = Delivery.skipped("an empty rulebook")
    for n, content in enumerate(messages):
        sent = delivery.post(
            client, occurrence, partnership.channel_id, content, key=f"{occurrence.key}:{n}"
        )
        if sent.outcome is not Outcome.SENT:
            return sent
        first = first if first.outcome is Outcome.SENT else sent
    return first


def send_nudge(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Nudge the approvers a pending proposal still waits for, by DM (each once), or in its
    thread for those Slack won't let partnerbot DM; skipped once it was decided."""
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
    link = delivery.permalink(client, proposal.channel_id, proposal.parent_ts)
    sent = delivery.tell_people(
        client,
        occurrence,
        awaited,
        lambda _user: messages.nudge_dm(state, link, number),
        refused=DM_REFUSED,
    )
    if sent.outcome is Outcome.RETRY:
        return sent
    refused = list((occurrence.payload or {}).get("refused") or [])
    if refused and proposal.parent_ts:
        sent = delivery.post(
            client,
            occurrence,
            proposal.channel_id,
            {"thread_ts": proposal.parent_ts, **messages.nudge_in_thread(state, refused)},
            key=f"{occurrence.key}:thread",
        )
        if sent.outcome is Outcome.RETRY:
            return sent
    if sent.outcome is Outcome.SENT:
        nudges.nudged(session, proposal, get_partnership(session, proposal.partnership_id), number)
    return sent
