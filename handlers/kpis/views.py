"""Pure view builders for the KPI report (vendor-internal) and the summary shared in channel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock, SectionBlock

from bot.domain.focus import PERCENT, FocusList, to_decimal
from bot.domain.kpis import KpiReport, QuarterFigures
from handlers.blocks import button, context, truncate
from handlers.ids import Action
from handlers.ids import Block as B

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


def focus_lines(focus: FocusList) -> str:
    reps = focus.reps[:MAX_REPS]
    group = focus.focus
    head = (
        f"*Focus, {focus.currency}:* {len(group)} of {len(focus.reps)} partner reps bring "
        f"{to_decimal(focus.focus_share * 100, PERCENT)}% of the credited revenue"
    )
    lines = [head]
    for i, rep in enumerate(reps, 1):
        mark = " :dart:" if rep.in_focus else ""
        lines.append(
            f"{i}. <@{rep.user_id}> {money(focus.currency, rep.amount)} · "
            f"{plural(rep.wins, 'win')} · "
            f"{rep.share_percent}% (cumulative {rep.cumulative_percent}%){mark}"
        )
    if len(focus.reps) > MAX_REPS:
        lines.append(f"…and {len(focus.reps) - MAX_REPS} more reps.")
    if focus.uncredited:
        lines.append(f"Not credited to a partner rep: {money(focus.currency, focus.uncredited)}.")
    return "\n".join(lines)


def report_blocks(report: KpiReport, *, chart_note: str | None = None) -> list[dict[str, Any]]:
    """The full report, for vendor-side eyes only: at most about 20 blocks."""
    p = report.partnership
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"KPIs: {p.partner_name}", 150)),
        context(
            f"{report.period} · quarters in {p.time_zone} · internal to your team: "
            "the partner doesn't see this unless an owner shares it."
        ),
    ]
    if report.sections:
        rows = "\n".join(_quarter_row(report, q) for q in report.quarters)
        blocks.append(SectionBlock(text=truncate(f"```{rows}```", 3000)))
    else:
        blocks.append(SectionBlock(text="Nothing to measure yet."))
    facts = []
    if "wins" in report.sections:
        facts.append(f"*Revenue, {report.period}:* {revenue_text(report.total_revenue())}")
    if "rules" in report.sections:
        facts.append(
            f"*Rules:* {report.rules_in_force} in force, {report.proposals_pending} proposals "
            "waiting for approval"
        )
    if "promises" in report.sections:
        facts.append(f"*Promises:* {report.promises_open} open")
    if facts:
        blocks.append(SectionBlock(text=truncate("\n".join(facts), 3000)))
    if report.product_lines:
        lines = [
            f"• {line}: {revenue_text(amounts)}"
            for line, amounts in list(report.product_lines.items())[:20]
        ]
        blocks.append(
            SectionBlock(text=truncate("*Revenue by product line*\n" + "\n".join(lines), 3000))
        )
    if "wins" in report.sections:
        blocks.append(DividerBlock())
        if not report.focus:
            blocks.append(context("No revenue credited to partner reps yet: no focus list."))
        for focus in report.focus[:MAX_CURRENCIES]:
            blocks.append(SectionBlock(text=truncate(focus_lines(focus), 3000)))
        if len(report.focus) > MAX_CURRENCIES:
            others = ", ".join(f.currency for f in report.focus[MAX_CURRENCIES:])
            blocks.append(context(f"Also revenue in {others}: see the export."))
    if chart_note:
        blocks.append(context(chart_note))
    blocks.append(
        ActionsBlock(
            block_id=B.KPI_ACTIONS,
            elements=[button("Share in channel", Action.SHARE_KPIS, str(p.id))],
        )
    )
    return [b.to_dict() for b in blocks]


def shared_summary(report: KpiReport, shared_by: str) -> dict[str, Any]:
    """What both sides see when an owner shares: totals, not who earned what."""
    p = report.partnership
    this = report.quarters[-1]
    lines = [f"*{this.quarter.label} so far*"]
    year: list[str] = []
    if "wins" in report.sections:
        lines.append(f"• {this.wins} wins · {revenue_text(this.revenue)}")
        year.append(
            f"• {sum(q.wins for q in report.quarters)} wins · "
            f"{revenue_text(report.total_revenue())}"
        )
    if "reviews" in report.sections:
        lines.append(f"• reviews held {ratio(this.reviews_held, this.reviews_due)}")
        held = sum(q.reviews_held for q in report.quarters)
        year.append(f"• reviews held {ratio(held, sum(q.reviews_due for q in report.quarters))}")
    if "promises" in report.sections:
        kept = sum(q.promises_kept_on_time for q in report.quarters)
        due = sum(q.promises_due for q in report.quarters)
        year.append(f"• promises kept on time {ratio(kept, due)}")
    if "rules" in report.sections:
        year.append(
            f"• rules agreed {sum(q.rules_agreed for q in report.quarters)}, "
            f"{report.rules_in_force} in force"
        )
    text = f"Partnership scorecard with {p.partner_name}"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f":bar_chart: {text}", 150)),
        SectionBlock(text=truncate("\n".join(lines), 3000)),
        SectionBlock(text=truncate(f"*{report.period}*\n" + "\n".join(year), 3000)),
        context(f"Shared by <@{shared_by}>."),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}
