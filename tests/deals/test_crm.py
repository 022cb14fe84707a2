"""`partnerbot deals import` and `export`: the CRM kept in step through CSV files.

Driven through the command line the way an administrator runs it, against the database the
app uses; the stored registrations and their history are checked after each run.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.domain.deals import reminders, service
from bot.domain.deals.form import DealForm
from bot.domain.partners.names import Sides
from bot.domain.people import Actor
from handlers.deals.history import change_line
from sandbox import requests as rq
from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    DealConflict,
    DealStage,
    Occurrence,
    OccurrenceStatus,
    Registration,
    RegistrationStatus,
)
from tests.bench.harness import CHANNEL, PARTNER, SECRET, TOKEN
from tests.bench.scenarios import link_partnership

SECOND = "C0SECOND"
HEADER = (
    "crm_id,channel,partner,account,domain,opportunity,amount,currency,stage,close_date,status,"
    "partner_rep,note\n"
)


@pytest.fixture
def partnerbot(bench, fake_slack, monkeypatch, capsys, tmp_path):
    """Runs ``partnerbot ARGS`` against the bench's database; returns (exit code, out, err)."""
    for name, value in {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": bench.settings.database_url,
        "SLACK_APP_TOKEN": "",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def linked(bench):
    acme = link_partnership(bench)
    initech = link_partnership(bench, channel=SECOND, partner_name=rq.text("Initech Partners"))
    return acme, initech


def write(tmp_path: Path, text: str, name: str = "opportunities.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def registrations(bench) -> list[Registration]:
    with bench.session() as s:
        rows = s.scalars(select(Registration).order_by(Registration.id)).all()
        s.expunge_all()
        return list(rows)


def changes(bench) -> list[DealChange]:
    with bench.session() as s:
        rows = s.scalars(select(DealChange).order_by(DealChange.id)).all()
        s.expunge_all()
        return list(rows)


def from_slack(bench, partnership_id: int, account: str = "Globex Corporation") -> Registration:
    """A registration the partner made in Slack (no CRM id yet)."""
    with bench.session() as s:
        done = service.register(
            s,
            DealForm(
                partnership_id=partnership_id,
                account=account,
                opportunity="300 seats",
                close_on=date(2027, 2, 1),
                stage="discovery",
                amount="120k",
                currency="EUR",
                note="Their CIO asked us.",
            ),
            Actor("U_DANA", PARTNER),
            f"V-{account}",
            "Europe/Berlin",
        )
        s.commit()
        s.expunge_all()
        return done.registration


def test_an_import_creates_registrations_and_a_second_run_changes_nothing(
    bench, linked, partnerbot, tmp_path
):
    acme, initech = linked
    path = write(
        tmp_path,
        HEADER
        + f'006A,{CHANNEL},,"ACME, Inc.",https://www.acme.com/x,300 seats,"EUR 90.000,50",,'
        + "proposal,2027-03-31,,U_DANA,First\n"
        + "006B,,initech partners,Umbrella Corp,,Renewal,125k,USD,,2027-01-15,approved,,\n",
    )
    code, out, err = partnerbot("deals", "import", path)
    assert code == 0 and "partnerbot:" not in err
    assert "row 2 (crm_id 006A): created D-1 with Acme Resellers" in out
    assert "row 3 (crm_id 006B): created D-1 with Initech Partners" in out
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 refused." in out

    first, second = registrations(bench)
    assert (first.partnership_id, first.crm_id, first.number) == (acme.id, "006A", 1)
    assert (first.account_name, first.account_key, first.account_domain) == (
        "ACME, Inc.",
        "acme",
        "acme.com",
    )
    assert (first.amount, first.currency) == (Decimal("90000.50"), "EUR")
    assert (first.stage, first.close_on) == (DealStage.PROPOSAL, date(2027, 3, 31))
    assert (first.status, first.partner_rep, first.note) == (
        RegistrationStatus.SUBMITTED,
        "U_DANA",
        "First",
    )
    assert first.registered_by == "import" and first.message_ts is None
    # Approved in the CRM: protected from the import on, under the default terms (90 days).
    assert (second.partnership_id, second.status, second.stage) == (
        initech.id,
        RegistrationStatus.APPROVED,
        DealStage.QUALIFYING,
    )
    assert second.protected_until - second.decided_at == timedelta(days=90)
    assert second.protected_until.date() == date(2027, 3, 1)
    assert (second.decided_by, second.rule_number) == ("import", None)
    history = changes(bench)
    assert [(c.kind, c.changed_by, c.before) for c in history] == [
        (DealChangeKind.IMPORTED, "import", None),
        (DealChangeKind.IMPORTED, "import", None),
    ]
    assert history[0].after["crm_id"] == "006A" and history[0].after["stage"] == "proposal"

    code, out, _ = partnerbot("deals", "import", path)
    assert code == 0
    assert "row 2 (crm_id 006A): unchanged D-1 with Acme Resellers" in out
    assert "2 rows: 0 created, 0 updated, 2 unchanged, 0 refused." in out
    assert len(registrations(bench)) == 2 and len(changes(bench)) == 2


def planned(bench, kind: str) -> list[tuple[int | None, OccurrenceStatus]]:
    with bench.session() as s:
        return [
            (o.subject_id, o.status)
            for o in s.scalars(select(Occurrence).where(Occurrence.kind == kind))
        ]


def test_an_update_changes_what_the_row_gives_and_keeps_the_history(
    bench, linked, partnerbot, tmp_path
):
    acme, _ = linked
    made = from_slack(bench, acme.id)
    with bench.session() as s:  # its card is in the channel
        service.posted(s, made.id, CHANNEL, "1700000000.000100")
        s.commit()
    # The CRM learned of D-1 from an export: its row names D-1 and brings the CRM's id.
    path = write(
        tmp_path,
        "registration,crm_id,channel,stage,amount,currency,close_date,note,status\n"
        f"D-1,006X,{CHANNEL},negotiation,130000,,2027-02-01,,approved\n",
    )
    code, out, _ = partnerbot("deals", "import", path)
    assert code == 0
    assert (
        "row 2 (crm_id 006X): updated D-1 with Acme Resellers: crm_id (empty) → 006X; "
        "amount EUR 120,000 → EUR 130,000; stage discovery → negotiation; "
        "status submitted → approved; protected_until (empty) → 2027-03-01" in out
    )
    (registration,) = registrations(bench)
    assert registration.id == made.id and registration.crm_id == "006X"
    assert registration.note == "Their CIO asked us."  # an empty cell leaves it
    assert registration.status is RegistrationStatus.APPROVED
    last = changes(bench)[-1]
    assert last.kind is DealChangeKind.IMPORTED and last.side is None
    assert last.before is not None
    assert (last.before["stage"], last.after["stage"]) == ("discovery", "negotiation")
    assert (last.before["amount"], last.after["amount"]) == ("120000.00", "130000.00")
    # Both sides see the change in the card's thread, field by field; the protection's end
    # will be reminded.
    assert planned(bench, reminders.CHANGE) == [(last.id, OccurrenceStatus.PENDING)]
    line = change_line(last, registration, Sides("Vendor Inc", "Acme Resellers"))["text"]
    assert line == (
        ":pencil2: The import from the CRM at Vendor Inc updated stage Discovery → *Negotiation*; "
        "amount EUR 120,000 → *EUR 130,000*; status waiting for a decision → *approved* (D-1)."
    )
    assert planned(bench, reminders.PROTECTION) == [(made.id, OccurrenceStatus.PENDING)]

    # Now matched by its CRM id; the CRM can't take a decision back.
    path = write(tmp_path, "crm_id,status,stage\n006X,submitted,commit\n")
    code, out, _ = partnerbot("deals", "import", path)
    assert code == 1
    assert (
        "row 2 (crm_id 006X): refused: D-1 is approved in partnerbot and the row says "
        "submitted: a registration doesn't go back from approved." in out
    )
    (registration,) = registrations(bench)
    assert registration.stage is DealStage.NEGOTIATION  # the refused row changed nothing

    path = write(tmp_path, "crm_id,status\n006X,won\n")
    assert partnerbot("deals", "import", path)[0] == 0
    assert registrations(bench)[0].status is RegistrationStatus.WON
    assert planned(bench, reminders.PROTECTION) == [(made.id, OccurrenceStatus.SKIPPED)]


def test_a_dry_run_reports_the_same_and_changes_nothing(bench, linked, partnerbot, tmp_path):
    acme, _ = linked
    from_slack(bench, acme.id)
    path = write(
        tmp_path,
        "crm_id,registration,channel,account,opportunity,close_date,stage\n"
        f"006X,D-1,{CHANNEL},,,,commit\n"
        f"006Y,,{CHANNEL},Globex,Add-on,2027-05-01,\n"
        f"006Z,,{CHANNEL},Hooli,Pilot,31/05/2027,\n",
    )
    before = (registrations(bench), changes(bench))

    code, dry, _ = partnerbot("deals", "import", "--dry-run", path)
    assert code == 1
    assert "row 2 (crm_id 006X): would update D-1 with Acme Resellers: crm_id (empty) → 006X" in dry
    assert (
        "row 3 (crm_id 006Y): would create D-2 with Acme Resellers · conflict: the same "
        "account as D-1 with Acme Resellers" in dry
    )
    assert (
        "row 4 (crm_id 006Z): refused: close_date “31/05/2027” isn't a date like 2026-12-31." in dry
    )
    assert "Dry run: nothing was changed." in dry
    after = (registrations(bench), changes(bench))
    assert [r.id for r in after[0]] == [r.id for r in before[0]]
    assert [(r.crm_id, r.stage) for r in after[0]] == [(None, DealStage.DISCOVERY)]
    assert len(after[1]) == len(before[1])
    with bench.session() as s:
        assert s.scalar(select(func.count()).select_from(DealConflict)) == 0

    code, real, _ = partnerbot("deals", "import", path)
    assert code == 1
    assert real.splitlines()[:-1] == [
        line.replace("would update", "updated").replace("would create", "created")
        for line in dry.splitlines()[:-1]
    ]
    assert len(registrations(bench)) == 2


def test_bad_rows_are_refused_each_with_its_reason_and_the_rest_proceed(
    bench, linked, partnerbot, tmp_path
):
    rows = [
        f",{CHANNEL},,Acme,,Deal,,,,2027-01-01,,,",  # row 2: nothing to match by
        "R3,C0NOWHERE,,Acme,,Deal,,,,2027-01-01,,,",
        f"R4,{CHANNEL},,Acme,,Deal,12.345k,,,2027-01-01,,,",
        f"R5,{CHANNEL},,Acme,,Deal,100,XYZ,,2027-01-01,,,",
        f"R6,{CHANNEL},,Acme,,Deal,,,won it,2027-01-01,,,",
        f"R7,{CHANNEL},,Acme,not a domain,Deal,,,,2027-01-01,,,",
        f"R8,{CHANNEL},,,,Deal,,,,,,,",
        f"R9,{CHANNEL},,Acme,,Deal,,,,2027-01-01,more_info,,",
        f"R10,{CHANNEL},,Acme,,Deal,,,,2027-01-01,,dana@acme.example,",
        f"R10,{CHANNEL},,Acme,,Again,,,,2027-01-01,,,",
        f"R12,{CHANNEL},,Acme,,Deal,,,,2027-01-01,,,,too,many",
        "R13,,Nobody Inc,Acme,,Deal,,,,2027-01-01,,,",
        f"R14,{CHANNEL},Initech Partners,Acme,,Deal,,,,2027-01-01,,,",
        f"R15,{CHANNEL},,{'x' * 201},,Deal,,,,2027-01-01,,,",
        f"R16,{CHANNEL},,Acme,,Deal,-5,USD,,2027-01-01,,,",
        f"{'9' * 65},{CHANNEL},,Acme,,Deal,,,,2027-01-01,,,",
    ]
    path = write(tmp_path, HEADER + "\n".join(rows) + "\n")
    code, out, err = partnerbot("deals", "import", path)
    assert code == 1 and "partnerbot:" not in err
    lines = out.splitlines()
    expected = {
        2: "row 2: refused: no crm_id (the CRM's opportunity id) to match the row by.",
        3: "row 3 (crm_id R3): refused: channel “C0NOWHERE” has no partnership of this workspace.",
        4: "row 4 (crm_id R4): refused: amount: I couldn't read “12.345k” as an amount.",
        5: "row 5 (crm_id R5): refused: currency: “XYZ” is not an ISO 4217 currency code.",
        6: "row 6 (crm_id R6): refused: stage “won it” is not one of: qualifying, discovery, "
        "proposal, negotiation, commit.",
        7: "row 7 (crm_id R7): refused: domain “not a domain” isn't a web domain like acme.com.",
        8: "row 8 (crm_id R8): refused: a new registration needs account, close_date.",
        9: "row 9 (crm_id R9): refused: a new registration can't start waiting for the "
        "partner's answer; import it as submitted.",
        10: "row 10 (crm_id R10): created D-1 with Acme Resellers · partner_rep "
        "“dana@acme.example” left out: partnerbot knows people by their Slack user id (U…), "
        "not by name or email.",
        11: "row 11 (crm_id R10): refused: crm_id “R10” is also in row 10.",
        12: "row 12 (crm_id R12): refused: it has 15 cells but the header names 13 columns",
        13: "row 13 (crm_id R13): refused: partner “Nobody Inc” has no partnership of this "
        "workspace.",
        14: "row 14 (crm_id R14): refused: channel C0SHARED is the partnership with “Acme "
        "Resellers”, not “Initech Partners”.",
        15: "row 15 (crm_id R15): refused: account is longer than 200 characters.",
        16: "row 16 (crm_id R16): refused: amount: The estimated amount must be more than zero",
        17: "row 17 (crm_id 99999999999999999999999999999",
    }
    for row, text in expected.items():
        (line,) = [
            line
            for line in lines
            if line.startswith(f"row {row}:") or line.startswith(f"row {row} ")
        ]
        assert line.startswith(text), (row, line)
    assert "refused: crm_id is longer than 64 characters." in lines[15]
    assert lines[-1].startswith("16 rows: 1 created, 0 updated, 0 unchanged, 15 refused.")
    assert "The other rows were applied" in lines[-1]
    (created,) = registrations(bench)
    assert (created.crm_id, created.partner_rep) == ("R10", None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "crm_id,channel,ammount\nA,C0SHARED,5\n",
            "Column 'ammount' is not one partnerbot reads; the columns are crm_id, registration",
        ),
        ("channel,account\nC0SHARED,Acme\n", "The file needs a crm_id column"),
        ("", "is empty: it needs a header row"),
        ("crm_id,crm_id\n1,2\n", "Column crm_id appears twice in the header."),
    ],
)
def test_a_file_that_cannot_be_read_changes_nothing(
    bench, linked, partnerbot, tmp_path, content, message
):
    code, out, err = partnerbot("deals", "import", write(tmp_path, content))
    assert code == 2 and out == ""
    assert message in err
    assert registrations(bench) == []


