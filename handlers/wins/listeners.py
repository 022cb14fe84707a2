"""Listeners for /win, the "Log a win" button, the win modal and the celebration's menu."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain import outbox, people
from bot.domain.deals.outcomes import registration_of_win
from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.people import Actor
from bot.domain.wins import form as win_form
from bot.domain.wins import records as win_records
from bot.domain.wins import service as wins
from bot.domain.wins.form import WinForm
from bot.domain.wins.money import format_plain, split_amount
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.config import HandlerConfig
from handlers.deals.funnel_senders import declare_change
from handlers.effects import declare
from handlers.home import refresh_homes
from handlers.ids import VALUE, Action, Callback
from handlers.ids import Block as B
from handlers.subjects import (
    OUT_OF_DATE,
    button_id,
    button_partnership,
    form_id,
    id_in,
    optional_id,
    picked_partnership,
)
from handlers.text import md
from handlers.wins import messages, modals
from handlers.wins.senders import CELEBRATE, COPY, UPDATE, celebration_key
from storage.models import OccurrenceStatus, Partnership, Side, Win

log = logging.getLogger(__name__)

NO_PARTNERSHIP = (
    "You're not part of a partnership yet. Run `/partner` in the channel you share with a "
    "partner to link it, then log wins there."
)


def new_draft(
    session: Session, actor: Actor, partnership: Partnership | None, text: str, tz: str
) -> WinForm:
    """A new win's form, pre-filled from the /win text and the person logging it."""
    money, rest = split_amount(text)
    side = partnerships.actor_side(partnership, actor) if partnership else Side.VENDOR
    currency = money.currency if money and money.currency else None
    if currency is None:
        currency = (
            win_records.last_currency(session, partnership.id)
            if partnership
            else win_form.DEFAULT_CURRENCY
        )
    return WinForm(
        partnership_id=partnership.id if partnership else None,
        headline=rest,
        kind="deal",
        amount=format_plain(money.amount) if money else "",
        currency=currency,
        closed_on=win_form.today_in(tz),
        partner_credits=[actor.user_id] if side is Side.PARTNER else [],
        vendor_credits=[actor.user_id] if side is Side.VENDOR else [],
    )


def open_new_win(
    ack: TrackedAck,
    client: WebClient,
    session: Session,
    body: dict[str, Any],
    partnership: Partnership | None,
    text: str = "",
) -> None:
    actor = directory.actor_of(body)
    choices: list[Partnership] = []
    if partnership is None:
        choices = win_records.partnerships_to_choose(session, actor)
        if not choices:
            raise DomainError(NO_PARTNERSHIP)
    else:
        partnerships.require_side(partnership, actor)
    tz = directory.time_zone(client, session, actor.user_id)
    defaults = modals.WinModalDefaults(
        draft=new_draft(session, actor, partnership, text, tz),
        partnership=partnership,
        choices=choices,
        lines=win_records.product_lines(session, partnership.id) if partnership else [],
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
    )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modals.win_modal(defaults))


def list_wins(ack: TrackedAck, body: dict[str, Any], session: Session, **_: Any) -> None:
    """``/win list``: the partnership's recent wins, for the person who asked."""
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if partnership is None:
        raise DomainError(
            "Run `/win list` in a partnership's shared channel to see the wins logged there."
        )
    partnerships.require_side(partnership, directory.actor_of(body))
    recent = win_records.recent_wins(session, partnership.id)
    summary = win_records.summary(session, partnership.id).describe()
    ack(
        response_type="ephemeral",
        text=md("Recent wins with {}", partnership.partner_name),
        blocks=messages.recent_list(partnership, recent, summary),
    )


def new_win_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, args: str, **_: Any
) -> None:
    """``/win [amount and headline]``: the win modal, pre-filled from the text."""
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    open_new_win(ack, client, session, body, partnership, args)


