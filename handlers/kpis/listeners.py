"""Listeners for /partner kpis, the KPIs and Share buttons, and /partner export."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from bot.domain.exit.service import partnership_for_records
from bot.domain.kpis import service as kpis
from bot.domain.kpis.export import require_export
from bot.domain.kpis.service import KpiReport
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from handlers import directory
from handlers.boundary import TrackedAck, listener
from handlers.effects import digest, note_to, share
from handlers.ids import Action, Callback
from handlers.kpis import messages, senders
from handlers.subjects import button_partnership, channel_partnership, form_id
from handlers.text import Mrkdwn, md

log = logging.getLogger(__name__)

CHART_NOTE = md("The chart (revenue by quarter and the 80/20 curve) is in your DM with partnerbot.")


def report_message(report: KpiReport) -> dict[str, Any]:
    return {
        "text": md("KPIs: {}", report.partnership.partner_name),
        "blocks": messages.report_blocks(report, chart_note=CHART_NOTE),
    }


def show_kpis_command(ack: TrackedAck, body: dict[str, Any], session: Session, **_: Any) -> None:
    """/partner kpis: the report to the requester only, the chart to their DM."""
    partnership = channel_partnership(session, body)
    actor = directory.actor_of(body)
    report = kpis.report(session, partnership, actor)
    ack(response_type="ephemeral", **report_message(report))
    senders.chart(session, partnership, actor)


@listener
def show_kpis(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    """The KPIs button (summary card or App Home)."""
    ack()
    partnership = button_partnership(session, body)
    actor = directory.actor_of(body)
    report = kpis.report(session, partnership, actor)
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **report_message(report))
    else:  # from the App Home: no channel to answer in, so the report goes to the DM too
        note_to(
            session, actor.user_id, report_message(report)["text"], content=report_message(report)
        )
    senders.chart(session, partnership, actor)


@listener
def share_kpis(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    """**Share in channel**: first a dialog showing exactly what the partner will read."""
    ack()
    partnership = button_partnership(session, body)
    actor = directory.actor_of(body)
    kpis.require_share(partnership, actor)
    report = kpis.report(session, partnership, actor)
    preview = messages.share_preview(
        report, sides(session, partnership), actor.user_id, partnership.channel_id
    )
    client.views_open(trigger_id=body["trigger_id"], view=preview)


@listener
def submit_share(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    """The preview confirmed: the scorecard is posted (who may share is checked again)."""
    partnership = partnerships.get_partnership(session, form_id(body, "partnership_id"))
    actor = directory.actor_of(body)
    kpis.require_share(partnership, actor)
    report = kpis.report(session, partnership, actor)
    earlier: list[Mrkdwn] = []
    share(
        session,
        client,
        lambda **said: earlier.append(said["text"]),
        kind=senders.SHARE,
        partnership_id=partnership.id,
        channel_id=partnership.channel_id,
        actor=actor.user_id,
        what="the scorecard",
        content_digest=digest(messages.shared_summary(report, sides(session, partnership), "")),
        confirm="Shared the scorecard",
        team=actor.team_id,
        enterprise=actor.enterprise_id,
    )
    if earlier:  # the same was shared a few minutes ago: say where, post nothing
        ack(response_action="update", view=messages.already_shared(earlier[0]))
    else:
        ack()


def export_command(ack: TrackedAck, body: dict[str, Any], session: Session, **_: Any) -> None:
    """/partner export: a zip of the partnership's records to the requester's DM."""
    partnership = partnership_for_records(session, body.get("channel_id", ""))
    if partnership is None:
        raise DomainError("This channel has no partnership, so there's nothing to export.")
    actor = directory.actor_of(body)
    require_export(partnership, actor)
    ack(
        response_type="ephemeral",
        text=md(
            "Exporting the records of the partnership with {}; the zip will be in your DM with "
            "partnerbot in a moment.",
            partnership.partner_name,
        ),
    )
    senders.export(
        session,
        partnership,
        actor,
        actor.user_id,
        comment="One CSV per kind of record.",
        title=f"Partnership with {partnership.partner_name}: records",
    )


def register(app: App) -> None:
    app.action(Action.SHOW_KPIS)(show_kpis)
    app.action(Action.SHARE_KPIS)(share_kpis)
    app.view(Callback.KPI_SHARE)(submit_share)