def test_other_file_problems_are_one_line_each(bench, linked, partnerbot, tmp_path):
    code, _, err = partnerbot("deals", "import", str(tmp_path / "missing.csv"))
    assert code == 2 and "There is no file" in err
    path = tmp_path / "latin1.csv"
    path.write_bytes("crm_id,channel,account\n1,C0SHARED,Caf\xe9\n".encode("latin-1"))
    code, _, err = partnerbot("deals", "import", str(path))
    assert code == 2 and "isn't UTF-8 text" in err and "CSV UTF-8" in err
    code, _, err = partnerbot("deals", "import", "--team", "T_NOBODY", str(path))
    assert code == 2 and "No partnerships belong to the workspace T_NOBODY." in err


def test_a_spreadsheets_semicolons_and_byte_order_mark_are_read(
    bench, linked, partnerbot, tmp_path
):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffCRM ID;Channel;Account;Opportunity;Close Date;Amount;Currency\r\n"
        "S1;C0SHARED;Müller GmbH;Pilot;2027-04-01;1.234,50;EUR\r\n".encode()
    )
    code, out, _ = partnerbot("deals", "import", str(path))
    assert code == 0, out
    (registration,) = registrations(bench)
    assert (registration.account_name, registration.amount) == ("Müller GmbH", Decimal("1234.50"))


