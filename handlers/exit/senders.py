"""The Slack effects of ending a partnership: the closing note that thanks the partner."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.outbox import Delivery
from bot.domain.partners import service as partnerships
from handlers import delivery
from handlers.exit import messages
from storage.models import Occurrence

CLOSING_NOTE = "exit.closing_note"


def send_closing_note(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The closing note thanking the partner, in the channel, once."""
    payload = occurrence.payload or {}
    partnership = partnerships.get_partnership(session, int(occurrence.partnership_id or 0))
    message = messages.closing_message(
        partnership, str(payload.get("note") or ""), str(payload.get("actor"))
    )
    return delivery.post(client, occurrence, partnership.channel_id, message)
