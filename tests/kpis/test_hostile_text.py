"""KPI reports show product lines and partner names only as text; the CSV export can't carry
a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from bot.domain.kpis.export import cell, neutralized
from bot.domain.kpis.focus import CreditedSum, rank_all
from bot.domain.kpis.quarters import last_quarters
from bot.domain.kpis.service import KpiReport, QuarterFigures
from bot.domain.partners.names import Sides
from handlers.kpis.messages import report_blocks, share_preview, shared_summary
from tests.bench.harness import response_json
from tests.bench.hostile import HOSTILE
from tests.bench.scenarios import link_partnership
from tests.kpis import data
from tests.rules.test_hostile_text import assert_inert, partnership, shown


def report(h: str) -> KpiReport:
    quarters = [
        QuarterFigures(q, wins=3, revenue={"USD": Decimal("1000")})
        for q in last_quarters(date(2026, 11, 15))
    ]
    sums = [
        CreditedSum("U_DANA", "USD", 1, Decimal(700), 2),
        CreditedSum("U_PAT", "USD", 1, 300, 1),
    ]
    return KpiReport(
        partnership=partnership(h),
        quarters=quarters,
        sections={"wins", "reviews", "promises", "rules"},
        product_lines={h: {"USD": Decimal(1000)}, f"Cloud {h}": {"EUR": Decimal(5)}},
        focus=rank_all(sums, {"USD": Decimal(10)}),
    )


@pytest.mark.parametrize("h", HOSTILE)
def test_kpi_report_shows_hostile_product_lines_and_names_as_text(h):
    r = report(h)
    blocks = report_blocks(r, chart_note=h)  # a plain str note is escaped
    assert_inert(blocks, h)
    assert "<@U_DANA>" in shown(blocks)  # the mention we mean stays live
    summary = shared_summary(r, Sides(h, h), "U_TM")
    assert_inert(summary, h)
    assert "Shared by <@U_TM>." in shown(summary)
    assert_inert(share_preview(r, Sides(h, h), "U_TM", "C0SHARED"), h)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1+1", "'  =1+1"),
        ("\u200b=1", "'\u200b=1"),
        ("Acme = partner", "Acme = partner"),
        ("a-b", "a-b"),
        ("", ""),
    ],
)
def test_csv_cells_that_would_start_a_formula_are_neutralized(typed, written):
    assert neutralized(typed) == written
    assert cell(typed) == written


def test_numbers_and_dates_stay_numbers():
    assert cell(Decimal("-12.50")) == "-12.50"
    assert cell(-3) == "-3"
    assert cell(date(2026, 1, 2)) == "2026-01-02"
    assert cell({"a": "=1"}) == '{"a": "=1"}'
    assert cell(["=1"]) == '["=1"]'


def test_the_export_neutralizes_what_people_typed(bench):
    partnership = link_partnership(bench)
    with bench.session() as s:
        line = data.product_line(s, partnership.id, '=HYPERLINK("https://evil.example")')
        data.win(s, partnership.id, date(2026, 2, 10), "-5", headline="@SUM(A1:A9)", line=line)
        s.commit()
    bench.fake.reset_calls()
    response = bench.command("/partner", "export", user="U_CAM")
    assert "in your DM" in response_json(response)["text"]
    (upload,) = bench.fake.files
    with zipfile.ZipFile(io.BytesIO(upload["content"])) as archive:
        files = {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }
    assert [p["name"] for p in files["product_lines.csv"]] == [
        '\'=HYPERLINK("https://evil.example")'
    ]
    (win,) = files["wins.csv"]
    assert win["headline"] == "'@SUM(A1:A9)"
    assert win["amount"] == "-5.00"  # a number, not text: left as it is
