"""Listeners for /partner kpis, the KPIs and Share buttons, and /partner export."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import kpis
from bot.domain.errors import DomainError
from bot.domain.exit import partnership_for_records
from bot.domain.export import export_partnership, require_export
from bot.domain.kpis import KpiReport
from handlers import people as directory
from handlers.boundary import TrackedAck, listener
from handlers.ids import Action
from handlers.kpis import views
from handlers.kpis.chart import render_chart
from handlers.kpis.files import send_file
from handlers.linked import button_partnership, channel_partnership

log = logging.getLogger(__name__)

CHART_NOTE = "The chart (revenue by quarter and the 80/20 curve) is in your DM with partnerbot."


def send_chart(client: WebClient, user_id: str, report: KpiReport) -> None:
    png = render_chart(report)
    name = report.partnership.partner_name
    error = send_file(
        client,
        user_id,
        filename=f"kpis-{report.partnership.id}-{report.quarters[-1].quarter.label}.png".replace(
            " ", "-"
        ),
        content=png,
        title=f"KPIs: {name}, {report.period}",
        comment=f"KPIs of the partnership with {name}, {report.period}.",
    )
    if error:
        client.chat_postMessage(
            channel=user_id,
            text=f"I couldn't upload the KPI chart for {name} ({error}). The figures are in the "
            "report; try again later for the chart.",
        )


def show_kpis_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """/partner kpis: the report to the requester only, the chart to their DM."""
    partnership = channel_partnership(session, body)
    actor = directory.actor_of(body)
    report = kpis.report(session, partnership, actor)
    ack(
        response_type="ephemeral",
        text=f"KPIs: {partnership.partner_name}",
        blocks=views.report_blocks(report, chart_note=CHART_NOTE),
    )
    send_chart(client, actor.user_id, report)


@listener
def show_kpis(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    """The KPIs button (summary card or App Home)."""
    ack()
    partnership = button_partnership(session, body)
    actor = directory.actor_of(body)
    report = kpis.report(session, partnership, actor)
    message = {
        "text": f"KPIs: {partnership.partner_name}",
        "blocks": views.report_blocks(report, chart_note=CHART_NOTE),
    }
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message)
    else:  # from the App Home: no channel to answer in, so the report goes to the DM too
        client.chat_postMessage(channel=actor.user_id, **message)
    send_chart(client, actor.user_id, report)


@listener
def share_kpis(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    partnership = button_partnership(session, body)
    actor = directory.actor_of(body)
    kpis.require_share(partnership, actor)
    report = kpis.report(session, partnership, actor)
    try:
        client.chat_postMessage(
            channel=partnership.channel_id, **views.shared_summary(report, actor.user_id)
        )
    except SlackApiError as exc:
        raise DomainError(
            f"I couldn't post in <#{partnership.channel_id}> ({exc.response.get('error')}). "
            "Invite me there with `/invite @partnerbot` and try again."
        ) from None
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=f"Shared the scorecard in <#{partnership.channel_id}>.",
    )


def export_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    """/partner export: a zip of the partnership's records to the requester's DM."""
    partnership = partnership_for_records(session, body.get("channel_id", ""))
    if partnership is None:
        raise DomainError("This channel has no partnership, so there's nothing to export.")
    actor = directory.actor_of(body)
    require_export(partnership, actor)
    ack(
        response_type="ephemeral",
        text=f"Exporting the records of the partnership with {partnership.partner_name}; "
        "the zip will be in your DM with partnerbot in a moment.",
    )
    export = export_partnership(session, partnership, actor)
    error = send_file(
        client,
        actor.user_id,
        filename=export.filename,
        content=export.content,
        title=f"Partnership with {partnership.partner_name}: records",
        comment="One CSV per kind of record: "
        + ", ".join(f"{name} ({rows})" for name, rows in export.rows.items()),
    )
    if error:
        client.chat_postEphemeral(
            channel=body.get("channel_id", ""),
            user=actor.user_id,
            text=f"I couldn't upload the export to your DM ({error}). Please try again.",
        )


def register(app: App) -> None:
    app.action(Action.SHOW_KPIS)(show_kpis)
    app.action(Action.SHARE_KPIS)(share_kpis)
