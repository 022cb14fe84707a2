"""Pure view builders for the KPI report (vendor-internal) and the summary shared in channel.

Partner names and product lines are arguments of ``md`` (escaped), never templates.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.deals.kpis import DealFigures
from bot.domain.kpis.focus import PERCENT, FocusList, to_decimal
from bot.domain.kpis.service import KpiReport, QuarterFigures
from bot.domain.partners.names import Sides
from bot.domain.text import count
from handlers.blocks import actions, button, divider, header, message, note, section
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, join, md, user

MAX_CURRENCIES = 3
MAX_REPS = 10


def money(currency: str, amount: Decimal) -> str:
    """``USD 125,000`` or ``EUR 90,000.50``: cents only when there are any."""
    if amount == amount.to_integral_value():
        return f"{currency} {amount:,.0f}"
    return f"{currency} {amount:,.2f}"


def revenue_text(revenue: dict[str, Decimal]) -> str:
    return "; ".join(money(c, a) for c, a in sorted(revenue.items())) or "—"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def ratio(done: int, of: int) -> str:
    return f"{done}/{of}" if of else "—"


def _quarter_row(report: KpiReport, q: QuarterFigures) -> str:
    cells = [f"{q.quarter.label:<8}"]
    if "wins" in report.sections:
        cells.append(f"wins {q.wins:>3}  {revenue_text(q.revenue)}")
    if "reviews" in report.sections:
        cells.append(f"reviews held {ratio(q.reviews_held, q.reviews_due)}")
    if "promises" in report.sections:
        cells.append(f"promises kept on time {ratio(q.promises_kept_on_time, q.promises_due)}")
    if "rules" in report.sections:
        cells.append(f"rules agreed {q.rules_agreed}")
    return " │ ".join(cells)


def focus_lines(focus: FocusList) -> Mrkdwn:
    reps = focus.reps[:MAX_REPS]
    group = focus.focus
    lines = [
        md(
            "*Focus, {}:* {} of {} partner reps bring {}% of the credited revenue",
            focus.currency,
            len(group),
            len(focus.reps),
            to_decimal(focus.focus_share * 100, PERCENT),
        )
    ]
    for i, rep in enumerate(reps, 1):
        lines.append(
            md(
                "{}. {} {} · {} · {}% (cumulative {}%){}",
                i,
                user(rep.user_id),
                money(focus.currency, rep.amount),
                plural(rep.wins, "win"),
                rep.share_percent,
                rep.cumulative_percent,
                " :dart:" if rep.in_focus else "",
            )
        )
    if len(focus.reps) > MAX_REPS:
        lines.append(md("…and {} more reps.", len(focus.reps) - MAX_REPS))
    if focus.uncredited:
        lines.append(
            md("Not credited to a partner rep: {}.", money(focus.currency, focus.uncredited))
        )
    return join("\n", lines)


def waited(value: timedelta) -> str:
    """A time to decision: "under an hour", "5 hours", "3 days"."""
    hours = value.total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return count(round(hours), "hour")
    return count(round(hours / 24), "day")


def deal_facts(deals: DealFigures, *, internal: bool = True) -> list[Mrkdwn]:
    """Deal registration's totals, no one's own figures; what the conflict check flagged
    only for the vendor (the partner is told only that a deal needs review)."""
    decided = (
        md(
            "approved {} of {} decided ({}%), median time to decision {}",
            deals.approved,
            deals.decided,
            deals.approval_percent,
            waited(deals.median_decision) if deals.median_decision else "—",
        )
        if deals.decided
        else md("none decided yet")
    )
    flagged = md(" · {} flagged as conflicts", deals.conflicts) if internal else md("")
    return [
        md("• {} registered · {}{}", deals.registrations, decided, flagged),
        md(
            "• Partner-sourced pipeline (approved, open): {} · {}",
            count(deals.pipeline_deals, "deal"),
            revenue_text(deals.pipeline),
        ),
        md(
            "• Partner-sourced revenue (wins from registrations): {} · {}",
            count(deals.won, "win"),
            revenue_text(deals.revenue),
        ),
    ]


def deal_blocks(report: KpiReport) -> list[Block]:
    """The scorecard's deal registration section, with each partner rep's first deal."""
    deals = report.deals
    if deals is None:
        return []
    if not deals.registrations_total:
        return [
            section(
                md(
                    "*Deal registration:* no deals registered yet. Partners register them with "
                    "*Register a deal* on the partnership summary."
                )
            )
        ]
    lines = [md("*Deal registration, {}*", report.period), *deal_facts(deals)]
    if deals.reps:
        lines.append(
            md(
                "*Time to first registered deal* (from the partnership's start): median {} over {}",
                count(deals.median_rep_days or 0, "day"),
                count(len(deals.reps), "partner rep"),
            )
        )
        for rep in deals.reps[:MAX_REPS]:
            lines.append(
                md(
                    "{} {} · {}",
                    user(rep.user_id),
                    count(rep.days, "day"),
                    count(rep.registrations, "registration"),
                )
            )
        if len(deals.reps) > MAX_REPS:
            lines.append(md("…and {} more reps.", len(deals.reps) - MAX_REPS))
    if deals.reps_waiting:
        shown = deals.reps_waiting[:MAX_REPS]
        lines.append(md("No deal registered yet: {}", join(", ", [user(u) for u in shown])))
    return [section(join("\n", lines))]


def report_blocks(
    report: KpiReport, *, chart_note: Mrkdwn | str | None = None
) -> list[dict[str, Any]]:
    """The full report, for vendor-side eyes only: at most about 20 blocks.

    ``chart_note`` is Mrkdwn; a plain str is escaped (shown as text)."""
    p = report.partnership
    blocks: list[Block] = [
        header(f"KPIs: {p.partner_name}"),
        note(
            md(
                "{} · quarters in {} · internal to your team: the partner doesn't see this "
                "unless an owner shares it.",
                report.period,
                p.time_zone,
            )
        ),
    ]
    if report.sections:
        rows = "\n".join(_quarter_row(report, q) for q in report.quarters)
        blocks.append(section(md("```{}```", rows)))
    else:
        blocks.append(section(md("Nothing to measure yet.")))
    facts = []
    if "wins" in report.sections:
        facts.append(md("*Revenue, {}:* {}", report.period, revenue_text(report.total_revenue())))
    if "rules" in report.sections:
        facts.append(
            md(
                "*Rules:* {} in force, {} waiting for approval",
                report.rules_in_force,
                count(report.proposals_pending, "proposal"),
            )
        )
    if "promises" in report.sections:
        facts.append(md("*Promises:* {} open", report.promises_open))
    if facts:
        blocks.append(section(join("\n", facts)))
    if report.product_lines:
        lines = [
            md("• {}: {}", line, revenue_text(amounts))
            for line, amounts in list(report.product_lines.items())[:20]
        ]
        blocks.append(section(md("*Revenue by product line*\n{}", join("\n", lines))))
    if "wins" in report.sections:
        blocks.append(divider())
        if not report.focus:
            blocks.append(note(md("No revenue credited to partner reps yet: no focus list.")))
        for focus in report.focus[:MAX_CURRENCIES]:
            blocks.append(section(focus_lines(focus)))
        if len(report.focus) > MAX_CURRENCIES:
            others = ", ".join(f.currency for f in report.focus[MAX_CURRENCIES:])
            blocks.append(note(md("Also revenue in {}: see the export.", others)))
    blocks += deal_blocks(report)
    if chart_note:
        blocks.append(note(escape(chart_note)))
    blocks.append(
        actions(
            block_id=B.KPI_ACTIONS,
            elements=[button("Share in channel", Action.SHARE_KPIS, str(p.id))],
        )
    )
    return [b.to_dict() for b in blocks]


def shared_summary(report: KpiReport, names: Sides, shared_by: str) -> dict[str, Any]:
    """What both sides see when an owner shares: totals, not who earned what; the scorecard
    belongs to both companies, so it is titled with both names."""
    this = report.quarters[-1]
    lines = [md("*{} so far*", this.quarter.label)]
    year: list[Mrkdwn] = []
    if "wins" in report.sections:
        lines.append(md("• {} wins · {}", this.wins, revenue_text(this.revenue)))
        year.append(
            md(
                "• {} wins · {}",
                sum(q.wins for q in report.quarters),
                revenue_text(report.total_revenue()),
            )
        )
    if "reviews" in report.sections:
        lines.append(md("• reviews held {}", ratio(this.reviews_held, this.reviews_due)))
        held = sum(q.reviews_held for q in report.quarters)
        due = sum(q.reviews_due for q in report.quarters)
        year.append(md("• reviews held {}", ratio(held, due)))
    if "promises" in report.sections:
        kept = sum(q.promises_kept_on_time for q in report.quarters)
        due = sum(q.promises_due for q in report.quarters)
        year.append(md("• promises kept on time {}", ratio(kept, due)))
    if "rules" in report.sections:
        year.append(
            md(
                "• rules agreed {}, {} in force",
                sum(q.rules_agreed for q in report.quarters),
                report.rules_in_force,
            )
        )
    if report.deals is not None and report.deals.registrations_total:
        year.append(md("*Deal registration*"))
        year += deal_facts(report.deals, internal=False)
    blocks: list[Block] = [
        header(f":bar_chart: {scorecard_title(names)}"),
        section(join("\n", lines)),
        section(md("*{}*\n{}", report.period, join("\n", year))),
        note(md("Shared by {}.", user(shared_by))),
    ]
    return message(md("{}", scorecard_title(names)), blocks)


def scorecard_title(names: Sides) -> str:
    return f"Partnership scorecard · {names.joint}"


def share_preview(
    report: KpiReport, names: Sides, shared_by: str, channel_id: str
) -> dict[str, Any]:
    """The dialog before sharing: exactly what will be posted, and where both sides read it."""
    shown = shared_summary(report, names, shared_by)
    blocks = [
        section(
            md(
                "This is what I'll post in {}, where the people of {} read it too. It shows "
                "totals only, never who earned what.",
                channel(channel_id),
                names.partner,
            )
        ).to_dict(),
        divider().to_dict(),
        *shown["blocks"],
    ]
    return View(
        type="modal",
        callback_id=Callback.KPI_SHARE,
        title="Share the scorecard?",
        submit="Post it",
        close="Cancel",
        private_metadata=json.dumps({"partnership_id": report.partnership.id}),
        blocks=blocks,
    ).to_dict()


def already_shared(text: Mrkdwn) -> dict[str, Any]:
    """The dialog once it turns out the same scorecard was just shared."""
    return View(
        type="modal", title="Already shared", close="Close", blocks=[section(text)]
    ).to_dict()


def chart_comment(report: KpiReport) -> Mrkdwn:
    """The comment on the chart's upload (Slack parses file comments as mrkdwn)."""
    return md(
        "KPIs of the partnership with {}, {}.", report.partnership.partner_name, report.period
    )
