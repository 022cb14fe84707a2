"""What a request is about: the ids its buttons and forms carry (one parser, one message when
they are out of date), and the partnership of its channel or its button.

Every id in a payload is a claim: it is parsed here, then looked up and re-checked by the
domain (which refuses what the person may not see or do).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.people import Actor
from handlers import forms
from storage.models import Partnership

# Said to either side (the partner's people run no commands): where to go instead.
OUT_OF_DATE = (
    "That is out of date: what it points at has changed or is gone. Open it again from the "
    "latest message in the channel."
)
MAX_ID = 2**31 - 1  # ids are database integers; anything else is not one of ours


def id_in(value: object) -> int:
    """An id from a button value or a form's hidden data, or DomainError(OUT_OF_DATE)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise DomainError(OUT_OF_DATE)
    return int(text)


def ids_in(value: object, count: int) -> tuple[int, ...]:
    """``count`` ids from a value like "12:3" (a proposal and its version)."""
    parts = str(value or "").split(":")
    if len(parts) != count:
        raise DomainError(OUT_OF_DATE)
    return tuple(id_in(p) for p in parts)


def optional_id(value: object) -> int | None:
    """An id a form may leave empty (a pick not made): None when empty or not an id."""
    try:
        return id_in(value)
    except DomainError:
        return None


def button_id(body: dict[str, Any]) -> int:
    """The id the clicked button (or chosen menu option) carries."""
    return id_in(forms.action_value(body))


def form_id(body: dict[str, Any], key: str) -> int:
    """The id a modal keeps in its private_metadata under ``key``."""
    return id_in(forms.metadata(body).get(key))


def channel_partnership(session: Session, body: dict[str, Any], then: str = "") -> Partnership:
    """The live partnership of the channel a command was run in; ``then`` says what next."""
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if partnership is None:
        raise DomainError(
            "This channel isn't linked to a partner yet. Run `/partner` here to link it"
            + (f", then {then}." if then else ".")
        )
    return partnership


def picked_partnership(
    session: Session, partnership_id: int | None, actor: Actor
) -> Partnership | None:
    """The partnership a modal's picker names, if any: the picked id is the payload's word,
    so only that partnership's two sides may load it."""
    if not partnership_id:
        return None
    partnership = partnerships.get_partnership(session, partnership_id)
    partnerships.require_side(partnership, actor)
    return partnership


def button_partnership(session: Session, body: dict[str, Any]) -> Partnership:
    """The partnership a button on our message points at (its value is the partnership id)."""
    return partnerships.get_partnership(session, button_id(body))
