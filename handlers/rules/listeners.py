"""Listeners for /roe, the summary's rule buttons, the rulebook and the proposal modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from bot.domain.people import Actor
from bot.domain.rules import records as rulebook
from bot.domain.rules import service as rules
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import declare, digest, share
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.rules import decisions, modals, senders
from handlers.rules import rulebook as book
from handlers.rules.form import read_rule_form
from handlers.subjects import OUT_OF_DATE, channel_partnership, form_id, id_in
from storage.models import Partnership, Proposal, Rule


def open_rule_modal(
    client: WebClient,
    session: Session,
    body: dict[str, Any],
    partnership: Partnership,
    replaces: Rule | None = None,
) -> None:
    partnerships.require_side(partnership, directory.actor_of(body))
    choices = rulebook.replaceable(session, partnership.id)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=modals.rule_modal(partnership.id, choices, replaces=replaces),
    )


def open_retire_modal(
    client: WebClient, body: dict[str, Any], partnership: Partnership, rule: Rule
) -> None:
    partnerships.require_side(partnership, directory.actor_of(body))
    client.views_open(
        trigger_id=body["trigger_id"],
        view=modals.comment_modal(
            Callback.ROE_RETIRE,
            f"Retire {rule.label}",
            "Why retire it?",
            "Propose",
            {"partnership_id": partnership.id, "rule_id": rule.id},
            f"*{rule.label} · {rule.title}*\nRetiring a rule is a proposal too: it stays in "
            "force until both sides agree in the thread.",
        ),
    )


# /roe <subcommand>, called with ack, body, client, session and args (the rest of the text).
def propose_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    partnership = channel_partnership(session, body, "`/roe` to propose rules of engagement")
    ack()
    open_rule_modal(client, session, body, partnership)


def list_command(ack: TrackedAck, body: dict[str, Any], session: Session, **_: Any) -> None:
    partnership = channel_partnership(session, body, "`/roe` to propose rules of engagement")
    side = partnerships.require_side(partnership, directory.actor_of(body))
    page = book.rulebook_page(
        partnership,
        sides(session, partnership),
        rulebook.rulebook(session, partnership.id),
        side=side,
    )
    ack(response_type="ephemeral", **page)


def show_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, args: str, **_: Any
) -> None:
    partnership = channel_partnership(session, body, "`/roe` to propose rules of engagement")
    actor = directory.actor_of(body)
    partnerships.require_side(partnership, actor)
    if not args.strip():
        raise DomainError("Say which rule: `/roe show R-2` (`/roe list` shows the numbers).")
    history = rulebook.history(session, partnership.id, rulebook.parse_label(args))
    tz = directory.time_zone(client, session, actor.user_id)
    ack(response_type="ephemeral", **book.history_blocks(history, tz))


def retire_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, args: str, **_: Any
) -> None:
    partnership = channel_partnership(session, body, "`/roe` to propose rules of engagement")
    rule = rulebook.rule_numbered(session, partnership.id, rulebook.parse_label(args))
    ack()
    open_retire_modal(client, body, partnership, rule)


@listener
def propose_button(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    partnership = partnerships.get_partnership(session, id_in(forms.action_value(body)))
    open_rule_modal(client, session, body, partnership)


@listener
def rulebook_button(
    ack: TrackedAck, body: dict[str, Any], session: Session, respond: Respond
) -> None:
    ack()
    value = forms.action_value(body)
    partnership_id, _, page = value.partition(":")
    partnership = partnerships.get_partnership(session, id_in(partnership_id))
    side = partnerships.require_side(partnership, directory.actor_of(body))
    rules_in_force = rulebook.rulebook(session, partnership.id)
    respond(
        response_type="ephemeral",
        replace_original=bool(page),  # "More" pages through in place
        **book.rulebook_page(
            partnership,
            sides(session, partnership),
            rules_in_force,
            int(page) if page.isdigit() else 0,
            side=side,
        ),
    )


@listener
def share_rulebook(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    partnership = partnerships.get_partnership(session, id_in(forms.action_value(body)))
    actor = directory.actor_of(body)
    partnerships.require_side(partnership, actor)
    in_force = rulebook.rulebook(session, partnership.id)
    share(
        session,
        client,
        respond,
        kind=senders.SHARE,
        partnership_id=partnership.id,
        channel_id=partnership.channel_id,
        actor=actor.user_id,
        what="the rulebook",
        content_digest=digest(book.shared_rulebook(sides(session, partnership), in_force, "")),
        confirm="Shared the rulebook",
    )


@listener
def rule_menu(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    what, _, rule_id = forms.action_value(body).partition(":")
    rule = session.get(Rule, id_in(rule_id))
    if rule is None:
        raise DomainError("That rule no longer exists. Run /roe list again.")
    partnership = partnerships.get_partnership(session, rule.partnership_id)
    actor = directory.actor_of(body)
    partnerships.require_side(partnership, actor)
    if what == "history":
        history = rulebook.history(session, partnership.id, rule.number)
        tz = directory.time_zone(client, session, actor.user_id)
        respond(
            response_type="ephemeral", replace_original=False, **book.history_blocks(history, tz)
        )
    elif what == "replace":
        open_rule_modal(client, session, body, partnership, replaces=rule)
    elif what == "retire":
        open_retire_modal(client, body, partnership, rule)
    else:
        raise DomainError(OUT_OF_DATE)


@listener
def submit_proposal(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor = directory.actor_of(body)
    directory.refresh(client, session, [actor.user_id])
    partnership_id = form_id(body, "partnership_id")
    outcome = rules.propose(session, partnership_id, read_rule_form(body), actor)
    announce(session, outcome.proposal, actor, "Your proposal")
    ack()


@listener
def submit_retirement(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    actor = directory.actor_of(body)
    directory.refresh(client, session, [actor.user_id])
    meta = forms.metadata(body)
    outcome = rules.propose_retirement(
        session,
        id_in(meta.get("partnership_id")),
        id_in(meta.get("rule_id")),
        forms.text(body, B.RULE_COMMENT),
        actor,
    )
    announce(session, outcome.proposal, actor, "Your proposal to retire the rule")
    ack()


def announce(session: Session, proposal: Proposal, actor: Actor, what: str) -> None:
    """Declare a new proposal's message and thread buttons in its channel."""
    declare(
        session,
        senders.PROPOSAL,
        senders.proposal_key(proposal.id),
        actor=actor.user_id,
        what=what,
        where=proposal.channel_id,
        partnership_id=proposal.partnership_id,
        subject_id=proposal.id,
        channel_post=True,
    )


def register(app: App) -> None:
    app.action(Action.ROE_PROPOSE)(propose_button)
    app.action(Action.ROE_RULEBOOK)(rulebook_button)
    app.action(Action.ROE_RULEBOOK_PAGE)(rulebook_button)
    app.action(Action.ROE_SHARE)(share_rulebook)
    app.action(Action.ROE_RULE_MENU)(rule_menu)
    app.view(Callback.ROE_PROPOSE)(submit_proposal)
    app.view(Callback.ROE_RETIRE)(submit_retirement)
    decisions.register(app)
