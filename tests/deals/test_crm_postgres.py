"""The CRM import and export on PostgreSQL: each row in its own savepoint, numbering under a
row lock, a dry run rolled back whole, and a file exported and read back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.domain.deals.crm import Opportunity, opportunities
from bot.domain.deals.csvfile import CsvFile
from bot.domain.deals.import_report import Outcome
from bot.domain.deals.imports import import_opportunities
from storage.engine import make_session_factory
from storage.models import (
    Base,
    DealChange,
    DealConflict,
    Partnership,
    PartnershipStatus,
    Registration,
    Workspace,
)

AT = datetime(2026, 11, 1, tzinfo=UTC)


def rows(*items: dict[str, str]) -> list[Opportunity]:
    return [Opportunity(where=f"row {i + 2}", **item) for i, item in enumerate(items)]


def test_import_and_export_on_postgresql(pg_engine, tmp_path) -> None:
    Base.metadata.create_all(pg_engine)
    sessions = make_session_factory(pg_engine)
    with sessions() as s:
        s.add(Workspace(team_id="T_VENDOR", active=True, installed_at=AT))
        s.flush()
        s.add_all(
            Partnership(
                channel_id=channel,
                partner_name=name,
                vendor_team_id="T_VENDOR",
                status=PartnershipStatus.ACTIVE,
                time_zone="Europe/Berlin",
                created_by="U_TM",
                created_at=AT,
                updated_at=AT,
            )
            for channel, name in (("C0ONE", "Acme Resellers"), ("C0TWO", "Initech"))
        )
        s.commit()

    first = rows(
        {"crm_id": "A1", "channel": "C0ONE", "account": "Globex", "opportunity": "Seats",
         "close_date": "2027-01-31", "amount": "EUR 1.500,00"},
        {"crm_id": "A2", "partner": "initech", "account": "Globex Corp", "opportunity": "Add-on",
         "close_date": "2027-02-28", "status": "approved"},
        {"crm_id": "A3", "channel": "C0ONE", "account": "Hooli", "opportunity": "Pilot",
         "close_date": "someday"},
        {"crm_id": "A1", "stage": "commit"},
    )  # fmt: skip
    with sessions() as s:
        dry = import_opportunities(s, first, "T_VENDOR", dry_run=True, now=AT)
        s.rollback()
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 0
        real = import_opportunities(s, first, "T_VENDOR", now=AT)
        s.commit()
    assert (
        [r.outcome for r in dry.rows]
        == [r.outcome for r in real.rows]
        == [
            Outcome.CREATED,
            Outcome.CREATED,
            Outcome.REFUSED,
            Outcome.REFUSED,
        ]
    )
    assert real.rows[1].conflicts == ["the same account as D-1 with Acme Resellers"]
    assert real.rows[3].reason == "crm_id “A1” is also in row 2."
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(DealChange)) == 2
        assert s.scalar(select(func.count()).select_from(DealConflict)) == 1

    path = str(tmp_path / "out.csv")
    with sessions() as s:
        assert CsvFile(path).write(opportunities(s, "T_VENDOR")) == 2
    again = list(CsvFile(path).read())
    with sessions() as s:
        report = import_opportunities(s, again, "T_VENDOR", now=AT)
        s.commit()
    assert [r.outcome for r in report.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
