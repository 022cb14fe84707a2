"""The App Home view: a pure function of the person's dashboard.

Partner names, rule titles, promise texts and win headlines are arguments of ``md``
(escaped), never templates.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.clock import utcnow
from bot.domain.home.dashboard import Dashboard, PartnershipLine
from bot.domain.text import day, zone_name
from handlers.blocks import actions, button, divider, header, local_time, note, section
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.kpis.messages import money
from handlers.promises.messages import owed_to_you_blocks
from handlers.text import Mrkdwn, channel, escape, join, md, user
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
    title = line.names.joint if line.names else p.partner_name
    text = md("*{}* · {}\n{}", title, channel(p.channel_id), " · ".join(facts))
    buttons = [button("Log a win", Action.LOG_WIN, str(p.id))]
    buttons.append(button("Register a deal", Action.DEAL_REGISTER, str(p.id)))
    buttons.append(button("Propose a rule", Action.ROE_PROPOSE, str(p.id)))
    if line.side is Side.VENDOR:
        buttons.append(button("KPIs", Action.SHOW_KPIS, str(p.id)))
    return [section(text), actions(elements=buttons)]


def _deals(board: Dashboard) -> list[Block]:
    """Open deal registrations per partnership, named for both companies: waiting for a
    decision (from the vendor, by name, to the partner's people), approved and their
    estimated amounts (the partner-sourced pipeline)."""
    lines = []
    for line in board.partnerships:
        deals = board.deals.get(line.partnership.id)
        if deals is None:
            continue
        facts = []
        if deals.waiting:
            decider = (
                md(" from {}", escape(line.names.vendor, 80))
                if line.side is Side.PARTNER and line.names
                else Mrkdwn("")
            )
            facts.append(md("{} waiting for a decision{}", deals.waiting, decider))
        if deals.approved:
            pipeline = "; ".join(money(c, a) for c, a in sorted(deals.pipeline.items()))
            facts.append(md("{} approved{}", deals.approved, f": {pipeline}" if pipeline else ""))
        title = line.names.joint if line.names else line.partnership.partner_name
        name = escape(title, 80)  # 15 lines fit one section
        lines.append(md("• *{}* · {}", name, join(" · ", facts)))
    if not lines:
        return []
    return [
        divider(),
        header("Deal registrations"),
        section(join("\n", lines)),
        note(md("Each registration's card in its partnership's channel has its buttons.")),
    ]


def makes_promises(board: Dashboard) -> bool:
    """Make-good promises are made by the vendor's people: a partner's people have none of
    their own to keep."""
    return board.can_link or any(line.side is Side.VENDOR for line in board.partnerships)


def _no_partnership(board: Dashboard) -> Mrkdwn:
    """Where someone with no partnership yet goes from here: the vendor's people link a
    channel; anyone else is named by a company that works with them."""
    if board.can_link:
        return md(
            "You have no role in a partnership yet. In a Slack Connect channel with a "
            "partner, run `/partner` to link it."
        )
    return md(
        "You aren't named in a partnership yet. When a company you work with names you as a "
        "contact in partnerbot, your partnerships and what waits for you show here."
    )


def home_view(board: Dashboard) -> dict[str, Any]:
    """The person's dashboard; at most about 60 blocks whatever they have (limit 100)."""
    blocks: list[Block] = [header("Your partnerships")]
    if board.partnerships:
        blocks.append(note(md("Times are {}, your time zone.", zone_name(board.tz))))
        for line in board.partnerships:
            blocks += _partnership(line, board)
        if board.more_partnerships:
            blocks.append(note(md("…and {} more.", board.more_partnerships)))
    else:
        blocks.append(section(_no_partnership(board)))
    if "rules" in board.sections and board.approvals:
        blocks += [divider(), header("Rules waiting for your approval")]
        lines = [
            md(
                "• *{}* ({}, version {}) proposed by {}: approve it in the thread in {}",
                a.title,
                a.partner_name,
                a.version,
                user(a.proposed_by),
                channel(a.channel_id),
            )
            for a in board.approvals
        ]
        if board.more_approvals:
            lines.append(md("…and more, each waiting in its thread in the partnership's channel."))
        blocks.append(section(join("\n", lines)))
    if "deals" in board.sections:
        blocks += _deals(board)
    owed = (
        owed_to_you_blocks(board.owed_to_you, board.as_of or utcnow()) if board.owed_to_you else []
    )
    if owed:  # what the partner's people are waited on for: before their own promises
        blocks += [divider(), *owed]
    if "promises" in board.sections and (board.promises or makes_promises(board)):
        blocks += [divider(), header("Your open promises")]
        if not board.promises:
            blocks.append(note(md("No open promises. :white_check_mark:")))
        for promise in board.promises:
            state = (
                ":red_circle: overdue"
                if promise.overdue
                else ":large_yellow_circle: waiting for the partner to confirm"
                if promise.awaiting_confirmation
                else "open"
            )
            blocks.append(
                section(
                    md(
                        "*{}* · to {} · due {} · {}\n{}",
                        promise.partner_name,
                        user(promise.owed_to),
                        day(promise.due_date),
                        state,
                        promise.text,
                    )
                )
            )
        if board.more_promises:
            blocks.append(
                note(
                    md(
                        "…and {} more; `/promise list` in a channel lists its own.",
                        board.more_promises,
                    )
                )
            )
        if board.overdue_promises:
            blocks.append(note(md("{} of them overdue in all.", board.overdue_promises)))
    if "wins" in board.sections and board.recent_wins:
        blocks += [divider(), header("Recent wins")]
        lines = [
            md(
                "• :trophy: *{}* · {} · {}{}",
                escape(w.headline, 150),
                w.partner_name,
                f"{money(w.currency, w.amount)} · " if w.amount is not None and w.currency else "",
                day(w.closed_on),
            )
            for w in board.recent_wins
        ]
        blocks.append(section(join("\n", lines)))
    blocks += [
        divider(),
        actions(block_id=B.HOME_ACTIONS, elements=[button("Refresh", Action.HOME_REFRESH)]),
    ]
    return View(type="home", blocks=blocks).to_dict()
