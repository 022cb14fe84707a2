"""Listeners for the shared funnel: Update stage / amount / close date, History, Mark won (the
/win modal, pre-filled), Mark lost, Extend, and the whole funnel.

Buttons are on the registration's card, in the protection reminder and in the review prompt;
every id they carry is re-checked by the domain, which decides who may.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain import people
from bot.domain.clock import utcnow
from bot.domain.deals import changes, funnel, outcomes
from bot.domain.deals.changes import FunnelValues
from bot.domain.deals.service import get_registration
from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from bot.domain.people import Actor
from bot.domain.wins import form as win_form
from bot.domain.wins import records as win_records
from bot.domain.wins import service as wins
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.config import HandlerConfig
from handlers.deals import funnel as views
from handlers.deals.funnel_senders import declare_change
from handlers.deals.history import history_modal
from handlers.deals.reminders import extended_note
from handlers.effects import reply
from handlers.home import refresh_homes
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.subjects import OUT_OF_DATE, button_id, form_id, id_in
from handlers.wins import listeners as win_listeners
from handlers.wins import modals as win_modals
from storage.models import DealChange, Registration


def show_change(
    session: Session, registration: Registration, change: DealChange, actor: Actor
) -> None:
    """Declare the line in the card's thread that tells both sides (and the card's update)."""
    declare_change(session, registration, change, actor.user_id)


# --- update --------------------------------------------------------------------------------


@listener
def open_update(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    registration, _p, _side = changes.workable(
        session, button_id(body), directory.actor_of(body), "update this deal"
    )
    ack()
    view = views.update_modal(registration, changes.values_of(registration))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def read_update(body: dict[str, Any]) -> tuple[FunnelValues, FunnelValues]:
    """What the update modal says now, and what it showed when it was opened."""
    opened = FunnelValues.from_json(forms.metadata(body).get("opened") or {})
    if opened is None:
        raise DomainError(OUT_OF_DATE)
    now = FunnelValues(
        stage=forms.option(body, B.DEAL_STAGE) or "",
        amount=forms.text(body, B.DEAL_AMOUNT),
        currency=forms.text(body, B.DEAL_CURRENCY),
        close_on=win_form.parse_date(forms.date(body, B.DEAL_CLOSE_ON)),
    )
    return now, opened


@listener
def submit_update(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor = directory.actor_of(body)
    registration_id = form_id(body, "registration_id")
    now, opened = read_update(body)
    tz = people.time_zone_of(session, actor.user_id)
    done = changes.update_funnel(
        session, registration_id, now, opened, actor, body["view"]["id"], tz
    )
    ack()
    if done.change is not None:
        show_change(session, done.registration, done.change, actor)


# --- history -------------------------------------------------------------------------------


@listener
def show_history(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """A deal's history, for anyone on either side (both see its card)."""
    actor = directory.actor_of(body)
    registration = get_registration(session, button_id(body))
    partnership = partnerships.get_partnership(session, registration.partnership_id)
    partnerships.require_side(partnership, actor)
    tz = directory.time_zone(client, session, actor.user_id)
    view = history_modal(
        registration, funnel.history(session, registration.id), tz, sides(session, partnership)
    )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


# --- won -----------------------------------------------------------------------------------


@listener
def open_won(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    """Mark won: the /win modal, pre-filled from the registration."""
    actor = directory.actor_of(body)
    registration, partnership, side = changes.workable(
        session, button_id(body), actor, "mark this deal won", closing=True
    )
    outcomes.require_winnable(session, registration.id, partnership.id, actor)
    tz = directory.time_zone(client, session, actor.user_id)
    defaults = win_modals.WinModalDefaults(
        draft=outcomes.win_draft(registration, actor, side, tz),
        partnership=partnership,
        lines=win_records.product_lines(session, partnership.id),
        channel_id=partnership.channel_id,
        registration_id=registration.id,
    )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=win_modals.win_modal(defaults))


