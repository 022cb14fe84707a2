"""What a click or a submission is about: the promise its button or modal points at."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.promises import service as service
from handlers import forms
from handlers.subjects import id_in
from storage.models import Promise


def promise_from(session: Session, value: str | int | None) -> Promise:
    """The promise a button value ("<id>" or "<id>:<more>") names."""
    return service.get_promise(session, id_in(str(value or "").split(":", 1)[0]))


def promise_of_view(session: Session, body: dict[str, Any]) -> Promise:
    return promise_from(session, forms.metadata(body).get("promise_id"))


def picked_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
