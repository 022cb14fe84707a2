"""Pure view builders for the shared funnel: the card's funnel buttons, the update and lost
modals, a deal's history, the whole funnel, its agenda lines and the lines in a card's thread.

Account names, opportunities and reasons are what people typed: arguments of ``md``
(escaped), never templates.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.deals.changes import CLOSABLE, OPEN, FunnelValues
from bot.domain.deals.form import MAX_REPLY, STAGE_NAMES
from bot.domain.deals.funnel import FunnelPage, days_since_update, is_stale
from bot.domain.partners.names import Sides
from bot.domain.reviews.agenda import DealItem
from bot.domain.text import day, zone_name
from bot.domain.wins.money import format_money
from handlers.blocks import actions, button, divider, field_input, note, section
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, fit, join, md, plain, user
from storage.models import (
    DealStage,
    Partnership,
    Registration,
    RegistrationStatus,
)

# A registration's status in a few words both companies read alike.
STATUS_WORDS = {
    RegistrationStatus.SUBMITTED: "waiting for a decision",
    RegistrationStatus.MORE_INFO: "waiting for an answer to a question",
    RegistrationStatus.APPROVED: "approved",
    RegistrationStatus.REJECTED: "rejected",
    RegistrationStatus.EXPIRED: "expired",
    RegistrationStatus.WON: "won",
    RegistrationStatus.LOST: "lost",
}


def deal_title(registration: Registration) -> Mrkdwn:
    """ "*D-3* Acme Corp — 300 seats", escaped."""
    return md(
        "*{}* {} — {}",
        registration.label,
        escape(registration.account_name, 200),
        escape(registration.opportunity, 150),
    )


def money_text(amount: str | None, currency: str | None) -> str:
    if not amount:
        return "no amount"
    try:
        return format_money(Decimal(amount), currency)
    except InvalidOperation:
        return str(amount)


def stage_name(value: str | None) -> str:
    try:
        return STAGE_NAMES[DealStage(str(value))]
    except ValueError:
        return str(value)


def day_text(value: str | None) -> str:
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


# --- the card ------------------------------------------------------------------------------


def card_actions(registration: Registration) -> list[Block]:
    """The funnel's buttons on a registration's card: Update, History, Mark won, Mark lost
    while it is open; History (and won or lost) once it expired; History once it is closed."""
    value = str(registration.id)
    buttons = []
    if registration.status in OPEN:
        buttons.append(button("Update stage, amount, date", Action.DEAL_UPDATE, value))
    if registration.status in CLOSABLE:
        buttons.append(button("Mark won", Action.DEAL_WON, value, style="primary"))
        buttons.append(button("Mark lost", Action.DEAL_LOST, value))
    buttons.append(button("History", Action.DEAL_HISTORY, value))
    return [actions(block_id=B.DEAL_FUNNEL_ACTIONS, elements=buttons)]


# --- the modals ----------------------------------------------------------------------------


def _stage_options() -> list[Option]:
    return [Option(text=plain(name, 75), value=stage.value) for stage, name in STAGE_NAMES.items()]


def update_modal(registration: Registration, opened: FunnelValues) -> dict[str, Any]:
    """Stage, amount and close date, pre-filled; only what the person changes is recorded."""
    options = _stage_options()
    chosen = next((o for o in options if o.value == opened.stage), None)
    blocks: list[Block] = [
        section(deal_title(registration)),
        field_input(
            B.DEAL_STAGE,
            "Stage",
            StaticSelectElement(
                placeholder="Choose a stage", options=options, initial_option=chosen
            ),
        ),
        field_input(
            B.DEAL_AMOUNT,
            "Estimated amount",
            PlainTextInputElement(
                placeholder="e.g. 125000, 125k, 1.2M",
                max_length=64,
                initial_value=fit(opened.amount, 64) or None,
            ),
            optional=True,
        ),
        field_input(
            B.DEAL_CURRENCY,
            "Currency",
            PlainTextInputElement(max_length=3, initial_value=fit(opened.currency, 3) or None),
            optional=True,
            hint="An ISO 4217 code such as USD, EUR, GBP.",
        ),
        field_input(
            B.DEAL_CLOSE_ON,
            "Expected close date",
            DatePickerElement(
                initial_date=opened.close_on.isoformat() if opened.close_on else None
            ),
        ),
        note(
            md(
                "Only what you change is recorded. Both companies see it, in the card and its "
                "thread."
            )
        ),
    ]
    metadata = {"registration_id": registration.id, "opened": opened.to_json()}
    return View(
        type="modal",
        callback_id=Callback.DEAL_UPDATE,
        title=plain(f"Update {registration.label}", 24),
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def lost_modal(registration: Registration) -> dict[str, Any]:
    """Why the deal was lost. Marking it lost can't be undone, so the modal says so: it is the
    confirmation (Cancel leaves the deal as it is)."""
    blocks: list[Block] = [
        section(deal_title(registration)),
        section(
            md(
                "A lost deal leaves the funnel and no longer claims its account. This can't be "
                "undone; if it is only delayed, update its close date instead."
            )
        ),
        field_input(
            B.DEAL_LOST_REASON,
            "Why was it lost?",
            PlainTextInputElement(
                multiline=True,
                max_length=MAX_REPLY,
                placeholder="e.g. went with a competitor on price; budget frozen until Q3",
            ),
        ),
        note(md("Both companies read the reason in the card's thread.")),
    ]
    return View(
        type="modal",
        callback_id=Callback.DEAL_LOST,
        title=plain(f"Mark {registration.label} lost?", 24),
        submit="Mark lost",
        close="Keep it open",
        private_metadata=json.dumps({"registration_id": registration.id}),
        blocks=blocks,
    ).to_dict()


# --- the whole funnel ----------------------------------------------------------------------


def _funnel_line(registration: Registration, now: datetime, tz: str) -> Mrkdwn:
    money = (
        format_money(registration.amount, registration.currency)
        if registration.amount is not None
        else "no amount"
    )
    status = STATUS_WORDS[registration.status]
    if registration.status is RegistrationStatus.APPROVED and registration.protected_until:
        until = registration.protected_until.astimezone(ZoneInfo(tz)).date()
        status = f"protected until {day(until)}"
    parts = [
        md(
            "{} · closes {} · {} · {}",
            money,
            day(registration.close_on),
            stage_name(registration.stage.value),
            status,
        )
    ]
    if is_stale(registration, now):
        parts.append(md(":warning: no update in {} days", days_since_update(registration, now)))
    rep = (
        md(" · rep {}", user(registration.partner_rep)) if registration.partner_rep else Mrkdwn("")
    )
    return md("{}\n{}{}", deal_title(registration), join(" · ", parts), rep)


def funnel_modal(
    partnership: Partnership, names: Sides, page: FunnelPage, tz: str
) -> dict[str, Any]:
    """The partnership's open registrations, what matters most first, a page at a time, for
    either company (dates in the reader's time zone ``tz``)."""
    blocks: list[Block] = [
        section(
            md(
                "*Open deal registrations* · {}: {}{}",
                escape(names.joint, 300),
                page.total,
                md(", {} with no update in 30 days", page.stale) if page.stale else Mrkdwn(""),
            )
        ),
        note(
            md(
                "Largest first, then closing soonest; amounts are compared within a currency. "
                "Dates are {}, your time zone. Each deal's card in {} has its buttons and "
                "history.",
                zone_name(tz),
                channel(partnership.channel_id),
            )
        ),
        divider(),
    ]
    if not page.registrations:
        blocks.append(
            section(md("No open registrations. *Register a deal* puts one forward for both."))
        )
    blocks += [section(_funnel_line(r, page.now, tz)) for r in page.registrations]
    if page.pages > 1:
        nav = []
        if page.page > 0:
            nav.append(
                button("Previous", Action.DEAL_FUNNEL_PAGE, f"{partnership.id}:{page.page - 1}")
            )
        if page.page + 1 < page.pages:
            nav.append(button("Next", Action.DEAL_FUNNEL_PAGE, f"{partnership.id}:{page.page + 1}"))
        last = min(page.total, page.first + len(page.registrations) - 1)
        blocks.append(note(md("{} to {} of {}", page.first, last, page.total)))
        blocks.append(actions(block_id=B.DEAL_FUNNEL_PAGES, elements=nav))
    return View(
        type="modal",
        title=plain("Deal funnel", 24),
        close="Close",
        blocks=blocks,
    ).to_dict()


# --- the review agenda ---------------------------------------------------------------------


def agenda_line(item: DealItem) -> Mrkdwn:
    """One registration in a review's agenda: what, how much, when, where it stands."""
    amount = md(" · {}", item.amount) if item.amount else Mrkdwn("")
    stale = (
        md(" · :warning: no update in {} days", item.stale_days)
        if item.stale_days is not None
        else Mrkdwn("")
    )
    waiting = Mrkdwn("") if item.approved else md(" · waiting for a decision")
    return md(
        "{} {} — {}{} · closes {} · {}{}{}",
        item.label,
        item.account,
        item.opportunity,
        amount,
        day(item.close_on),
        item.stage,
        waiting,
        stale,
    )


def funnel_button(partnership_id: int) -> Any:
    return button("See the whole funnel", Action.DEAL_FUNNEL, f"{partnership_id}:0")
