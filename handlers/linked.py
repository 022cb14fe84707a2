"""Which partnership a request is about: the one linked to its channel, or its button's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.domain import partnerships
from bot.domain.errors import DomainError
from handlers import forms
from storage.models import Partnership


def channel_partnership(session: Session, body: dict[str, Any], then: str = "") -> Partnership:
    """The live partnership of the channel a command was run in; ``then`` says what next."""
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if partnership is None:
        raise DomainError(
            "This channel isn't linked to a partner yet. Run `/partner` here to link it"
            + (f", then {then}." if then else ".")
        )
    return partnership


def button_partnership(session: Session, body: dict[str, Any]) -> Partnership:
    """The partnership a button on our message points at (its value is the partnership id)."""
    value = forms.action_value(body)
    if not value.isdigit():
        raise DomainError("That button is out of date. Run /partner again.")
    return partnerships.get_partnership(session, int(value))
