"""The vendor's system of record (its CRM), as partnerbot reads and writes it.

A system of record holds opportunities; partnerbot keeps its deal registrations in step with
them: ``bot.domain.deals.imports`` creates and updates registrations from what the CRM says,
``opportunities`` gives the registrations back for the CRM. Anything that can read and write
``Opportunity`` values is a system of record: a CSV file (``bot.domain.deals.csvfile``) today;
a Salesforce or HubSpot adapter would map its own fields onto the same columns and go through
the same checks, so every source is validated alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from storage.models import Partnership, Registration

# The columns an import reads, in the order an export writes them.
COLUMNS = (
    "crm_id",  # the CRM's opportunity id: an import matches rows by it
    "registration",  # partnerbot's number, D-1, D-2 ...: links a registration made in Slack
    "channel",  # the partnership's Slack channel id (C…)
    "partner",  # or the partner's name, as the partnership has it
    "account",
    "domain",
    "opportunity",
    "amount",
    "currency",
    "stage",
    "close_date",
    "status",
    "partner_rep",
    "note",
    "protected_until",
)
# Written by an export for the CRM's information; an import leaves them alone.
EXPORT_ONLY = ("registered_at", "updated_at")
BATCH = 1000
IMPORTER = "import"  # who made a change that came from the CRM, in a registration's history


class SourceError(DomainError):
    """The source can't be read at all (no such file, not a CSV, unknown columns): nothing
    was imported."""


@dataclass(frozen=True)
class Opportunity:
    """One opportunity as the system of record holds it: text, as the CRM or a person wrote
    it (partnerbot checks every value the same way whatever the source). ``None`` is a value
    the source doesn't give: an import leaves partnerbot's as it is."""

    where: str  # how a person finds it in the source: "row 7", or a record's address
    crm_id: str | None = None
    registration: str | None = None
    channel: str | None = None
    partner: str | None = None
    account: str | None = None
    domain: str | None = None
    opportunity: str | None = None
    amount: str | None = None
    currency: str | None = None
    stage: str | None = None
    close_date: str | None = None
    status: str | None = None
    partner_rep: str | None = None
    note: str | None = None
    protected_until: str | None = None
    registered_at: str | None = None
    updated_at: str | None = None
    problem: str | None = None  # the source couldn't read the record whole

    def values(self) -> dict[str, str | None]:
        """Column -> value, for every column an export writes."""
        return {name: getattr(self, name) for name in (*COLUMNS, *EXPORT_ONLY)}


assert {f.name for f in fields(Opportunity)} >= {*COLUMNS, *EXPORT_ONLY}


class SystemOfRecord(Protocol):
    """Where the vendor's opportunities live. ``read`` gives them in the source's order;
    ``write`` stores them (all of them: a CSV file is replaced) and says how many."""

    def read(self) -> Iterator[Opportunity]: ...

    def write(self, opportunities: Iterable[Opportunity]) -> int: ...


def vendor_team(session: Session, team: str | None) -> str:
    """The vendor workspace an import or export is for: ``team`` if given, else the only one
    with partnerships in this database."""
    teams = dict(
        session.execute(
            select(Partnership.vendor_team_id, func.count()).group_by(Partnership.vendor_team_id)
        ).all()
    )
    if team is not None:
        if team not in teams:
            raise SourceError(f"No partnerships belong to the workspace {team}.")
        return team
    if not teams:
        raise SourceError("There are no partnerships yet: link a channel with /partner first.")
    if len(teams) > 1:
        listed = ", ".join(f"{t} ({n} partnerships)" for t, n in sorted(teams.items()))
        raise SourceError(
            f"This database serves several workspaces; say which with --team: {listed}."
        )
    return next(iter(teams))


def iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]


def plain(amount: Decimal | None) -> str | None:
    """An amount as a CRM reads it back: digits and a decimal point, no grouping."""
    return None if amount is None else format(amount, "f")


def opportunities(
    session: Session, vendor_team_id: str, channel_id: str | None = None
) -> Iterator[Opportunity]:
    """The vendor's registrations as opportunities (one partnership's with ``channel_id``),
    by partnership and number; read in batches, never all at once."""
    query = (
        select(Registration, Partnership.channel_id, Partnership.partner_name)
        .join(Partnership, Partnership.id == Registration.partnership_id)
        .where(Registration.vendor_team_id == vendor_team_id)
        .order_by(Partnership.id, Registration.number)
        .execution_options(yield_per=BATCH)
    )
    if channel_id is not None:
        query = query.where(Partnership.channel_id == channel_id)
    for registration, channel, partner in session.execute(query):
        yield Opportunity(
            where=registration.label,
            crm_id=registration.crm_id,
            registration=registration.label,
            channel=channel,
            partner=partner,
            account=registration.account_name,
            domain=registration.account_domain,
            opportunity=registration.opportunity,
            amount=plain(registration.amount),
            currency=registration.currency,
            stage=registration.stage.value,
            close_date=iso(registration.close_on),
            status=registration.status.value,
            partner_rep=registration.partner_rep,
            note=registration.note,
            protected_until=iso(registration.protected_until),
            registered_at=iso(registration.created_at),
            updated_at=iso(registration.updated_at),
        )
