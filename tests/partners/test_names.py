"""Both companies by name: the vendor workspace's name is learned from Slack on a request."""

from __future__ import annotations

from bot.domain.partners.names import UNKNOWN_VENDOR, Sides, sides
from sandbox.faults import Fault
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


def test_a_slack_that_wont_name_the_workspace_is_asked_once_not_on_every_request(bench, fake_slack):
    # Bolt's own auth.test (authorizing the token) is answered; partnerbot's ask is refused.
    fake_slack.fail("auth.test", Fault(), *[Fault(status=500)] * 5)
    # Slack fails the ask: the setup still opens for the person who asked
    assert bench.command("/partner").status == 200
    assert len(fake_slack.calls_to("views.open")) == 1
    asked = len(fake_slack.calls_to("auth.test"))
    bench.command("/partner")
    bench.command("/partner")
    assert len(fake_slack.calls_to("auth.test")) == asked  # not again before every ack
    with bench.session() as session:
        workspace = session.get(Workspace, VENDOR)
        assert workspace is None or workspace.name is None  # said as "Vendor" until learned
