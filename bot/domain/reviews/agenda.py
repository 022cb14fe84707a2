"""The agenda of a review: what happened in the partnership since the last review held.

Each feature that has something to go over contributes one section, from its own queries:
wins logged, rules proposed or agreed, promises open and overdue, the open deal registrations
that matter most. Sections hold plain data,
no Slack syntax: the review prompt's view renders (and escapes) them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals import funnel
from bot.domain.deals.form import STAGE_NAMES
from bot.domain.promises.service import promises_open_and_overdue
from bot.domain.rules.records import rule_activity_since
from bot.domain.wins.money import format_money
from bot.domain.wins.records import summarize, wins_since
from storage.models import Partnership, RegistrationStatus

MAX_LINES = 8
MAX_LINE = 160


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


# The items of an agenda are plain data: people's text (headlines, titles, promises) stays as
# they wrote it (shortened), and the Slack view decides how to show it, escaped.
@dataclass(frozen=True)
class WinItem:
    headline: str
    amount: str | None = None  # formatted, e.g. "$125,000.00"


@dataclass(frozen=True)
class RuleItem:
    agreed: bool  # agreed, or only proposed
    title: str  # "R-3 Lead sharing" once agreed


@dataclass(frozen=True)
class PromiseItem:
    overdue: bool
    due_on: date
    maker_id: str
    owed_to_id: str
    text: str


@dataclass(frozen=True)
class DealItem:
    label: str  # "D-3"
    account: str
    opportunity: str
    amount: str | None  # formatted, e.g. "$125,000.00"
    close_on: date
    stage: str  # "Negotiation"
    approved: bool  # approved, or still waiting for the vendor's decision
    stale_days: int | None  # days since the last update, when it is stale


AgendaItem = WinItem | RuleItem | PromiseItem | DealItem


@dataclass(frozen=True)
class AgendaSection:
    """One part of a review's agenda: a title with a count, its items, and how many more
    there were than are listed."""

    title: str
    items: list[AgendaItem] = field(default_factory=list)
    more: int = 0


AgendaSource = Callable[[Session, Partnership, datetime], AgendaSection | None]


def wins_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    wins = wins_since(session, partnership.id, since)
    if not wins:
        return None
    totals = summarize(wins).totals
    title = f"Wins logged: {len(wins)}"
    if totals:
        title += " (" + ", ".join(format_money(v, c) for c, v in sorted(totals.items())) + ")"
    items: list[AgendaItem] = [
        WinItem(
            shorten(win.headline),
            format_money(win.amount, win.currency) if win.amount else None,
        )
        for win in wins
    ]
    return AgendaSection(title, items)


def rules_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    activity = rule_activity_since(session, partnership.id, since)
    if not activity.proposed and not activity.agreed:
        return None
    title = f"Rules of engagement: {len(activity.proposed)} proposed, {len(activity.agreed)} agreed"
    items: list[AgendaItem] = [RuleItem(True, shorten(title_)) for title_ in activity.agreed]
    items += [RuleItem(False, shorten(title_)) for title_ in activity.proposed]
    return AgendaSection(title, items)


def promises_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    found = promises_open_and_overdue(session, partnership.id, utcnow())
    if not found.open:
        return None
    overdue = {p.id for p in found.overdue}
    title = f"Promises open: {len(found.open)}, overdue: {len(overdue)}"
    items: list[AgendaItem] = [
        PromiseItem(p.id in overdue, p.due_date, p.maker_id, p.owed_to_id, shorten(p.promise))
        for p in found.open
    ]
    return AgendaSection(title, items)


def deals_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    """The open registrations that matter most (largest first, then closing soonest), stale
    ones flagged; the whole funnel is a button away."""
    now = utcnow()
    found = funnel.funnel_page(session, partnership.id, now, per_page=MAX_LINES)
    if not found.total:
        return None
    title = f"Open deal registrations: {found.total}"
    if found.stale:
        title += f", {found.stale} with no update in {funnel.STALE_AFTER.days} days"
    items: list[AgendaItem] = [
        DealItem(
            label=r.label,
            account=shorten(r.account_name),
            opportunity=shorten(r.opportunity),
            amount=format_money(r.amount, r.currency) if r.amount is not None else None,
            close_on=r.close_on,
            stage=STAGE_NAMES[r.stage],
            approved=r.status is RegistrationStatus.APPROVED,
            stale_days=funnel.days_since_update(r, now) if funnel.is_stale(r, now) else None,
        )
        for r in found.registrations
    ]
    return AgendaSection(title, items, more=found.total - len(items))


# Sections appear in this order.
SOURCES: list[AgendaSource] = [deals_section, wins_section, rules_section, promises_section]


def agenda(
    session: Session,
    partnership: Partnership,
    since: datetime,
    features: list[AgendaSource] | None = None,
) -> list[AgendaSection]:
    """The sections of a review's agenda, each kept to ``MAX_LINES`` items."""
    sections: list[AgendaSection] = []
    for source in features if features is not None else SOURCES:
        section = source(session, partnership, since)
        if section is not None:
            more = section.more + max(len(section.items) - MAX_LINES, 0)
            sections.append(AgendaSection(section.title, section.items[:MAX_LINES], more))
    return sections
