"""Channel and installation events change partnerships once, however often Slack retries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from freezegun import freeze_time
from sqlalchemy import func, select

from handlers.ids import Action
from storage.models import Partnership, PartnershipStatus, ProcessedEvent, Workspace
from tests.bench.harness import CHANNEL, VENDOR
from tests.bench.scenarios import link_partnership
from tests.reviews.helpers import linked, prompts, set_cadence, tick


def stored(bench, partnership_id):
    with bench.session() as session:
        return session.get(Partnership, partnership_id)


def test_channel_id_changed_follows_the_channel(bench):
    partnership = link_partnership(bench)
    event = {
        "type": "channel_id_changed",
        "old_channel_id": CHANNEL,
        "new_channel_id": "C0NEWID",
        "event_ts": "1.0",
    }
    assert bench.event(event, event_id="Ev1").status == 200
    assert stored(bench, partnership.id).channel_id == "C0NEWID"


def unshared(left: str | None, still_shared: bool) -> dict:
    event = {"type": "channel_unshared", "channel": CHANNEL, "is_ext_shared": still_shared}
    if left is not None:
        event["previously_connected_team_id"] = left
    return event


def shared(joined: str | None) -> dict:
    event = {"type": "channel_shared", "channel": CHANNEL}
    if joined is not None:
        event["connected_team_id"] = joined
    return event


def owner_dms(bench) -> list:
    return [m for m in bench.fake.posts() if m.channel in ("DU_TM", "DU_CAM")]


def test_unshared_then_shared_marks_the_partnership(bench):
    partnership = link_partnership(bench)
    bench.event(unshared("T_PARTNER", still_shared=False))
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    paused = owner_dms(bench)
    assert {m.channel for m in paused} == {"DU_TM", "DU_CAM"}
    assert "no longer shared with Acme Resellers, so the partnership is paused" in paused[0].text
    bench.event(shared("T_PARTNER"))
    # Shared again: nothing resumes by itself; each owner is offered to resume it.
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    offers = owner_dms(bench)[len(paused) :]
    assert {m.channel for m in offers} == {"DU_TM", "DU_CAM"}
    assert "shared with Acme Resellers again" in offers[0].text
    bench.click(Action.RESUME_PARTNERSHIP, str(partnership.id), channel="DU_TM")
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE


def test_the_partner_leaving_pauses_it_though_a_third_organization_stays(bench):
    """Slack names who left; ``is_ext_shared`` stays true while any other org remains."""
    partnership = link_partnership(bench)
    bench.event(unshared("T_PARTNER", still_shared=True))
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    paused = owner_dms(bench)
    assert {m.channel for m in paused} == {"DU_TM", "DU_CAM"}

    # A third organization joining brings nobody back: no offer. The partner's return does.
    bench.event(shared("T_OTHER"))
    assert owner_dms(bench) == paused
    bench.event(shared("T_PARTNER"))
    offers = owner_dms(bench)[len(paused) :]
    assert {m.channel for m in offers} == {"DU_TM", "DU_CAM"}
    assert all(m.blocks for m in offers)  # with the Resume button


def test_a_third_organization_leaving_changes_nothing(bench):
    partnership = link_partnership(bench)
    bench.event(unshared("T_OTHER", still_shared=True))
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE
    assert owner_dms(bench) == []
    # ...and its return offers nothing either: the partnership never paused.
    bench.event(shared("T_OTHER"))
    assert owner_dms(bench) == []


def test_without_a_named_workspace_it_pauses_when_nobody_else_shares_it(bench):
    partnership = link_partnership(bench)
    bench.event(unshared(None, still_shared=True))
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE
    bench.event(unshared(None, still_shared=False))
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED


def test_review_prompts_stop_while_the_partner_is_gone(bench):
    at = datetime(2026, 11, 20, 15, tzinfo=UTC)
    partnership = linked(bench, at=at)
    set_cadence(
        bench, partnership, every=1, weekday=0, at=time(10), starting=date(2026, 11, 30), now=at
    )
    with freeze_time(at):
        bench.event(unshared("T_PARTNER", still_shared=True))  # a third organization stays
    tick(bench, datetime(2026, 11, 30, 15, 1, tzinfo=UTC))  # Monday 10:01 in New York
    assert prompts(bench.fake) == []


def test_retried_event_has_one_effect(bench):
    partnership = link_partnership(bench)
    unshare = unshared(None, still_shared=False)
    share = shared(None)
    bench.event(unshare, event_id="EvUnshare")
    bench.event(share, event_id="EvShare")
    # Slack retries the unshare (it thought we missed it): it must not disconnect again.
    bench.event(unshare, event_id="EvUnshare", retry_num=1)
    bench.event(share, event_id="EvShare", retry_num=1)
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    # one note that it paused and one resume offer, however often Slack retries
    assert len(bench.fake.posts("DU_TM")) == 2
    with bench.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


def test_uninstall_stops_work_for_the_workspace(bench):
    link_partnership(bench)
    bench.event({"type": "app_uninstalled"})
    with bench.session() as session:
        assert session.get(Workspace, VENDOR).active is False


def test_tokens_revoked_for_the_bot_stops_work(bench):
    link_partnership(bench)
    bench.event({"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}})
    with bench.session() as session:
        assert session.get(Workspace, VENDOR).active is True
    bench.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}})
    with bench.session() as session:
        assert session.get(Workspace, VENDOR).active is False
