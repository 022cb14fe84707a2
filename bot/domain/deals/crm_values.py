"""A row from the system of record, checked: the values an import may store.

Each value is checked as the registration form checks it (the account, its domain, the
amount read by the ``/win`` parser, ...), except that a close date in the past is fine: the
CRM keeps closed deals. A value a row leaves empty is None: the import leaves it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.domain.deals.accounts import account_key, clean_domain
from bot.domain.deals.crm import Opportunity
from bot.domain.deals.form import MAX_ACCOUNT, MAX_NOTE, MAX_OPPORTUNITY, read_amount
from bot.domain.text import clean_line, clean_text, match_key
from storage.models import DealStage, RegistrationStatus

_USER_ID = re.compile(r"^[UW][A-Z0-9_]{2,31}$")


class Refused(Exception):
    """A row that can't be applied; the message says why, to a person."""


@dataclass(frozen=True)
class Values:
    """A row's values, checked; None where the row gives none."""

    account: str | None = None
    domain: str | None = None
    opportunity: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    stage: DealStage | None = None
    close_on: date | None = None
    status: RegistrationStatus | None = None
    partner_rep: str | None = None
    note: str | None = None
    protected_until: datetime | None = None


def text_of(value: str | None) -> str:
    return clean_line(value) if value is not None else ""


def quoted(value: str, limit: int = 40) -> str:
    """What a person wrote, quoted in a message: one line, shortened, control characters
    shown as escapes (the report goes to a terminal)."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return f"“{shown[:limit]}{'…' if len(shown) > limit else ''}”"


def _enum(kind: type[StrEnum], value: str, column: str) -> Any:
    key = match_key(value).replace(" ", "_").replace("-", "_")
    for member in kind:
        if member.value == key:
            return member
    names = ", ".join(m.value for m in kind)
    raise Refused(f"{column} {quoted(value)} is not one of: {names}.")


def _day(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Refused(f"{column} {quoted(value)} isn't a date like 2026-12-31.") from None


def _moment(value: str, column: str) -> datetime:
    """A date (the end of that day, UTC) or an ISO date and time (UTC unless it says)."""
    text = value.strip()
    try:
        if len(text) <= 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(f"{column} {quoted(value)} isn't a date like 2026-12-31.") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_values(row: Opportunity, current_currency: str | None, notes: list[str]) -> Values:
    """The row's values, checked as the registration form checks them (a close date in the
    past is fine: the CRM keeps closed deals). Raises Refused with every problem found."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    account = text_of(row.account)
    if account:
        if not account_key(account):
            problems.append(f"account {quoted(account)} has no letters or digits to match by.")
        elif len(account) > MAX_ACCOUNT:
            problems.append(f"account is longer than {MAX_ACCOUNT} characters.")
        values["account"] = account
    if text_of(row.domain):
        domain = clean_domain(row.domain)
        if domain is None:
            problems.append(
                f"domain {quoted(text_of(row.domain))} isn't a web domain like acme.com."
            )
        values["domain"] = domain
    opportunity = text_of(row.opportunity)
    if opportunity:
        if len(opportunity) > MAX_OPPORTUNITY:
            problems.append(f"opportunity is longer than {MAX_OPPORTUNITY} characters.")
        values["opportunity"] = opportunity
    if text_of(row.amount) or text_of(row.currency):
        typed, chosen = text_of(row.amount), text_of(row.currency)
        if not typed:
            problems.append("currency is given without an amount.")
        else:
            amount, currency, errors = read_amount(
                typed, chosen or (current_currency or ""), "amount", "currency"
            )
            problems += [f"{name}: {message}" for name, message in errors.items()]
            values["amount"], values["currency"] = amount, currency
    for column, kind in (("stage", DealStage), ("status", RegistrationStatus)):
        text = text_of(getattr(row, column))
        if text:
            try:
                values[column] = _enum(kind, text, column)
            except Refused as exc:
                problems.append(str(exc))
    for column, attribute, read in (
        ("close_date", "close_on", _day),
        ("protected_until", "protected_until", _moment),
    ):
        text = text_of(getattr(row, column))
        if text:
            try:
                values[attribute] = read(text, column)
            except Refused as exc:
                problems.append(str(exc))
    rep = text_of(row.partner_rep)
    if rep:
        if _USER_ID.match(rep):
            values["partner_rep"] = rep
        else:
            notes.append(
                f"partner_rep {quoted(rep)} left out: partnerbot knows people by their Slack "
                "user id (U…), not by name or email."
            )
    note = clean_text(row.note) if row.note is not None else ""
    if note:
        if len(note) > MAX_NOTE:
            problems.append(f"note is longer than {MAX_NOTE} characters.")
        values["note"] = note
    if problems:
        raise Refused(" ".join(problems))
    return Values(**values)
