"""Both companies by name: the vendor workspace's name is learned from Slack on a request."""

from __future__ import annotations

from bot.domain.partners.names import UNKNOWN_VENDOR, Sides, sides
from storage.models import Side, Workspace
from tests.bench.harness import VENDOR
from tests.bench.scenarios import link_partnership


def test_the_vendor_workspace_is_named_from_slack_and_both_sides_alike(bench):
    partnership = link_partnership(bench)
    with bench.session() as session:
        assert session.get(Workspace, VENDOR).name == "Vendor Inc"
        names = sides(session, partnership)
    assert names.joint == "Vendor Inc \N{MULTIPLICATION SIGN} Acme Resellers"
    assert names.tag(Side.VENDOR) == "Vendor Inc, vendor side"
    assert names.tag(Side.PARTNER) == "Acme Resellers, partner side"
    assert names.label("Terry", Side.VENDOR) == "Terry (Vendor Inc)"
    assert names.label("Dana", Side.PARTNER) == "Dana (Acme Resellers)"
    assert names.other(Side.PARTNER) == "Vendor Inc"


def test_the_name_is_asked_of_slack_once_and_an_unknown_one_is_said_plainly(bench, fake_slack):
    link_partnership(bench)
    fake_slack.reset_calls()
    bench.command("/partner")
    bench.command("/partner")
    assert not fake_slack.calls_to("auth.test")
    unknown = Sides(vendor=UNKNOWN_VENDOR, partner="Acme", vendor_known=False)
    assert unknown.tag(Side.VENDOR) == "vendor side"
    assert unknown.tag(Side.PARTNER) == "Acme, partner side"
