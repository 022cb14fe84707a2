"""Product lines: the one a win or a deal names, chosen from the partnership's or typed anew."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.errors import NotFound
from bot.domain.fields import WinField
from bot.domain.people import Actor
from bot.domain.text import clean_line
from bot.domain.wins.records import line_key, product_line_named
from storage.models import Partnership, ProductLine


def product_line(
    session: Session,
    partnership: Partnership,
    chosen_id: int | None,
    new_name: str | None,
    actor: Actor,
    field: str = WinField.PRODUCT_LINE,
) -> ProductLine | None:
    """The chosen line, or the new one typed (matched to an existing one regardless of case,
    spacing, invisible characters and look-alike forms: see ``line_key``). A win and a deal
    name their product line this way; ``field`` is the form field a refusal points at."""
    name = clean_line(new_name)
    key = line_key(name)
    if key:
        existing = product_line_named(session, partnership.id, name)
        if existing is not None:
            return existing
        line = ProductLine(
            partnership_id=partnership.id,
            name=name,
            name_key=key,
            created_by=actor.user_id,
            created_at=utcnow(),
        )
        try:
            with session.begin_nested():  # someone may add the same line at the same moment
                session.add(line)
                session.flush()
        except IntegrityError:
            return product_line_named(session, partnership.id, name)
        return line
    if chosen_id is None:
        return None
    chosen = session.get(ProductLine, chosen_id)
    if chosen is None or chosen.partnership_id != partnership.id:
        raise NotFound("That product line is gone; pick another.", field=field)
    return chosen
