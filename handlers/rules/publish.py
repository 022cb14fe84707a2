"""Showing a proposal in its channel: the message, the thread buttons, each decision.

Decisions are committed before any of this runs, so when Slack refuses (the message was
deleted, the channel archived) the decision stands and the person is told what didn't show.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import rulebook, rules
from bot.domain.people import Actor
from bot.domain.rules import Outcome
from handlers.rules import views
from storage.models import DecisionKind, ProposalStatus

log = logging.getLogger(__name__)


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "unknown_error")


def tell_person(client: WebClient, channel: str | None, user: str, text: str) -> None:
    """A note only this person sees: ephemeral in the channel, or a DM when that fails."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except SlackApiError as exc:
            log.info("ephemeral to %s in %s failed: %s", user, channel, _error(exc))
    try:
        client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("could not tell %s: %s", user, _error(exc))


def post_proposal(client: WebClient, session: Session, proposal_id: int, actor: Actor) -> None:
    """Post a new proposal in the channel and its buttons in the thread."""
    state = rulebook.proposal_state(session, proposal_id)
    channel = state.proposal.channel_id
    try:
        parent = client.chat_postMessage(channel=channel, **views.proposal_message(state))
    except SlackApiError as exc:
        error = _error(exc)
        log.warning("proposal %s could not be posted in %s: %s", proposal_id, channel, error)
        rules.withdraw(session, proposal_id, actor, note=f"could not be posted ({error})")
        session.commit()
        tell_person(
            client,
            None,
            actor.user_id,
            f"I couldn't post your proposal “{state.version.title}” in <#{channel}> ({error}), "
            "so nothing was proposed. Invite me to the channel (`/invite @partnerbot`) or, if "
            "it was archived, unarchive it, then propose again.",
        )
        return
    rules.posted(session, proposal_id, parent_ts=parent["ts"], buttons_ts=None)
    session.commit()
    state = rulebook.proposal_state(session, proposal_id)
    buttons_ts = _post_buttons(client, state, parent["ts"], actor)
    rules.posted(session, proposal_id, parent_ts=None, buttons_ts=buttons_ts)
    session.commit()


def _post_buttons(client: WebClient, state: Any, parent_ts: str, actor: Actor) -> str | None:
    try:
        answer = client.chat_postMessage(
            channel=state.proposal.channel_id,
            thread_ts=parent_ts,
            **views.decision_buttons(state),
        )
        return str(answer["ts"])
    except SlackApiError as exc:
        error = _error(exc)
        log.warning("buttons for proposal %s failed: %s", state.proposal.id, error)
        tell_person(
            client,
            state.proposal.channel_id,
            actor.user_id,
            f"Your proposal is posted, but I couldn't add the approval buttons to its thread "
            f"({error}). Try amending it to post them again.",
        )
        return None


def publish(
    client: WebClient,
    session: Session,
    outcome: Outcome,
    actor: Actor,
    version: int,
) -> list[str]:
    """Post a recorded decision in the thread and refresh the proposal's messages.

    Returns what Slack refused (empty when everything showed).
    """
    state = rulebook.proposal_state(session, outcome.proposal.id)
    p = state.proposal
    failed: list[str] = []

    def attempt(what: str, call: Any, **kwargs: Any) -> Any:
        try:
            return call(**kwargs)
        except SlackApiError as exc:
            log.warning("proposal %s: %s failed: %s", p.id, what, _error(exc))
            failed.append(f"{what} ({_error(exc)})")
            return None

    note = views.decision_note(state, actor.user_id, outcome.side, outcome.kind, version)
    if p.parent_ts:
        attempt(
            "posting in the thread",
            client.chat_postMessage,
            channel=p.channel_id,
            thread_ts=p.parent_ts,
            text=note,
        )
        attempt(
            "updating the proposal message",
            client.chat_update,
            channel=p.channel_id,
            ts=p.parent_ts,
            **views.proposal_message(state),
        )
    else:
        failed.append("the proposal message was never posted")
    if outcome.kind is DecisionKind.AMEND:
        if p.buttons_ts:
            attempt(
                "retiring the old buttons",
                client.chat_update,
                channel=p.channel_id,
                ts=p.buttons_ts,
                **views.superseded(
                    state, f"Version {version - 1} was amended to version {version}."
                ),
            )
        if p.parent_ts:
            buttons_ts = _post_buttons(client, state, p.parent_ts, actor)
            if buttons_ts:
                rules.posted(session, p.id, parent_ts=None, buttons_ts=buttons_ts)
                session.commit()
    elif p.buttons_ts and (
        outcome.kind is not DecisionKind.APPROVE or p.status is not ProposalStatus.PENDING
    ):
        attempt(
            "updating the buttons",
            client.chat_update,
            channel=p.channel_id,
            ts=p.buttons_ts,
            **views.decision_buttons(state),
        )
    return failed


def refused_note(what: str, failed: list[str], channel: str) -> str:
    return (
        f"{what} is recorded, but I couldn't show it in <#{channel}>: {'; '.join(failed)}. "
        "The message may have been deleted or the channel archived; `/roe show` and the "
        "rulebook still have the record."
    )