@listener
def log_from_button(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    open_new_win(ack, client, session, body, button_partnership(session, body))


def read_form(body: dict[str, Any]) -> WinForm:
    meta = forms.metadata(body)
    picked = forms.option(body, B.WIN_PARTNERSHIP)
    partnership_id = picked or meta.get("partnership_id")
    line = forms.option(body, B.WIN_PRODUCT_LINE)
    closed = forms.date(body, B.WIN_CLOSED_ON)
    return WinForm(
        partnership_id=optional_id(partnership_id),
        headline=forms.text(body, B.WIN_HEADLINE),
        kind=forms.option(body, B.WIN_KIND),
        amount=forms.text(body, B.WIN_AMOUNT),
        currency=forms.text(body, B.WIN_CURRENCY),
        product_line_id=optional_id(line),
        new_product_line=forms.text(body, B.WIN_NEW_PRODUCT_LINE),
        closed_on=win_form.parse_date(closed),
        partner_credits=forms.users(body, B.WIN_PARTNER_CREDITS),
        vendor_credits=forms.users(body, B.WIN_VENDOR_CREDITS),
        story=(forms.element(body, B.WIN_STORY).get("value") or "").strip(),
    )


@listener
def partnership_picked(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """Choosing the partnership in the modal loads that partnership's product lines."""
    ack()
    actor = directory.actor_of(body)
    draft = read_form(body)
    partnership = picked_partnership(session, draft.partnership_id, actor)
    view = body["view"]
    defaults = modals.WinModalDefaults(
        draft=draft,
        partnership=partnership,
        choices=win_records.partnerships_to_choose(session, actor),
        lines=win_records.product_lines(session, partnership.id) if partnership else [],
        channel_id=forms.metadata(body).get("channel_id"),
    )
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=modals.win_modal(defaults))


def _people_in(form: WinForm, actor: Actor) -> list[str]:
    return [actor.user_id, *form.partner_credits, *form.vendor_credits]


@listener
def submit_win(
    ack: TrackedAck,
    body: dict[str, Any],
    client: WebClient,
    session: Session,
    config: HandlerConfig,
) -> None:
    actor = directory.actor_of(body)
    form = read_form(body)
    if not wins.is_logged(session, body["view"]["id"]):
        # Who may, and how many are credited, before anyone is looked up in Slack.
        wins.require_loggable(session, form, actor)
        directory.refresh(client, session, _people_in(form, actor))
    tz = people.time_zone_of(session, actor.user_id)
    win, created = wins.log_win(session, form, actor, body["view"]["id"], tz)
    if not created:  # Slack delivered the same submission again: it is logged already
        ack()
        return
    # declared before the answer: over the post limits the win is refused, not half-saved
    celebrate(session, win, actor, body["view"]["id"], config)
    refresh_homes(session, [actor.user_id])
    ack(response_action="update", view=modals.saving_view(win))


def celebrate(
    session: Session, win: Win, actor: Actor, view_id: str | None, config: HandlerConfig | None
) -> None:
    """Declare a new win's celebration in its channel, and its copy in the wins channel."""
    partnership = partnerships.get_partnership(session, win.partnership_id)
    declare(
        session,
        CELEBRATE,
        celebration_key(win.id),
        actor=actor.user_id,
        what="The win",
        where=partnership.channel_id,
        partnership_id=partnership.id,
        subject_id=win.id,
        view_id=view_id,
        channel_post=True,
    )
    copy_to = win_records.copy_channel_for(
        session, partnership, config.wins_channel_id if config else None
    )
    if copy_to:
        declare(
            session,
            COPY,
            f"win:{win.id}:copy",
            actor=None,
            what="The win's copy",
            where=copy_to,
            partnership_id=partnership.id,
            subject_id=win.id,
        )


def update_posts(session: Session, win: Win, actor: Actor, view_id: str | None) -> None:
    """Declare bringing a win's messages in line with it (edited or withdrawn)."""
    partnership = partnerships.get_partnership(session, win.partnership_id)
    declare(
        session,
        UPDATE,
        f"win:{win.id}:update:{uuid.uuid4().hex[:12]}",
        actor=actor.user_id,
        what="The change",
        where=partnership.channel_id,
        partnership_id=partnership.id,
        subject_id=win.id,
        view_id=view_id,
    )


@listener
def submit_edit(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    actor = directory.actor_of(body)
    form = read_form(body)
    win_id = form_id(body, "win_id")
    wins.require_editable(session, win_id, form, actor)  # before anyone is looked up in Slack
    directory.refresh(client, session, _people_in(form, actor))
    tz = people.time_zone_of(session, actor.user_id)
    win, changed = wins.edit_win(session, win_id, form, actor, body["view"]["id"], tz)
    if not changed:
        ack()
        return
    ack(response_action="update", view=modals.saving_view(win))
    update_posts(session, win, actor, body["view"]["id"])


def _menu_choice(body: dict[str, Any]) -> tuple[str, int]:
    what, _, win_id = forms.action_value(body).partition(":")
    return what, id_in(win_id)


@listener
def win_menu(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    what, win_id = _menu_choice(body)
    actor = directory.actor_of(body)
    win = wins.get_win(session, win_id)
    if what == "edit":
        wins.require_changeable(win, actor)
        partnership = partnerships.get_partnership(session, win.partnership_id)
        defaults = modals.WinModalDefaults(
            draft=win_form.form_of(win),
            partnership=partnership,
            lines=win_records.product_lines(session, partnership.id),
            win_id=win.id,
        )
        client.views_open(trigger_id=body["trigger_id"], view=modals.win_modal(defaults))
        return
    if what == "withdraw":  # it can't be undone: a dialog asks first
        wins.require_changeable(win, actor)
        channel = partnerships.get_partnership(session, win.partnership_id).channel_id
        deal = registration_of_win(session, win.id)
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.withdraw_modal(win, channel, deal)
        )
        return
    raise DomainError(OUT_OF_DATE)


@listener
def submit_withdraw(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """The dialog confirmed: the win is withdrawn (who may is checked again here)."""
    actor = directory.actor_of(body)
    done = wins.withdraw_win(session, form_id(body, "win_id"), actor)
    ack()
    update_posts(session, done.win, actor, None)
    if done.registration is not None and done.deal_change is not None:
        # the deal it closed is open again: its card's thread says so, and the card follows
        declare_change(session, done.registration, done.deal_change, actor.user_id)


@listener
def repost_win(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, context: Any
) -> None:
    """**Post it now**, after fixing the channel (inviting the bot, unarchiving)."""
    ack()
    win = wins.get_win(session, button_id(body))
    actor = directory.actor_of(body)
    partnerships.require_side(partnerships.get_partnership(session, win.partnership_id), actor)
    if win.deleted_at is not None:
        raise DomainError("This win was withdrawn, so it isn't posted again.")
    view_id = (body.get("view") or {}).get("id")
    occurrence = outbox.by_key(session, celebration_key(win.id))
    if occurrence is None:  # logged before celebrations went through the outbox
        celebrate(session, win, actor, view_id, None)
        return
    if outbox.declare_again(session, occurrence, view_id=view_id):
        return
    if occurrence.status is OccurrenceStatus.SENT or wins.is_posted(win):
        if view_id:  # a second press: it is out there already
            channel = partnerships.get_partnership(session, win.partnership_id).channel_id
            outcome = modals.PostResult(posted=True, channel_id=channel)
            client.views_update(view_id=view_id, view=modals.outcome_view(win, outcome))
        return
    raise DomainError("This win is being posted right now; give it a minute.")


def register(app: App) -> None:
    app.action(Action.LOG_WIN)(log_from_button)
    app.action({"block_id": B.WIN_PARTNERSHIP, "action_id": VALUE})(partnership_picked)
    app.action(Action.WIN_MENU)(win_menu)
    app.action(Action.WIN_REPOST)(repost_win)
    app.view(Callback.WIN_LOG)(submit_win)
    app.view(Callback.WIN_EDIT)(submit_edit)
    app.view(Callback.WIN_WITHDRAW)(submit_withdraw)