def test_an_import_runs_the_conflict_check(bench, linked, partnerbot, tmp_path):
    acme, _ = linked
    first = from_slack(bench, acme.id)
    path = write(
        tmp_path,
        "crm_id,channel,account,domain,opportunity,close_date\n"
        f"I1,{SECOND},The Globex Corp.,,Expansion,2027-06-01\n"
        f"I2,{SECOND},Hooli,,Pilot,2027-06-01\n",
    )
    code, out, _ = partnerbot("deals", "import", path)
    assert code == 0
    assert (
        "row 2 (crm_id I1): created D-1 with Initech Partners · conflict: the same account as "
        "D-1 with Acme Resellers" in out
    )
    # Renaming the account in the CRM checks again; the pair found before is kept once.
    path = write(tmp_path, "crm_id,account,domain\nI2,Globex,globex.com\nI1,Globex Corporation,\n")
    code, out, _ = partnerbot("deals", "import", path)
    assert (
        "updated D-2 with Initech Partners: account Hooli → Globex; domain (empty) → globex.com"
        in out
    )
    with bench.session() as s:
        stored = s.execute(
            select(
                DealConflict.registration_id,
                DealConflict.other_registration_id,
                DealConflict.reason,
            )
        ).all()
    mine = {r.crm_id: r.id for r in registrations(bench)}
    assert sorted(stored) == sorted(
        [
            (mine["I1"], first.id, ConflictReason.SAME_ACCOUNT),
            (mine["I2"], first.id, ConflictReason.SAME_ACCOUNT),
            (mine["I2"], mine["I1"], ConflictReason.SAME_ACCOUNT),
            (mine["I1"], mine["I2"], ConflictReason.SAME_ACCOUNT),
        ]
    )


