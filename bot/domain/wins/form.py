"""The win form: what a person enters to log a win, and the rules it must meet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.fields import WinField
from bot.domain.people import known
from bot.domain.text import clean_line, clean_text
from bot.domain.wins.money import format_plain, is_currency, parse_amount
from storage.models import Partnership, Side, Win, WinKind

MAX_HEADLINE = 150
MAX_STORY = 2900  # a section holds 3000 characters; the rest is for the label around it
MAX_PRODUCT_LINE = 100
MAX_CREDITED = 10  # per side
MAX_AMOUNT = Decimal(10) ** 12
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True)
class WinForm:
    """What the win modal says, as plain values (the amount still as typed; the texts are
    cleaned by ``validate`` and the product line where it is stored)."""

    partnership_id: int | None
    headline: str
    kind: str | None
    amount: str = ""
    currency: str = ""
    product_line_id: int | None = None
    new_product_line: str = ""
    closed_on: date | None = None
    partner_credits: list[str] = field(default_factory=list)
    vendor_credits: list[str] = field(default_factory=list)
    story: str = ""


@dataclass(frozen=True)
class Valid:
    kind: WinKind
    headline: str
    amount: Decimal | None
    currency: str | None
    closed_on: date
    story: str | None


def parse_date(value: str | None) -> date | None:
    """A date picker's value (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def today_in(tz: str) -> date:
    return utcnow().astimezone(ZoneInfo(tz)).date()


def validate(form: WinForm, tz: str) -> tuple[Valid | None, dict[str, str]]:
    errors: dict[str, str] = {}
    headline = clean_line(form.headline)  # no zero-width or bidi characters, one line
    if not headline:
        errors[WinField.HEADLINE] = (
            "Say what was won: the account or opportunity, e.g. “Acme renewal”."
        )
    elif len(headline) > MAX_HEADLINE:
        errors[WinField.HEADLINE] = f"Keep the headline under {MAX_HEADLINE} characters."

    kind = WinKind(form.kind) if form.kind in {k.value for k in WinKind} else None
    if kind is None:
        errors[WinField.KIND] = "Choose whether this is a deal closed or a milestone."

    amount: Decimal | None = None
    currency: str | None = None
    typed = form.amount.strip()
    if typed:
        money = parse_amount(typed)
        chosen = form.currency.strip().upper()
        if money is None:
            errors[WinField.AMOUNT] = (
                f"I couldn't read “{typed[:40]}” as an amount. Write it like 125000, 125,000, "
                "125k, 1.2M or 90.000,50."
            )
        elif money.amount == 0:
            errors[WinField.AMOUNT] = (
                "The amount must be more than zero (leave it empty for a milestone)."
            )
        elif money.amount < 0:
            errors[WinField.AMOUNT] = "The amount can't be negative: log what was won."
        elif money.amount > MAX_AMOUNT:
            errors[WinField.AMOUNT] = "That's more than a trillion; check the number of zeros."
        elif money.currency and chosen and money.currency != chosen:
            errors[WinField.AMOUNT] = (
                f"The amount says {money.currency} but the currency field says {chosen}; "
                "make them agree."
            )
        else:
            amount = money.amount
            currency = money.currency or chosen
        if not errors.get(WinField.AMOUNT):
            if not currency:
                errors[WinField.CURRENCY] = "Which currency? Use a code such as USD, EUR or GBP."
            elif not is_currency(currency):
                errors[WinField.CURRENCY] = (
                    f"“{currency[:10]}” is not an ISO 4217 currency code. Use one such as USD, "
                    "EUR, GBP or JPY."
                )
    elif kind is WinKind.DEAL:
        errors[WinField.AMOUNT] = "Enter the deal's amount (or log it as a milestone)."

    if form.closed_on is None:
        errors[WinField.CLOSED_ON] = "Pick the date it closed."
    elif form.closed_on > today_in(tz):
        errors[WinField.CLOSED_ON] = "That date is in the future: log a win once it has closed."

    story = clean_text(form.story)
    if len(story) > MAX_STORY:
        errors[WinField.STORY] = (
            f"Keep the story under {MAX_STORY} characters (it has {len(story)}); link to the "
            "longer version."
        )
    if len(clean_line(form.new_product_line)) > MAX_PRODUCT_LINE:
        errors[WinField.NEW_PRODUCT_LINE] = f"Keep the name under {MAX_PRODUCT_LINE} characters."
    if errors or kind is None or form.closed_on is None:
        return None, errors
    return Valid(kind, headline, amount, currency, form.closed_on, story or None), errors


def count_errors(form: WinForm) -> dict[str, str]:
    """At most ``MAX_CREDITED`` people credited on each side: a cheap check, made before anyone
    is looked up in Slack (a hand-made payload can name thousands)."""
    errors: dict[str, str] = {}
    for name, user_ids in (
        (WinField.PARTNER_CREDITS, form.partner_credits),
        (WinField.VENDOR_CREDITS, form.vendor_credits),
    ):
        if len(set(user_ids)) > MAX_CREDITED:
            errors[name] = f"Credit at most {MAX_CREDITED} people on each side."
    return errors


def credit_errors(session: Session, partnership: Partnership, form: WinForm) -> dict[str, str]:
    """People credited on a side must belong to that side's organization (when we know it)."""
    errors = count_errors(form)
    if errors:
        return errors
    people = known(session, form.partner_credits + form.vendor_credits)
    vendor, partner = partnership.vendor_team_id, partnership.partner_team_id

    def on_partner_side(team: str) -> bool:
        return team != vendor and (partner is None or team == partner)

    sides = {
        WinField.PARTNER_CREDITS: (form.partner_credits, on_partner_side, "the partner"),
        WinField.VENDOR_CREDITS: (
            form.vendor_credits,
            lambda team: team == vendor,
            "your organization",
        ),
    }
    for name, (user_ids, belongs, label) in sides.items():
        teams = {u: people[u].team_id for u in user_ids if u in people}
        wrong = [u for u, team in teams.items() if team is not None and not belongs(team)]
        if wrong:
            who = ", ".join(f"<@{u}>" for u in wrong)
            errors[name] = f"{who} {'is' if len(wrong) == 1 else 'are'} not from {label}."
    return errors


def form_of(win: Win) -> WinForm:
    """A stored win as the form that would produce it (to pre-fill the edit modal)."""
    return WinForm(
        partnership_id=win.partnership_id,
        headline=win.headline,
        kind=win.kind.value,
        amount=format_plain(win.amount) if win.amount is not None else "",
        currency=win.currency or "",
        product_line_id=win.product_line_id,
        closed_on=win.closed_on,
        partner_credits=win.credited(Side.PARTNER),
        vendor_credits=win.credited(Side.VENDOR),
        story=win.story or "",
    )
