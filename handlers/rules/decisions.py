"""Listeners for the buttons in a proposal's thread and the modals they open."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from bot.domain.people import Actor
from bot.domain.rules import decisions, log
from bot.domain.rules import service as rules
from bot.domain.rules.log import Decided
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import declare
from handlers.home import refresh_homes
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.rules import modals, senders
from handlers.rules.form import read_rule_form
from handlers.subjects import id_in, ids_in
from handlers.text import md
from storage.models import DecisionKind

RECORDED = {
    DecisionKind.APPROVE: "Your approval",
    DecisionKind.REQUEST_CHANGES: "Your request for changes",
    DecisionKind.REJECT: "Your rejection",
    DecisionKind.AMEND: "Your amended version",
    DecisionKind.WITHDRAW: "Your withdrawal",
}


def proposal_and_version(value: str) -> tuple[int, int]:
    """Thread buttons carry "proposal:version"."""
    proposal, version = ids_in(value, 2)
    return proposal, version


def _clicked(body: dict[str, Any], client: WebClient, session: Session) -> tuple[Actor, int, int]:
    actor = directory.actor_of(body)
    directory.refresh(client, session, [actor.user_id])
    proposal_id, version = proposal_and_version(forms.action_value(body))
    return actor, proposal_id, version


def _shown(session: Session, outcome: Decided, actor: Actor, version: int) -> None:
    """Declare the decision's note in the thread (and the proposal's refreshed messages)."""
    p = outcome.proposal
    declare(
        session,
        senders.DECISION,
        f"proposal:{p.id}:{outcome.kind.value}:v{version}:{actor.user_id}",
        actor=actor.user_id,
        what=RECORDED[outcome.kind],
        where=p.channel_id,
        partnership_id=p.partnership_id,
        subject_id=p.id,
        reply_in=p.channel_id,
        channel_post=True,
        decision=outcome.kind.value,
        side=outcome.side.value,
        version=version,
        agreed=outcome.agreed is not None,
    )
    refresh_homes(session, [actor.user_id, p.proposed_by])


def _respond(respond: Respond) -> Any:
    return lambda text: respond(response_type="ephemeral", replace_original=False, text=text)


@listener
def approve(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    actor, proposal_id, version = _clicked(body, client, session)
    outcome = decisions.approve(session, proposal_id, version, actor)
    if not outcome.changed:
        _respond(respond)(md("You already approved version {}; it counts once.", version))
        return
    _shown(session, outcome, actor, version)


@listener
def withdraw(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    actor, proposal_id, version = _clicked(body, client, session)
    outcome = rules.withdraw(session, proposal_id, actor)
    _shown(session, outcome, actor, version)


def _comment_modal(kind: DecisionKind, proposal_id: int, version: int, channel: str) -> dict:
    meta = {"proposal_id": proposal_id, "version": version, "channel_id": channel}
    if kind is DecisionKind.REJECT:
        return modals.comment_modal(
            Callback.ROE_REJECT,
            "Reject the proposal",
            "Why reject it?",
            "Reject",
            meta,
            "Rejecting ends the proposal; the reason is posted in its thread for both sides.",
        )
    return modals.comment_modal(
        Callback.ROE_REQUEST_CHANGES,
        "Request changes",
        "What should change?",
        "Send",
        meta,
        f"Your comment on version {version} is posted in the thread; the proposer can then "
        "amend the rule, which restarts the approval.",
    )


def _open_decision_modal(
    kind: DecisionKind, ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    actor, proposal_id, version = _clicked(body, client, session)
    proposal = decisions.may_decide(session, proposal_id, version, actor, kind)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=_comment_modal(kind, proposal_id, version, proposal.channel_id),
    )


@listener
def open_request_changes(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    _open_decision_modal(DecisionKind.REQUEST_CHANGES, ack, body, client, session)


@listener
def open_reject(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    _open_decision_modal(DecisionKind.REJECT, ack, body, client, session)


@listener
def open_amend(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    ack()
    actor, proposal_id, _version = _clicked(body, client, session)
    proposal = rules.may_amend(session, proposal_id, actor)
    latest = log.current(proposal)
    if latest.retires:
        raise DomainError("A proposal to retire a rule can't be amended; withdraw it instead.")
    client.views_open(
        trigger_id=body["trigger_id"],
        view=modals.rule_modal(proposal.partnership_id, [], amending=(proposal.id, latest)),
    )


def _submitted(body: dict[str, Any], client: WebClient, session: Session) -> tuple[Actor, dict]:
    actor = directory.actor_of(body)
    directory.refresh(client, session, [actor.user_id])
    return actor, forms.metadata(body)


def _meta_int(meta: dict[str, Any], key: str) -> int:
    return id_in(meta.get(key))


@listener
def submit_request_changes(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor, meta = _submitted(body, client, session)
    version = _meta_int(meta, "version")
    outcome = decisions.request_changes(
        session,
        _meta_int(meta, "proposal_id"),
        version,
        actor,
        forms.text(body, B.RULE_COMMENT),
    )
    ack()
    _shown(session, outcome, actor, version)


@listener
def submit_reject(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor, meta = _submitted(body, client, session)
    version = _meta_int(meta, "version")
    outcome = decisions.reject(
        session, _meta_int(meta, "proposal_id"), version, actor, forms.text(body, B.RULE_COMMENT)
    )
    ack()
    _shown(session, outcome, actor, version)


@listener
def submit_amendment(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor, meta = _submitted(body, client, session)
    outcome = rules.amend(session, _meta_int(meta, "proposal_id"), read_rule_form(body), actor)
    ack()
    _shown(session, outcome, actor, outcome.proposal.current_version)


def register(app: App) -> None:
    app.action(Action.ROE_APPROVE)(approve)
    app.action(Action.ROE_REQUEST_CHANGES)(open_request_changes)
    app.action(Action.ROE_REJECT)(open_reject)
    app.action(Action.ROE_AMEND)(open_amend)
    app.action(Action.ROE_WITHDRAW)(withdraw)
    app.view(Callback.ROE_REQUEST_CHANGES)(submit_request_changes)
    app.view(Callback.ROE_REJECT)(submit_reject)
    app.view(Callback.ROE_AMEND)(submit_amendment)
