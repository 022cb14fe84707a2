"""The Slack effects of partnerships: the notice in the channel when it is linked."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.outbox import Delivery
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from handlers import delivery
from handlers.partners import messages
from storage.models import Occurrence

LINKED = "partnership.linked"


def send_link_notice(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The notice in the channel (with the Partnership summary button the partner uses)."""
    partnership = partnerships.get_partnership(session, int(occurrence.partnership_id or 0))
    actor = str((occurrence.payload or {}).get("actor"))
    names = sides(session, partnership)
    return delivery.post(
        client,
        occurrence,
        partnership.channel_id,
        messages.linked_message(partnership, names, actor),
    )
