"""The agenda of a review: what happened in the partnership since the last review held.

Extension point: each feature's domain module (``bot.domain.wins``, ``bot.domain.rules``,
``bot.domain.promises``, ...) may define

    def review_agenda(session, partnership, since) -> AgendaSection | None

returning its section (e.g. "Wins logged: 3", with a few lines), or None when it has
nothing to say. A feature that doesn't exist yet, or defines no such function, gets no
section. Add a new feature's module name to ``AGENDA_FEATURES`` to put it on the agenda.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Partnership

log = logging.getLogger(__name__)

# Sections appear in this order.
AGENDA_FEATURES = ("wins", "rules", "promises")
MAX_LINES = 8


@dataclass(frozen=True)
class AgendaSection:
    """One part of a review's agenda: a title with a count, and a few lines (mrkdwn)."""

    title: str
    lines: list[str] = field(default_factory=list)


AgendaSource = Callable[[Session, Partnership, datetime], AgendaSection | None]


def sources() -> list[AgendaSource]:
    """The ``review_agenda`` functions of the features that exist, in agenda order."""
    found: list[AgendaSource] = []
    for name in AGENDA_FEATURES:
        try:
            module = importlib.import_module(f"bot.domain.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bot.domain.{name}":
                raise
            continue
        source = getattr(module, "review_agenda", None)
        if callable(source):
            found.append(source)
    return found


def agenda(
    session: Session,
    partnership: Partnership,
    since: datetime,
    features: list[AgendaSource] | None = None,
) -> list[AgendaSection]:
    """The sections of a review's agenda, each kept to ``MAX_LINES`` lines."""
    sections: list[AgendaSection] = []
    for source in features if features is not None else sources():
        section = source(session, partnership, since)
        if section is not None:
            lines = section.lines[:MAX_LINES]
            if len(section.lines) > MAX_LINES:
                lines.append(f"… and {len(section.lines) - MAX_LINES} more")
            sections.append(AgendaSection(section.title, lines))
    return sections
