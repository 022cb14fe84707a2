"""The App Home view: a pure function of the person's dashboard."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.dashboard import Dashboard, PartnershipLine
from handlers.blocks import button, context, local_time, truncate
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.kpis.views import money
from storage.models import PartnershipStatus, Side


def _partnership(line: PartnershipLine, board: Dashboard) -> list[Block]:
    p = line.partnership
    facts = []
    if p.status is PartnershipStatus.DISCONNECTED:
        facts.append(":double_vertical_bar: paused: the channel is no longer shared")
    if "reviews" in board.sections:
        facts.append(
            "Next review: "
            + (local_time(line.next_review_at, board.tz) if line.next_review_at else "none set")
        )
        if line.side is Side.VENDOR:
            facts.append(
                f"Reviews held: {line.reviews_held} of {line.reviews_due} due this past year"
                if line.reviews_due
                else "Reviews held: none due yet"
            )
    if "wins" in board.sections:
        facts.append(f"Wins this quarter: {line.wins_this_quarter}")
    text = f"*{p.partner_name}* · <#{p.channel_id}>\n" + " · ".join(facts)
    buttons = [button("Log a win", Action.LOG_WIN, str(p.id))]
    buttons.append(button("Propose a rule", Action.ROE_PROPOSE, str(p.id)))
    if line.side is Side.VENDOR:
        buttons.append(button("KPIs", Action.SHOW_KPIS, str(p.id)))
    return [SectionBlock(text=truncate(text, 3000)), ActionsBlock(elements=buttons)]


def home_view(board: Dashboard) -> dict[str, Any]:
    """The person's dashboard; at most about 60 blocks whatever they have (limit 100)."""
    blocks: list[Block] = [HeaderBlock(text="Your partnerships")]
    if board.partnerships:
        blocks.append(context(f"Times are in your time zone ({board.tz})."))
        for line in board.partnerships:
            blocks += _partnership(line, board)
        if board.more_partnerships:
            blocks.append(context(f"…and {board.more_partnerships} more."))
    else:
        blocks.append(
            SectionBlock(
                text="You have no role in a partnership yet. In a Slack Connect channel with a "
                "partner, run `/partner` to link it."
            )
        )
    if "rules" in board.sections and board.approvals:
        blocks += [DividerBlock(), HeaderBlock(text="Rules waiting for your approval")]
        lines = [
            f"• *{a.title}* ({a.partner_name}, version {a.version}) proposed by "
            f"<@{a.proposed_by}>: approve it in the thread in <#{a.channel_id}>"
            for a in board.approvals
        ]
        if board.more_approvals:
            lines.append("…and more: see `/roe list` in each channel.")
        blocks.append(SectionBlock(text=truncate("\n".join(lines), 3000)))
    if "promises" in board.sections:
        blocks += [DividerBlock(), HeaderBlock(text="Your open promises")]
        if not board.promises:
            blocks.append(context("No open promises. :white_check_mark:"))
        for promise in board.promises:
            state = (
                ":red_circle: overdue"
                if promise.overdue
                else ":large_yellow_circle: waiting for the partner to confirm"
                if promise.awaiting_confirmation
                else "open"
            )
            blocks.append(
                SectionBlock(
                    text=truncate(
                        f"*{promise.partner_name}* · to <@{promise.owed_to}> · due "
                        f"{promise.due_date:%a %d %b %Y} · {state}\n{promise.text}",
                        3000,
                    )
                )
            )
        if board.more_promises:
            blocks.append(context(f"…and {board.more_promises} more; see `/promise list`."))
        if board.overdue_promises:
            blocks.append(context(f":warning: {board.overdue_promises} overdue in all."))
    if "wins" in board.sections and board.recent_wins:
        blocks += [DividerBlock(), HeaderBlock(text="Recent wins")]
        lines = [
            f"• :trophy: *{truncate(w.headline, 150)}* · {w.partner_name} · "
            + (f"{money(w.currency, w.amount)} · " if w.amount is not None and w.currency else "")
            + f"{w.closed_on:%d %b %Y}"
            for w in board.recent_wins
        ]
        blocks.append(SectionBlock(text=truncate("\n".join(lines), 3000)))
    blocks += [
        DividerBlock(),
        ActionsBlock(block_id=B.HOME_ACTIONS, elements=[button("Refresh", Action.HOME_REFRESH)]),
    ]
    return View(type="home", blocks=blocks).to_dict()