HOSTILE = {
    "account": '=HYPERLINK("http://evil.example","click")',
    "opportunity": "@SUM(1+1) <!channel> *bold*",
    "note": "-2+3\n\x1b[2J\x1b[31mred\u202eevil <https://evil.example|bank>",
}


def test_hostile_cells_are_stored_as_text_shown_safely_and_exported_neutralized(
    bench, linked, partnerbot, tmp_path
):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["crm_id", "channel", "account", "opportunity", "close_date", "note"])
    writer.writerow(
        ["+H1", CHANNEL, HOSTILE["account"], HOSTILE["opportunity"], "2027-01-01", HOSTILE["note"]]
    )
    writer.writerow(["H2", "\x1b[2J\u202e<!channel>", "Acme", "Deal", "2027-01-01", ""])
    code, out, _ = partnerbot("deals", "import", write(tmp_path, buffer.getvalue()))
    assert code == 1, out
    assert "row 2 (crm_id +H1): created D-1 with Acme Resellers" in out
    # A terminal escape in a cell is shown, not obeyed.
    assert "\x1b" not in out and "\u202e" not in out
    assert "row 3 (crm_id H2): refused: channel “\\x1b[2J<!channel>” has no" in out
    (registration,) = registrations(bench)
    assert registration.crm_id == "+H1"
    assert registration.account_name == HOSTILE["account"]
    assert registration.opportunity == HOSTILE["opportunity"]
    assert (
        registration.note == "-2+3\n\x1b[2J\x1b[31mredevil <https://evil.example|bank>"
    )  # no U+202E

    exported = tmp_path / "export.csv"
    code, out, _ = partnerbot("deals", "export", str(exported))
    assert (code, out.strip()) == (0, f"1 registration written to {exported}")
    (row,) = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert row["crm_id"] == "'+H1"
    assert row["account"] == "'" + HOSTILE["account"]
    assert row["opportunity"] == "'" + HOSTILE["opportunity"]
    assert row["note"].startswith("'-2+3")

    # Reading the export back takes the guard off again: nothing changes.
    code, out, _ = partnerbot("deals", "import", str(exported))
    assert code == 0 and "row 2 (crm_id +H1): unchanged D-1" in out


