"""/partner export: a zip of CSVs of the partnership's records, to the requester's DM only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from storage.models.promises import PromiseState
from storage.models.reviews import ReviewStatus
from tests.bench.harness import PARTNER, response_json
from tests.bench.scenarios import link_partnership
from tests.kpis import data


def unzip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }


def test_export_holds_every_record_of_the_partnership_and_nothing_else(bench):
    partnership = link_partnership(bench)
    other = link_partnership(bench, channel="C0OTHER")
    with bench.session() as s:
        cloud = data.product_line(s, partnership.id, "Cloud")
        data.win(s, partnership.id, date(2026, 2, 10), "60000.50", partner=("U_DANA",), line=cloud)
        data.win(s, partnership.id, date(2026, 3, 1), "10", withdrawn=True)
        data.win(s, other.id, date(2026, 2, 10), "777", headline="Other partner's win")
        data.review(s, partnership.id, date(2026, 8, 4), ReviewStatus.HELD)
        data.promise(s, partnership.id, date(2026, 9, 1), PromiseState.KEPT, on_time=True)
        data.proposal(s, partnership.id, "Leads within 24 hours")
        s.commit()
    bench.fake.reset_calls()

    response = bench.command("/partner", "export", user="U_CAM")
    assert "in your DM" in response_json(response)["text"]
    (upload,) = bench.fake.files
    assert upload["channel"] == "DU_CAM" and upload["completed"]
    assert upload["filename"].startswith("partnership-acme-resellers-")
    assert len(bench.fake.calls_to("files.getUploadURLExternal")) == 1
    files = unzip(upload["content"])

    (row,) = files["partnership.csv"]
    assert row["partner_name"] == "Acme Resellers" and row["status"] == "active"
    assert {(m["user_id"], m["name"], m["is_owner"]) for m in files["members.csv"]} >= {
        ("U_TM", "Terry TM", "true"),
        ("U_DANA", "Dana", "false"),
    }
    wins = files["wins.csv"]
    assert [w["amount"] for w in wins] == ["60000.50", "10.00"]  # withdrawn ones stay in history
    assert wins[1]["deleted_at"] != ""
    assert "Other partner's win" not in str(files)
    assert [c["user_id"] for c in files["win_credits.csv"]] == ["U_DANA", "U_TM", "U_TM"]
    assert [p["name"] for p in files["product_lines.csv"]] == ["Cloud"]
    assert files["reviews.csv"][0]["status"] == "held"
    assert files["promises.csv"][0]["kept_on_time"] == "true"
    assert files["rule_proposals.csv"][0]["status"] == "pending"
    assert files["rule_versions.csv"][0]["title"] == "Leads within 24 hours"
    decisions = files["rule_decisions.csv"]
    assert [(d["user_id"], d["side"], d["kind"]) for d in decisions] == [
        ("U_DANA", "partner", "approve")
    ]
    assert "occurrences.csv" not in files  # the scheduler's bookkeeping is not a record


def test_partner_side_cannot_export(bench):
    link_partnership(bench)
    response = bench.command("/partner", "export", user="U_DANA", team=PARTNER)
    assert "Exports are for the vendor team" in response_json(response)["text"]
    assert not bench.fake.files


def test_an_ended_partnerships_records_can_still_be_exported(bench):
    partnership = link_partnership(bench)
    bench.command("/partner", "exit")
    from handlers.ids import Block as B
    from sandbox import requests as rq

    bench.submit({B.EXIT_CHOICE: rq.option("end"), B.EXIT_NOTE: rq.text("")})
    bench.fake.files.clear()
    bench.command("/partner", "export")
    (upload,) = bench.fake.files
    (row,) = unzip(upload["content"])["partnership.csv"]
    assert row["id"] == str(partnership.id) and row["status"] == "ended"
