"""/partner exit: stepping back (with a hand-over when last), ending, and who may do which."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.domain import outbox
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import (
    Member,
    Occurrence,
    OccurrenceStatus,
    Partnership,
    PartnershipStatus,
    Promise,
    Proposal,
    ReviewSchedule,
)
from storage.models.promises import PromiseState
from storage.models.rules import Decision, DecisionKind, ProposalStatus
from tests.bench.harness import CHANNEL, OTHER, PARTNER, VENDOR, response_json
from tests.bench.scenarios import link_partnership
from tests.kpis import data


def stored(bench, partnership_id) -> Partnership:
    with bench.session() as session:
        partnership = session.get(Partnership, partnership_id)
        assert partnership is not None
        list(partnership.members)
        return partnership


def owners_of(bench, partnership_id) -> list[str]:
    with bench.session() as session:
        return list(
            session.scalars(
                select(Member.user_id)
                .where(Member.partnership_id == partnership_id, Member.is_owner.is_(True))
                .order_by(Member.user_id)
            )
        )


def exit_as(bench, user: str, choice: str | None, *, successor=None, note: str | None = None):
    """/partner exit, the choice made (the modal follows it), then submitted."""
    assert bench.command("/partner", "exit", user=user).status == 200
    view = bench.last_view()
    assert view["callback_id"] == "partnership_exit"
    if choice is not None:
        view = pick(bench, view, choice, user=user)
    values = {
        B.EXIT_CHOICE: rq.option(choice),
        B.EXIT_SUCCESSOR: rq.user(successor),
        B.EXIT_NOTE: rq.text(note if note is not None else ""),
    }
    return bench.submit(values, user=user, view=view)


def test_an_owner_steps_back_and_the_partnership_goes_on(bench):
    partnership = link_partnership(bench)
    response = exit_as(bench, "U_CAM", "step_back")
    assert response.status == 200 and response_json(response) == {}
    assert owners_of(bench, partnership.id) == ["U_TM"]
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE
    told = bench.fake.ephemerals_for("U_CAM")[-1].text
    assert "You stepped back from the partnership with Acme Resellers" in told
    assert "U_CAM" in bench.fake.home  # their App Home no longer lists it
    assert "Acme Resellers" not in str(bench.fake.home["U_CAM"])


def test_the_last_owner_must_hand_over_or_end(bench):
    partnership = link_partnership(bench, **{B.OWNERS: rq.users("U_TM")})
    bench.fake.add_user("U_NEW", VENDOR, "Nico New")

    refused = exit_as(bench, "U_TM", "step_back")
    errors = response_json(refused)["errors"]
    assert "last owner" in errors[B.EXIT_SUCCESSOR]
    assert owners_of(bench, partnership.id) == ["U_TM"]

    outsider = exit_as(bench, "U_TM", "step_back", successor="U_DANA")
    assert "isn't in your organization" in response_json(outsider)["errors"][B.EXIT_SUCCESSOR]

    handed = exit_as(bench, "U_TM", "step_back", successor="U_NEW")
    assert response_json(handed) == {}
    assert owners_of(bench, partnership.id) == ["U_NEW"]
    dm = bench.fake.last_post("DU_NEW").text
    assert "handed you the partnership with Acme Resellers" in dm


def test_nothing_chosen_is_a_field_error(bench):
    link_partnership(bench)
    response = exit_as(bench, "U_TM", None)
    assert B.EXIT_CHOICE in response_json(response)["errors"]


def test_an_owner_ends_it_gracefully(bench):
    partnership = link_partnership(bench)
    note = "Thanks, Acme, for two great years together!"
    response = exit_as(bench, "U_TM", "end", note=note)
    assert response.status == 200 and response_json(response) == {}

    ended = stored(bench, partnership.id)
    assert ended.status is PartnershipStatus.ENDED and ended.ended_at is not None
    # The record stays: members and all.
    assert {m.user_id for m in ended.members} == {"U_TM", "U_CAM", "U_DANA", "U_PAT"}

    closing = bench.fake.last_post(CHANNEL)
    assert closing.text == note
    # Every owner gets the export in their DM, uploaded the way Slack wants files uploaded.
    exports = {f["channel"]: f for f in bench.fake.files}
    assert set(exports) == {"DU_TM", "DU_CAM"}
    for upload in exports.values():
        assert upload["completed"] and upload["filename"].endswith(".zip")
        with zipfile.ZipFile(io.BytesIO(upload["content"])) as archive:
            assert "partnership.csv" in archive.namelist()
            assert "ended" in archive.read("partnership.csv").decode()
    assert "has ended" in bench.fake.last_post("DU_TM").text

    # The channel is free again: /partner offers to link it anew.
    bench.fake.reset_calls()
    bench.command("/partner")
    assert bench.fake.calls_to("views.open")
    assert bench.last_view()["callback_id"] == "partnership_setup"


def test_an_empty_closing_note_posts_nothing_in_the_channel(bench):
    partnership = link_partnership(bench)
    before = len(bench.fake.posts(CHANNEL))
    exit_as(bench, "U_TM", "end", note="")
    assert stored(bench, partnership.id).status is PartnershipStatus.ENDED
    assert len(bench.fake.posts(CHANNEL)) == before


def test_only_owners_or_admins_can_end_it(bench):
    partnership = link_partnership(bench)
    bench.fake.add_user("U_VAL", VENDOR, "Val Vendor")
    refused = exit_as(bench, "U_VAL", "end")
    shown = str(response_json(refused))
    assert "Only the partnership's owners" in shown
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE

    bench.fake.add_user("U_ADMIN", VENDOR, "Ada Admin").is_admin = True
    assert response_json(exit_as(bench, "U_ADMIN", "end")) == {}
    assert stored(bench, partnership.id).status is PartnershipStatus.ENDED


def test_someone_without_a_role_cannot_step_back(bench):
    link_partnership(bench)
    bench.fake.add_user("U_VAL", VENDOR, "Val Vendor")
    response = exit_as(bench, "U_VAL", "step_back")
    assert "no role in the partnership" in str(response_json(response))


def test_an_unlinked_channel_has_no_exit(bench):
    link_partnership(bench)
    response = bench.command("/partner", "exit", channel="C0ELSEWHERE")
    assert "isn't linked" in response_json(response)["text"]
    assert not bench.fake.calls_to("views.open")[1:]  # only the setup modal was ever opened


def test_ending_stops_what_runs_and_keeps_what_is_owed(bench):
    partnership = link_partnership(bench)
    pid = partnership.id
    with bench.session() as s:
        data.schedule(s, pid, datetime(2030, 1, 1, tzinfo=UTC))
        proposal = data.proposal(s, pid, "Leads within 24 hours")
        promise = data.promise(s, pid, date(2030, 1, 1))
        s.flush()
        outbox.enqueue(
            s,
            "promise_reminder",
            f"promise:{promise.id}:1",
            datetime(2030, 1, 1, tzinfo=UTC),
            partnership_id=pid,
            subject_id=promise.id,
        )
        s.commit()
        proposal_id, promise_id = proposal.id, promise.id

    exit_as(bench, "U_TM", "end")

    with bench.session() as s:
        assert s.scalar(select(ReviewSchedule).where(ReviewSchedule.partnership_id == pid)).paused
        withdrawn = s.get(Proposal, proposal_id)
        assert withdrawn.status is ProposalStatus.WITHDRAWN

        kinds = s.scalars(select(Decision.kind).where(Decision.proposal_id == proposal_id))
        assert DecisionKind.WITHDRAW in set(kinds)  # in the append-only log, too
        assert s.get(Promise, promise_id).state is PromiseState.OPEN  # still owed
        (occurrence,) = s.scalars(
            select(Occurrence).where(
                Occurrence.partnership_id == pid, Occurrence.kind == "promise_reminder"
            )
        )
        assert occurrence.status is OccurrenceStatus.SKIPPED


# -- who may hand over: only an owner names a successor; the submission re-checks the side ------


def members_of(bench, partnership_id) -> dict[str, Member]:
    with bench.session() as session:
        rows = session.scalars(select(Member).where(Member.partnership_id == partnership_id))
        found = {m.user_id: m for m in rows}
        session.expunge_all()
        return found


def crafted_exit(bench, partnership_id: int, user: str, team: str, successor: str | None):
    """A hand-made, validly signed exit submission: no button, no /partner exit, no views.open."""
    view = {
        "id": f"V_CRAFTED_{user}_{partnership_id}",
        "type": "modal",
        "callback_id": "partnership_exit",
        "private_metadata": json.dumps({"partnership_id": partnership_id}),
    }
    values = {
        B.EXIT_CHOICE: rq.option("step_back"),
        B.EXIT_SUCCESSOR: rq.user(successor),
        B.EXIT_NOTE: rq.text(""),
    }
    return bench.submit(values, user=user, user_team=team, view=view)


def test_a_vendor_rule_approver_who_is_not_an_owner_cannot_make_an_owner(bench):
    bench.fake.add_user("U_VAL", VENDOR, "Val Vendor")
    bench.fake.add_user("U_NEW", VENDOR, "Nico New")
    partnership = link_partnership(bench, **{B.VENDOR_APPROVERS: rq.users("U_VAL")})

    refused = exit_as(bench, "U_VAL", "step_back", successor="U_NEW")
    errors = response_json(refused)["errors"]
    assert "Only an owner hands over" in errors[B.EXIT_SUCCESSOR]
    assert owners_of(bench, partnership.id) == ["U_CAM", "U_TM"]
    assert members_of(bench, partnership.id)["U_VAL"].is_approver

    # Stepping back without a successor just stops their approving.
    assert response_json(exit_as(bench, "U_VAL", "step_back")) == {}
    assert "U_VAL" not in members_of(bench, partnership.id)
    assert owners_of(bench, partnership.id) == ["U_CAM", "U_TM"]


def test_a_partner_approver_cannot_step_back_with_a_hand_made_submission(bench):
    bench.fake.add_user("U_NEW", VENDOR, "Nico New")
    partnership = link_partnership(bench, **{B.PARTNER_APPROVERS: rq.users("U_PAT")})
    bench.fake.reset_calls()

    refused = crafted_exit(bench, partnership.id, "U_PAT", PARTNER, successor="U_NEW")
    assert "Only people at Vendor Inc can leave the partnership" in str(response_json(refused))
    assert owners_of(bench, partnership.id) == ["U_CAM", "U_TM"]
    assert members_of(bench, partnership.id)["U_PAT"].is_approver
    assert not bench.fake.calls_to("users.info")  # refused before anyone is looked up


def test_an_outsider_is_refused_without_learning_the_partnership(bench):
    partnership = link_partnership(bench)
    refused = str(response_json(crafted_exit(bench, partnership.id, "U_OUT", OTHER, None)))
    assert "Only" in refused and "Acme Resellers" not in refused and "<@U_" not in refused

    assert response_json(exit_as(bench, "U_TM", "end")) == {}
    ended = str(response_json(crafted_exit(bench, partnership.id, "U_OUT", OTHER, None)))
    assert "Only" in ended and "Acme Resellers" not in ended


def pick(bench, view, choice: str, user: str = "U_TM", **typed: dict) -> dict:
    """Choose in the exit modal: Slack sends the change (the radio dispatches it)."""
    values = {B.EXIT_CHOICE: rq.option(choice), **typed}
    bench.send(
        rq.action_body(
            "value",
            "",
            user=user,
            user_team=VENDOR,
            app_team=VENDOR,
            channel=None,
            message=None,
            response_url=None,
            view={**view, "state": {"values": {k: {"value": v} for k, v in values.items()}}},
            block_id=B.EXIT_CHOICE,
        )
    )
    return bench.fake.views[view["id"]]


def test_the_exit_modal_follows_the_choice_and_says_what_it_will_do(bench):
    partnership = link_partnership(bench)
    bench.command("/partner", "exit")
    view = bench.last_view()
    choice = next(b for b in view["blocks"] if b.get("block_id") == B.EXIT_CHOICE)
    assert choice["dispatch_action"] is True
    # each choice's description fits Slack's 75 characters whole, cut at no word
    described = {o["value"]: o["description"]["text"] for o in choice["element"]["options"]}
    assert described == {
        "step_back": "You stop being an owner; the partnership goes on with the other owners.",
        "end": "Reviews and reminders stop; the records stay. Owners or admins only.",
    }
    assert not any(text.endswith("…") for text in described.values())
    # nothing chosen yet: no button that claims to confirm either
    assert view["submit"]["text"] == "Continue"
    assert {b.get("block_id") for b in view["blocks"]} & {B.EXIT_SUCCESSOR, B.EXIT_NOTE} == set()

    ending = pick(bench, view, "end")
    assert ending["submit"]["text"] == "End the partnership"
    fields = {b.get("block_id"): b for b in ending["blocks"]}
    assert B.EXIT_NOTE in fields and B.EXIT_SUCCESSOR not in fields
    assert "each owner gets the export by DM" in json.dumps(ending["blocks"])
    assert fields[B.EXIT_NOTE]["element"]["initial_value"].startswith("Thank you")

    # back to stepping back: its own field and button; a note typed meanwhile is kept
    stepping = pick(
        bench, ending, "step_back", **{B.EXIT_NOTE: rq.text("Thanks, Acme, for it all.")}
    )
    assert stepping["submit"]["text"] == "Step back"
    fields = {b.get("block_id"): b for b in stepping["blocks"]}
    assert B.EXIT_SUCCESSOR in fields and B.EXIT_NOTE not in fields
    again = pick(bench, stepping, "end", **{B.EXIT_NOTE: rq.text("Thanks, Acme, for it all.")})
    note = next(b for b in again["blocks"] if b.get("block_id") == B.EXIT_NOTE)
    assert note["element"]["initial_value"] == "Thanks, Acme, for it all."
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE  # nothing ended
