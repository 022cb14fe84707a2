"""The Slack effects of KPIs and exports: the scorecard shared in the channel, and files (the
chart, the records export) sent to a person's DM with Slack's upload API.

Files carry no message metadata, so an upload whose answer never came may be repeated once by
its retry; a shared scorecard carries its key and is never posted twice.
"""

from __future__ import annotations

import logging
import uuid

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.kpis import service as kpis
from bot.domain.kpis.export import export_partnership
from bot.domain.outbox import Delivery
from bot.domain.partners.names import sides
from bot.domain.partners.service import get_partnership
from bot.domain.people import Actor
from handlers import delivery
from handlers.effects import declare
from handlers.kpis import messages
from handlers.kpis.chart import render_chart
from handlers.tell import open_dm
from storage.models import Occurrence, Partnership

log = logging.getLogger(__name__)

SHARE = "kpis.share"
CHART = "kpis.chart"
EXPORT = "records.export"


def send_file(
    client: WebClient,
    user_id: str,
    *,
    filename: str,
    content: bytes,
    title: str,
    comment: str | None = None,
) -> Delivery:
    """Upload ``content`` to the person's DM (files_upload_v2 does Slack's three steps)."""
    try:
        client.files_upload_v2(
            channel=open_dm(client, user_id),
            content=content,
            filename=filename,
            title=title,
            initial_comment=comment,
        )
    except (SlackApiError, OSError) as exc:
        sent = delivery.delivery_for(exc)
        log.warning("upload of %s to %s failed: %s", filename, user_id, sent.reason)
        return sent
    return Delivery.sent(None, None)


def chart(session: Session, partnership: Partnership, actor: Actor) -> None:
    """Declare the KPI chart (PNG) for the person's DM."""
    declare(
        session,
        CHART,
        f"chart:{partnership.id}:{uuid.uuid4().hex[:12]}",
        actor=actor.user_id,
        what="the KPI chart",
        where=None,
        partnership_id=partnership.id,
        saved=False,
        team=actor.team_id,
        enterprise=actor.enterprise_id,
    )


def export(
    session: Session, partnership: Partnership, actor: Actor, to: str, comment: str, title: str
) -> None:
    """Declare the records export (a zip of CSVs) for ``to``'s DM."""
    declare(
        session,
        EXPORT,
        f"export:{partnership.id}:{to}:{uuid.uuid4().hex[:12]}",
        actor=actor.user_id,
        what="the records export",
        where=None,
        partnership_id=partnership.id,
        saved=False,
        team=actor.team_id,
        enterprise=actor.enterprise_id,
        to=to,
        comment=comment,
        title=title,
    )


def _actor(occurrence: Occurrence) -> Actor:
    payload = occurrence.payload or {}
    return Actor(
        user_id=str(payload.get("actor")),
        team_id=str(payload.get("team") or ""),
        enterprise_id=payload.get("enterprise") or None,
    )


def send_share(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    partnership = get_partnership(session, int(occurrence.partnership_id or 0))
    actor = _actor(occurrence)
    report = kpis.report(session, partnership, actor)
    content = messages.shared_summary(report, sides(session, partnership), actor.user_id)
    return delivery.post(client, occurrence, partnership.channel_id, content)


def send_chart(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    partnership = get_partnership(session, int(occurrence.partnership_id or 0))
    actor = _actor(occurrence)
    report = kpis.report(session, partnership, actor)
    name = partnership.partner_name
    label = report.quarters[-1].quarter.label.replace(" ", "-")
    return send_file(
        client,
        actor.user_id,
        filename=f"kpis-{partnership.id}-{label}.png",
        content=render_chart(report),
        title=f"KPIs: {name}, {report.period}",
        comment=str(messages.chart_comment(report)),
    )


def send_export(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    payload = occurrence.payload or {}
    partnership = get_partnership(session, int(occurrence.partnership_id or 0))
    records = export_partnership(session, partnership, _actor(occurrence))
    return send_file(
        client,
        str(payload.get("to")),
        filename=records.filename,
        content=records.content,
        title=str(payload.get("title") or "Partnership records"),
        comment=str(payload.get("comment") or "") or None,
    )