@listener
def submit_won(
    ack: TrackedAck,
    body: dict[str, Any],
    client: WebClient,
    session: Session,
    config: HandlerConfig,
) -> None:
    """The win is logged and celebrated like any other, and linked to its registration."""
    actor = directory.actor_of(body)
    form = win_listeners.read_form(body)
    registration_id = form_id(body, "registration_id")
    view_id = body["view"]["id"]
    if not wins.is_logged(session, view_id):
        # Who may, before anyone is looked up in Slack.
        outcomes.require_winnable(session, registration_id, form.partnership_id, actor)
        wins.require_loggable(session, form, actor)
        directory.refresh(
            client, session, [actor.user_id, *form.partner_credits, *form.vendor_credits]
        )
    tz = people.time_zone_of(session, actor.user_id)
    win, created = wins.log_win(session, form, actor, view_id, tz)
    if not created:  # Slack delivered the same submission again: it is logged already
        ack()
        return
    change = outcomes.mark_won(session, registration_id, win, actor)
    win_listeners.celebrate(session, win, actor, view_id, config)
    show_change(session, get_registration(session, registration_id), change, actor)
    refresh_homes(session, [actor.user_id])
    ack(response_action="update", view=win_modals.saving_view(win))


# --- lost ----------------------------------------------------------------------------------


@listener
def open_lost(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    registration, _p, _side = changes.workable(
        session, button_id(body), directory.actor_of(body), "mark this deal lost", closing=True
    )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=views.lost_modal(registration))


@listener
def submit_lost(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    actor = directory.actor_of(body)
    registration_id = form_id(body, "registration_id")
    reason = forms.element(body, B.DEAL_LOST_REASON).get("value") or ""
    change = outcomes.mark_lost(session, registration_id, reason, actor, body["view"]["id"])
    ack()
    if change is not None:
        show_change(session, get_registration(session, registration_id), change, actor)


# --- extend --------------------------------------------------------------------------------


@listener
def extend(ack: TrackedAck, body: dict[str, Any], session: Session) -> None:
    """Extend the protection by another window, as the terms allow (from the reminder)."""
    ack()
    actor = directory.actor_of(body)
    change, terms, until = changes.extend(session, button_id(body), actor)
    registration = get_registration(session, change.registration_id)
    show_change(session, registration, change, actor)
    tz = people.time_zone_of(session, actor.user_id)
    reply(session, body, extended_note(registration, until, terms, tz), replace=False)


# --- the whole funnel ----------------------------------------------------------------------


def funnel_view(session: Session, client: WebClient, body: dict[str, Any]) -> dict[str, Any]:
    """The whole funnel's page a button names ("partnership:page"), for either side, with
    dates in the reader's time zone."""
    value = forms.action_value(body)
    head, _, tail = value.partition(":")
    partnership_id = id_in(head)
    page = int(tail) if tail.isascii() and tail.isdigit() and len(tail) < 6 else 0
    partnership = partnerships.get_partnership(session, partnership_id)
    actor = directory.actor_of(body)
    partnerships.require_side(partnership, actor)
    found = funnel.funnel_page(session, partnership.id, utcnow(), page)
    tz = directory.time_zone(client, session, actor.user_id)
    return views.funnel_modal(partnership, sides(session, partnership), found, tz)


@listener
def show_funnel(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    """See the whole funnel (from the review prompt): a modal, a page at a time."""
    view = funnel_view(session, client, body)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


@listener
def turn_funnel_page(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    view = funnel_view(session, client, body)
    ack()
    client.views_update(view_id=body["view"]["id"], view=view)


def register(app: App) -> None:
    app.action(Action.DEAL_UPDATE)(open_update)
    app.action(Action.DEAL_HISTORY)(show_history)
    app.action(Action.DEAL_WON)(open_won)
    app.action(Action.DEAL_LOST)(open_lost)
    app.action(Action.DEAL_EXTEND)(extend)
    app.action(Action.DEAL_FUNNEL)(show_funnel)
    app.action(Action.DEAL_FUNNEL_PAGE)(turn_funnel_page)
    app.view(Callback.DEAL_UPDATE)(submit_update)
    app.view(Callback.DEAL_WON)(submit_won)
    app.view(Callback.DEAL_LOST)(submit_lost)
