"""The KPI chart as a PNG: revenue by quarter, and the cumulative 80/20 curve of partner reps.

Drawn with matplotlib's object API on the Agg canvas: no display, no pyplot global state, so
it is safe in listener threads. matplotlib is imported when a chart is drawn, not at start-up.
"""

from __future__ import annotations

import io

from bot.domain.kpis.focus import FOCUS_SHARE
from bot.domain.kpis.service import KpiReport

MAX_CURRENCIES = 3


def render_chart(report: KpiReport) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(figure)
    revenue_axes, curve_axes = figure.subplots(1, 2)

    labels = [q.quarter.label for q in report.quarters]
    currencies = sorted(report.total_revenue())[:MAX_CURRENCIES]
    width = 0.8 / max(1, len(currencies))
    for i, currency in enumerate(currencies):
        values = [float(q.revenue.get(currency, 0)) for q in report.quarters]
        positions = [x + (i - (len(currencies) - 1) / 2) * width for x in range(len(labels))]
        revenue_axes.bar(positions, values, width=width, label=currency)
    revenue_axes.set_xticks(range(len(labels)), labels)
    revenue_axes.set_title("Revenue by quarter")
    if currencies:
        revenue_axes.legend()
    else:
        revenue_axes.text(0.5, 0.5, "no revenue yet", ha="center", transform=revenue_axes.transAxes)

    curve_axes.set_title("Partner reps: cumulative share of revenue")
    curve_axes.set_ylim(0, 105)
    curve_axes.set_ylabel("%")
    curve_axes.axhline(float(FOCUS_SHARE) * 100, color="grey", linestyle="--", linewidth=1)
    if report.focus:
        focus = report.focus[0]
        ranks = list(range(0, len(focus.reps) + 1))
        shares = [0.0] + [float(r.cumulative) * 100 for r in focus.reps]
        curve_axes.plot(ranks, shares, marker="o", label=focus.currency)
        cut = len(focus.focus)
        curve_axes.axvline(cut, color="tab:red", linewidth=1)
        curve_axes.annotate(
            f"top {cut} of {len(focus.reps)}",
            (cut, float(focus.focus_share) * 100),
            textcoords="offset points",
            xytext=(6, -14),
        )
        curve_axes.set_xlabel("partner reps, by revenue credited")
        curve_axes.legend(loc="lower right")
    else:
        curve_axes.text(
            0.5, 0.5, "no credited revenue", ha="center", transform=curve_axes.transAxes
        )
    figure.suptitle(f"{report.partnership.partner_name} · {report.period}")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
