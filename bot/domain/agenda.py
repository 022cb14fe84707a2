"""The agenda of a review: what happened in the partnership since the last review held.

Each feature that has something to go over contributes one section, from its own queries:
wins logged, rules proposed or agreed, promises open and overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.money import format_money
from bot.domain.promises import promises_open_and_overdue
from bot.domain.rulebook import rule_activity_since
from bot.domain.win_records import summarize, wins_since
from storage.models import Partnership

MAX_LINES = 8
MAX_LINE = 160


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


@dataclass(frozen=True)
class AgendaSection:
    """One part of a review's agenda: a title with a count, and a few lines (mrkdwn)."""

    title: str
    lines: list[str] = field(default_factory=list)


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
    lines = [
        shorten(win.headline)
        + (f" — {format_money(win.amount, win.currency)}" if win.amount else "")
        for win in wins
    ]
    return AgendaSection(title, lines)


def rules_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    activity = rule_activity_since(session, partnership.id, since)
    if not activity.proposed and not activity.agreed:
        return None
    title = f"Rules of engagement: {len(activity.proposed)} proposed, {len(activity.agreed)} agreed"
    lines = [f"Agreed: {shorten(title_)}" for title_ in activity.agreed]
    lines += [f"Proposed: {shorten(title_)}" for title_ in activity.proposed]
    return AgendaSection(title, lines)


def promises_section(
    session: Session, partnership: Partnership, since: datetime
) -> AgendaSection | None:
    found = promises_open_and_overdue(session, partnership.id, utcnow())
    if not found.open:
        return None
    overdue = {p.id for p in found.overdue}
    title = f"Promises open: {len(found.open)}, overdue: {len(overdue)}"
    lines = [
        f"{'Overdue' if p.id in overdue else 'Due'} {p.due_date:%d %b}: <@{p.maker_id}> to "
        f"<@{p.owed_to_id}> — {shorten(p.promise)}"
        for p in found.open
    ]
    return AgendaSection(title, lines)


# Sections appear in this order.
SOURCES: list[AgendaSource] = [wins_section, rules_section, promises_section]


def agenda(
    session: Session,
    partnership: Partnership,
    since: datetime,
    features: list[AgendaSource] | None = None,
) -> list[AgendaSection]:
    """The sections of a review's agenda, each kept to ``MAX_LINES`` lines."""
    sections: list[AgendaSection] = []
    for source in features if features is not None else SOURCES:
        section = source(session, partnership, since)
        if section is not None:
            lines = section.lines[:MAX_LINES]
            if len(section.lines) > MAX_LINES:
                lines.append(f"… and {len(section.lines) - MAX_LINES} more")
            sections.append(AgendaSection(section.title, lines))
    return sections
