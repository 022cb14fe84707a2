"""The registration form: what a person enters to register a deal, and the rules it must meet.

The amount is read by the ``/win`` parser (``125k``, ``EUR 90,000``, ``1.2M``); the texts are
cleaned of invisible characters before they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.domain.deals.accounts import account_key, clean_domain
from bot.domain.errors import collect
from bot.domain.fields import DealField
from bot.domain.text import clean_line, clean_text
from bot.domain.wins.form import MAX_AMOUNT, MAX_PRODUCT_LINE, today_in
from bot.domain.wins.money import format_plain, is_currency, parse_amount
from storage.models import DealStage, Registration

MAX_ACCOUNT = 200
MAX_OPPORTUNITY = 150
MAX_NOTE = 2900  # a section holds 3000 characters; the rest is for the label around it
MAX_REPLY = 2000  # a reason, a question, an answer
MAX_CLOSE_AHEAD = timedelta(days=3 * 366)

STAGE_NAMES: dict[DealStage, str] = {
    DealStage.QUALIFYING: "Qualifying",
    DealStage.DISCOVERY: "Discovery",
    DealStage.PROPOSAL: "Proposal",
    DealStage.NEGOTIATION: "Negotiation",
    DealStage.COMMIT: "Commit",
}


@dataclass(frozen=True)
class DealForm:
    """What the registration modal says, as plain values (texts still as typed)."""

    partnership_id: int | None
    account: str
    opportunity: str
    close_on: date | None
    stage: str | None
    domain: str = ""
    amount: str = ""
    currency: str = ""
    product_line_id: int | None = None
    new_product_line: str = ""
    partner_rep: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ValidDeal:
    account: str
    account_key: str
    domain: str | None
    opportunity: str
    amount: Decimal | None
    currency: str | None
    close_on: date
    stage: DealStage
    note: str | None


def read_amount(
    typed: str, chosen: str, amount_field: str, currency_field: str
) -> tuple[Decimal | None, str | None, dict[str, str]]:
    """An estimated amount and its currency as typed (both may be empty), or field errors."""
    errors: dict[str, str] = {}
    typed, chosen = typed.strip(), chosen.strip().upper()
    if not typed:
        return None, None, errors
    money = parse_amount(typed)
    if money is None:
        errors[amount_field] = (
            f"I couldn't read “{typed[:40]}” as an amount. Write it like 125000, 125,000, "
            "125k, 1.2M or 90.000,50."
        )
    elif money.amount <= 0:
        errors[amount_field] = "The estimated amount must be more than zero (or leave it empty)."
    elif money.amount > MAX_AMOUNT:
        errors[amount_field] = "That's more than a trillion; check the number of zeros."
    elif money.currency and chosen and money.currency != chosen:
        errors[amount_field] = (
            f"The amount says {money.currency} but the currency field says {chosen}; "
            "make them agree."
        )
    if errors or money is None:
        return None, None, errors
    currency = money.currency or chosen
    if not currency:
        errors[currency_field] = "Which currency? Use a code such as USD, EUR or GBP."
    elif not is_currency(currency):
        errors[currency_field] = (
            f"“{currency[:10]}” is not an ISO 4217 currency code. Use one such as USD, EUR, "
            "GBP or JPY."
        )
    if errors:
        return None, None, errors
    return money.amount, currency, errors


def read_stage(value: str | None) -> DealStage | None:
    return DealStage(value) if value in {s.value for s in DealStage} else None


def close_date_error(close_on: date | None, tz: str) -> str | None:
    if close_on is None:
        return "Pick the date the deal is expected to close."
    today = today_in(tz)
    if close_on < today:
        return "That date has passed: pick when the deal is expected to close."
    if close_on > today + MAX_CLOSE_AHEAD:
        return "That's more than three years ahead; register the deal closer to its close."
    return None


def validate(form: DealForm, tz: str) -> tuple[ValidDeal | None, dict[str, str]]:
    errors: dict[str, str] = {}
    account = clean_line(form.account)
    key = account_key(account)
    if not account or not key:
        errors[DealField.ACCOUNT] = "Name the customer account, e.g. “Acme Corporation”."
    elif len(account) > MAX_ACCOUNT:
        errors[DealField.ACCOUNT] = f"Keep the account's name under {MAX_ACCOUNT} characters."

    domain: str | None = None
    if clean_line(form.domain):
        domain = clean_domain(form.domain)
        if domain is None:
            errors[DealField.DOMAIN] = (
                "That isn't a web domain. Write the account's domain like acme.com, or leave "
                "it empty."
            )

    opportunity = clean_line(form.opportunity)
    if not opportunity:
        errors[DealField.OPPORTUNITY] = "Say what the opportunity is, e.g. “300 seats, EMEA”."
    elif len(opportunity) > MAX_OPPORTUNITY:
        errors[DealField.OPPORTUNITY] = f"Keep the opportunity under {MAX_OPPORTUNITY} characters."

    amount, currency, money_errors = read_amount(
        form.amount, form.currency, DealField.AMOUNT, DealField.CURRENCY
    )
    errors |= money_errors

    stage = read_stage(form.stage)
    if stage is None:
        errors[DealField.STAGE] = "Choose the stage the deal is in."

    close_error = close_date_error(form.close_on, tz)
    if close_error:
        errors[DealField.CLOSE_ON] = close_error

    note = clean_text(form.note)
    if len(note) > MAX_NOTE:
        errors[DealField.NOTE] = (
            f"Keep the note under {MAX_NOTE} characters (it has {len(note)}); link to the "
            "longer version."
        )
    if len(clean_line(form.new_product_line)) > MAX_PRODUCT_LINE:
        errors[DealField.NEW_PRODUCT_LINE] = f"Keep the name under {MAX_PRODUCT_LINE} characters."
    if errors or stage is None or form.close_on is None:
        return None, errors
    return (
        ValidDeal(
            account=account,
            account_key=key,
            domain=domain,
            opportunity=opportunity,
            amount=amount,
            currency=currency,
            close_on=form.close_on,
            stage=stage,
            note=note or None,
        ),
        errors,
    )


def reply_text(text: str, field: str, what: str) -> str:
    """A reason, a question or an answer: required, one message long at most."""
    cleaned = clean_text(text)
    if not cleaned:
        collect({field: f"Write the {what}."})
    if len(cleaned) > MAX_REPLY:
        collect({field: f"Keep the {what} under {MAX_REPLY} characters (it has {len(cleaned)})."})
    return cleaned


def form_of(registration: Registration) -> DealForm:
    """A stored registration as the form that would produce it (to pre-fill a modal)."""
    return DealForm(
        partnership_id=registration.partnership_id,
        account=registration.account_name,
        domain=registration.account_domain or "",
        opportunity=registration.opportunity,
        amount=format_plain(registration.amount) if registration.amount is not None else "",
        currency=registration.currency or "",
        product_line_id=registration.product_line_id,
        close_on=registration.close_on,
        stage=registration.stage.value,
        partner_rep=registration.partner_rep,
        note=registration.note or "",
    )