def test_an_export_lists_every_registration_and_imports_back_unchanged(
    bench, linked, partnerbot, tmp_path
):
    acme, _ = linked
    from_slack(bench, acme.id)
    from_slack(bench, acme.id, account="Hooli")
    path = write(
        tmp_path,
        "crm_id,channel,account,opportunity,close_date,amount,currency,status,partner_rep\n"
        f"E1,{SECOND},Umbrella,Renewal,2027-01-15,99.99,USD,approved,U_DANA\n",
    )
    assert partnerbot("deals", "import", path)[0] == 0

    code, out, err = partnerbot("deals", "export")
    assert code == 0 and "partnerbot:" not in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "crm_id",
        "registration",
        "channel",
        "partner",
        "account",
        "domain",
        "opportunity",
        "amount",
        "currency",
        "stage",
        "close_date",
        "status",
        "partner_rep",
        "note",
        "protected_until",
        "registered_at",
        "updated_at",
    ]
    assert [(r["registration"], r["channel"], r["partner"], r["account"]) for r in rows] == [
        ("D-1", CHANNEL, "Acme Resellers", "Globex Corporation"),
        ("D-2", CHANNEL, "Acme Resellers", "Hooli"),
        ("D-1", SECOND, "Initech Partners", "Umbrella"),
    ]
    assert (rows[0]["crm_id"], rows[0]["amount"], rows[0]["currency"]) == ("", "120000.00", "EUR")
    assert (rows[0]["stage"], rows[0]["status"], rows[0]["close_date"]) == (
        "discovery",
        "submitted",
        "2027-02-01",
    )
    assert rows[2]["protected_until"].startswith("2027-03-01T15:")
    assert rows[2]["registered_at"].startswith("2026-12-01T15:")

    exported = write(tmp_path, out, "exported.csv")
    history = len(changes(bench))
    code, out, _ = partnerbot("deals", "import", exported)
    assert code == 0
    assert out.splitlines()[-1] == "3 rows: 0 created, 0 updated, 3 unchanged, 0 refused."
    assert len(changes(bench)) == history

    code, out, _ = partnerbot("deals", "export", "--channel", SECOND)
    assert [r["account"] for r in csv.DictReader(io.StringIO(out))] == ["Umbrella"]
