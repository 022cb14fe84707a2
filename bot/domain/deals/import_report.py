"""What an import did with each row, as a person reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.deals.conflicts import Found
from bot.domain.wins.money import format_money
from storage.models import Registration


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class RowResult:
    """What an import did (or, in a dry run, would do) with one row."""

    where: str
    crm_id: str | None
    outcome: Outcome = Outcome.REFUSED
    label: str | None = None  # D-n
    partner: str | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # field, before, after
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # values left out, and why
    reason: str | None = None  # why a row was refused


@dataclass
class ImportReport:
    rows: list[RowResult]
    dry_run: bool

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.outcome is outcome)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)


def printable(text: str) -> str:
    """One line for a terminal: control and format characters shown as escapes, so a cell
    can't move the cursor, recolour the screen or hide text."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def report_lines(report: ImportReport) -> list[str]:
    """The report as a person reads it: a line per row, then the totals."""
    lines = []
    for r in report.rows:
        crm = f" (crm_id {_short(r.crm_id, 30)})" if r.crm_id else ""
        head = f"{r.where}{crm}: "
        where = f" with {_short(r.partner or '', 40)}" if r.partner else ""
        if r.outcome is Outcome.REFUSED:
            line = f"{head}refused: {r.reason}"
        elif r.outcome is Outcome.CREATED:
            line = f"{head}{'would create' if report.dry_run else 'created'} {r.label}{where}"
        elif r.outcome is Outcome.UNCHANGED:
            line = f"{head}unchanged {r.label}{where}"
        else:
            changed = "; ".join(
                f"{name} {_short(old, 30) or '(empty)'} → {_short(new, 30) or '(empty)'}"
                for name, old, new in r.changes
            )
            verb = "would update" if report.dry_run else "updated"
            line = f"{head}{verb} {r.label}{where}: {changed}"
        if r.conflicts:
            line += " · conflict: " + "; ".join(r.conflicts[:3])
            if len(r.conflicts) > 3:
                line += f" and {len(r.conflicts) - 3} more"
        for note in r.notes:
            line += f" · {note}"
        lines.append(printable(line))
    counts = ", ".join(f"{report.count(o)} {o.value}" for o in Outcome)
    rows = "1 row" if len(report.rows) == 1 else f"{len(report.rows)} rows"
    if report.dry_run:
        lines.append(f"{rows}: {counts}. Dry run: nothing was changed.")
    elif report.refused:
        lines.append(
            f"{rows}: {counts}. The other rows were applied; fix the refused ones and import "
            "the file again (rows already in are unchanged)."
        )
    else:
        lines.append(f"{rows}: {counts}.")
    return lines


def conflict_text(found: Found) -> str:
    reasons = {
        "same_account": "the same account",
        "same_domain": "the same domain",
        "already_won": "an account already won",
    }
    return f"{reasons[found.reason.value]} as {found.label} with {found.partnership_name}"


def shown_fields(registration: Registration) -> dict[str, str]:
    """A registration's fields as the report shows a change of them."""
    amount = (
        format_money(registration.amount, registration.currency)
        if registration.amount is not None
        else ""
    )
    return {
        "crm_id": registration.crm_id or "",
        "account": registration.account_name,
        "domain": registration.account_domain or "",
        "opportunity": registration.opportunity,
        "amount": amount,
        "stage": registration.stage.value,
        "close_date": registration.close_on.isoformat(),
        "status": registration.status.value,
        "partner_rep": registration.partner_rep or "",
        "note": registration.note or "",
        "protected_until": (
            registration.protected_until.date().isoformat() if registration.protected_until else ""
        ),
    }
