"""A partnership's records as a zip of CSV files: the record stays with the people after it ends.

One CSV per table that holds the partnership's records: the partnership itself, its members,
and every table that refers to the partnership (wins, rules, reviews, promises, ...), with
the tables that hang off those (credits, the rules' decision log, promise events, ...). New
features' tables are picked up without changes here. Rows are streamed in batches, never all
held in memory at once; the scheduler's own bookkeeping (the outbox) is not a record.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import BindParameter, Select, Table, bindparam, or_, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals.kpis import deal_figures
from bot.domain.errors import NotAllowed
from bot.domain.kpis.quarters import last_quarters, local_today, start_instant
from bot.domain.partners.service import actor_side
from bot.domain.people import Actor
from bot.domain.text import strip_format_characters
from storage.models import Base, Member, Partnership, Person, Side

# Machinery, not records: what the scheduler and the event dedup keep for themselves.
NOT_RECORDS = {"occurrences", "processed_events", "workspaces", "people", "partnerships"}
BATCH = 1000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: dict[str, int]  # CSV file -> rows written


def require_export(partnership: Partnership, actor: Actor) -> None:
    if actor_side(partnership, actor) is not Side.VENDOR:
        raise NotAllowed(
            "Exports are for the vendor team. Ask one of the partnership's owners for a copy."
        )


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): it starts with one of
# these, possibly after spaces a spreadsheet skips, or with a tab or carriage return.
FORMULA_START = ("=", "+", "-", "@")
CONTROL_START = ("\t", "\r")


def neutralized(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading ``'`` where it would start a formula."""
    if text.startswith(CONTROL_START) or strip_format_characters(text).lstrip().startswith(
        FORMULA_START
    ):
        return "'" + text
    return text


def cell(value: Any) -> str:
    """One value as CSV text: ISO dates, exact decimals, JSON for structured values; text that
    would start a spreadsheet formula is neutralized (numbers and dates are ours, never text)."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return neutralized(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, int | float):
        return str(value)
    return neutralized(str(value))


def record_tables() -> list[tuple[Table, Select[Any]]]:
    """Each record table with a query of the ids that scope it, in dependency order.

    The queries take ``:partnership_id``; a table is in scope when it has a partnership_id
    column, or a foreign key to a table already in scope.
    """
    wanted: BindParameter[Any] = bindparam("partnership_id")
    scoped: dict[str, Any] = {}  # table name -> condition on that table
    order: list[tuple[Table, Select[Any]]] = []
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_RECORDS or table.name == Member.__tablename__:
            continue
        condition = None
        if "partnership_id" in table.c:
            condition = table.c.partnership_id == wanted
        else:
            # Rows belong to the parent their required foreign key points at (a proposal's
            # versions), not to one they merely mention (the rule a version would replace).
            links = sorted(
                (fk for fk in table.foreign_keys if fk.column.table.name in scoped),
                key=lambda fk: (fk.parent.nullable, fk.parent.name),
            )
            owning = [fk for fk in links if not fk.parent.nullable] or links
            if owning:
                condition = or_(
                    *[
                        fk.parent.in_(
                            select(fk.column).where(scoped[fk.column.table.name]).scalar_subquery()
                        )
                        for fk in owning
                    ]
                )
        if condition is None:
            continue
        scoped[table.name] = condition
        key = list(table.primary_key.columns)
        order.append((table, select(table).where(condition).order_by(*key)))
    return order


def _write_rows(
    archive: zipfile.ZipFile, name: str, header: list[str], rows: Any, counts: dict[str, int]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    with archive.open(name, "w") as out:
        out.write(buffer.getvalue().encode())
        for row in rows:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([cell(v) for v in row])
            out.write(buffer.getvalue().encode())
            count += 1
    counts[name] = count


def _write_deal_kpis(
    archive: zipfile.ZipFile, session: Session, partnership: Partnership, counts: dict[str, int]
) -> None:
    """Deal registration's KPIs over the scorecard's quarters (deal_kpis.csv) and each partner
    rep's first registered deal (deal_reps.csv)."""
    tz = partnership.time_zone
    shown = last_quarters(local_today(tz))
    first, end = shown[0].start, shown[-1].end
    deals = deal_figures(
        session, partnership, start_instant(first, tz), start_instant(end, tz), first, end
    )
    period = f"{shown[0].label} to {shown[-1].label}"
    median = deals.median_decision
    rows: list[tuple[Any, ...]] = [
        (period, "registrations", None, deals.registrations),
        (period, "decisions", None, deals.decided),
        (period, "approved", None, deals.approved),
        (period, "rejected", None, deals.rejected),
        (period, "approval_percent", None, deals.approval_percent),
        (period, "median_hours_to_decision", None, _hours(median)),
        (period, "flagged_as_conflicts", None, deals.conflicts),
        ("now", "pipeline_deals", None, deals.pipeline_deals),
        *(("now", "pipeline", c, a.quantize(CENT)) for c, a in sorted(deals.pipeline.items())),
        (period, "wins_from_registrations", None, deals.won),
        *(
            (period, "revenue_from_registrations", c, a.quantize(CENT))
            for c, a in sorted(deals.revenue.items())
        ),
    ]
    _write_rows(archive, "deal_kpis.csv", ["period", "measure", "currency", "value"], rows, counts)
    reps = [(r.user_id, r.first_at, r.days, r.registrations) for r in deals.reps] + [
        (u, None, None, 0) for u in deals.reps_waiting
    ]
    header = ["partner_rep", "first_registered_at", "days_from_partnership_start", "registrations"]
    _write_rows(archive, "deal_reps.csv", header, reps, counts)


def _hours(value: timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(int(value.total_seconds())) / 3600).quantize(CENT)


def export_partnership(session: Session, partnership: Partnership, actor: Actor) -> Export:
    """The partnership's records, zipped; vendor side only (its members see the partner's too)."""
    require_export(partnership, actor)
    counts: dict[str, int] = {}
    output = io.BytesIO()
    table = Partnership.__table__
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        row = session.execute(select(table).where(table.c.id == partnership.id)).one()
        _write_rows(archive, "partnership.csv", list(table.c.keys()), [row], counts)
        members = session.execute(
            select(
                Member.user_id,
                Person.name,
                Member.side,
                Member.is_owner,
                Member.is_approver,
                Member.contact_role,
            )
            .outerjoin(Person, Person.user_id == Member.user_id)
            .where(Member.partnership_id == partnership.id)
            .order_by(Member.id)
        )
        header = ["user_id", "name", "side", "is_owner", "is_approver", "contact_role"]
        _write_rows(archive, "members.csv", header, members, counts)
        for record_table, query in record_tables():
            rows = session.execute(
                query.execution_options(yield_per=BATCH), {"partnership_id": partnership.id}
            )
            _write_rows(
                archive, f"{record_table.name}.csv", list(record_table.c.keys()), rows, counts
            )
        _write_deal_kpis(archive, session, partnership, counts)
    slug = "".join(c if c.isalnum() else "-" for c in partnership.partner_name.lower()).strip("-")
    stamp = utcnow().strftime("%Y-%m-%d")
    return Export(
        filename=f"partnership-{slug or partnership.id}-{stamp}.zip",
        content=output.getvalue(),
        rows=counts,
    )
