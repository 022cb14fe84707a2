"""Reading wins back: recent ones, those since a review, totals, and where they may go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.partners.service import live_partnership_in, partnerships_of, partnerships_of_team
from bot.domain.people import Actor
from bot.domain.text import match_key
from bot.domain.wins.form import DEFAULT_CURRENCY
from bot.domain.wins.money import format_money
from storage.models import Partnership, ProductLine, Win

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WinsSummary:
    """How many wins, and their total per currency (wins without an amount count too)."""

    count: int
    totals: dict[str, Decimal]

    def describe(self) -> str:
        money = ", ".join(format_money(v, c) for c, v in sorted(self.totals.items()))
        return f"{self.count} win{'s' if self.count != 1 else ''}" + (
            f" ({money})" if money else ""
        )


def partnerships_to_choose(session: Session, actor: Actor, limit: int = 100) -> list[Partnership]:
    """Where someone outside a linked channel may log a win, by partner name: the live
    partnerships they play a part in, then (up to ``limit``) the rest of their workspace's."""
    mine = partnerships_of(session, actor.user_id)
    ours = partnerships_of_team(session, actor.team_id)
    chosen = list({p.id: p for p in [*mine, *ours]}.values())[:limit]
    return sorted(chosen, key=lambda p: p.partner_name.casefold())


def copy_channel_for(
    session: Session, partnership: Partnership, wins_channel_id: str | None
) -> str | None:
    """The internal wins channel to copy a win to, unless it is some partnership's channel."""
    if not wins_channel_id or wins_channel_id == partnership.channel_id:
        return None
    if live_partnership_in(session, wins_channel_id) is not None:
        return None  # a partner's channel: never show one partner another's wins
    return wins_channel_id


def product_lines(session: Session, partnership_id: int) -> list[ProductLine]:
    return list(
        session.scalars(
            select(ProductLine)
            .where(ProductLine.partnership_id == partnership_id)
            .order_by(ProductLine.name_key)
        )
    )


def line_key(name: str) -> str:
    """The form product lines are told apart in: case, spacing, invisible characters and
    look-alike forms don't count, so "Cloud Backup", "cloud  backup", "Cloud\u200bBackup"
    (shown as "CloudBackup") and the same in fullwidth letters are one line."""
    return match_key(name).replace(" ", "")[:100]  # the name_key column holds 100 characters


def product_line_named(session: Session, partnership_id: int, name: str) -> ProductLine | None:
    """The partnership's product line that ``name`` means, if it has one."""
    key = line_key(name)
    found = session.scalar(
        select(ProductLine).where(
            ProductLine.partnership_id == partnership_id, ProductLine.name_key == key
        )
    )
    if found is not None:
        return found
    # Lines stored before keys were normalized have a plainer key: compare their names.
    return next(
        (line for line in product_lines(session, partnership_id) if line_key(line.name) == key),
        None,
    )


def last_currency(session: Session, partnership_id: int) -> str:
    """The currency this partnership's wins were last logged in (USD before the first)."""
    currency = session.scalar(
        select(Win.currency)
        .where(Win.partnership_id == partnership_id, Win.currency.is_not(None))
        .order_by(Win.created_at.desc(), Win.id.desc())
        .limit(1)
    )
    return currency or DEFAULT_CURRENCY


def recent_wins(session: Session, partnership_id: int, limit: int = 10) -> list[Win]:
    """The partnership's latest wins that stand (withdrawn ones left out), newest first."""
    return list(
        session.scalars(
            select(Win)
            .where(Win.partnership_id == partnership_id, Win.deleted_at.is_(None))
            .order_by(Win.closed_on.desc(), Win.created_at.desc(), Win.id.desc())
            .limit(limit)
        )
    )


def wins_since(session: Session, partnership_id: int, since: datetime) -> list[Win]:
    """Wins logged since a moment (e.g. the last review), oldest first; withdrawn ones left out."""
    return list(
        session.scalars(
            select(Win)
            .where(
                Win.partnership_id == partnership_id,
                Win.deleted_at.is_(None),
                Win.created_at >= since,
            )
            .order_by(Win.created_at, Win.id)
        )
    )


def summary(session: Session, partnership_id: int, since: datetime | None = None) -> WinsSummary:
    """Count and totals of a partnership's standing wins, all of them or since a moment."""
    return summarize(wins_since(session, partnership_id, since or EPOCH))


def summarize(wins: list[Win]) -> WinsSummary:
    totals: dict[str, Decimal] = {}
    for win in wins:
        if win.amount is not None and win.currency:
            totals[win.currency] = totals.get(win.currency, Decimal(0)) + win.amount
    return WinsSummary(count=len(wins), totals=totals)
