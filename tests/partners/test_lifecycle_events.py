"""Channel and installation events change partnerships once, however often Slack retries."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.ids import Action
from storage.models import Partnership, PartnershipStatus, ProcessedEvent, Workspace
from tests.bench.harness import CHANNEL, VENDOR
from tests.bench.scenarios import link_partnership


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


def test_unshared_then_shared_marks_the_partnership(bench):
    partnership = link_partnership(bench)
    bench.event(
        {
            "type": "channel_unshared",
            "channel": CHANNEL,
            "previously_connected_team_id": "T_PARTNER",
            "is_ext_shared": False,
        }
    )
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    bench.event({"type": "channel_shared", "channel": CHANNEL, "connected_team_id": "T_PARTNER"})
    # Shared again: nothing resumes by itself; each owner is offered to resume it.
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    offers = [m for m in bench.fake.posts() if m.channel in ("DU_TM", "DU_CAM")]
    assert {m.channel for m in offers} == {"DU_TM", "DU_CAM"}
    assert "shared with Acme Resellers again" in offers[0].text
    bench.click(Action.RESUME_PARTNERSHIP, str(partnership.id), channel="DU_TM")
    assert stored(bench, partnership.id).status is PartnershipStatus.ACTIVE


def test_retried_event_has_one_effect(bench):
    partnership = link_partnership(bench)
    unshare = {"type": "channel_unshared", "channel": CHANNEL, "is_ext_shared": False}
    share = {"type": "channel_shared", "channel": CHANNEL}
    bench.event(unshare, event_id="EvUnshare")
    bench.event(share, event_id="EvShare")
    # Slack retries the unshare (it thought we missed it): it must not disconnect again.
    bench.event(unshare, event_id="EvUnshare", retry_num=1)
    bench.event(share, event_id="EvShare", retry_num=1)
    assert stored(bench, partnership.id).status is PartnershipStatus.DISCONNECTED
    assert len(bench.fake.posts("DU_TM")) == 1  # one resume offer, however often Slack retries
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
