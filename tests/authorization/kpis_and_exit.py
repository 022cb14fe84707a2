"""KPIs are the vendor side's own (an owner shares them); only owners end or resume a
partnership; on the vendor side, anyone steps back from their own role, and only an owner
hands over to a successor (who becomes an owner)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import Member, Partnership, PartnershipStatus, Side
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CHANNEL, OWNER, PARTNER_NAME, Person, Seen, World
from tests.bench.harness import block_texts

INTERNAL = "The KPIs are Vendor Inc's own scorecard. Ask one of its owners"
OWNERS = "(<@U_TM>, <@U_CAM>)"
NO_ROLE = f"You have no role in the partnership with {PARTNER_NAME} to step back from."
NOT_VENDOR_LEAVE = "Only people at Vendor Inc can leave the partnership."
ONLY_OWNERS_HAND_OVER = "Only an owner hands over to a successor"
ONLY_OWNERS_SHARE = "Only the partnership's owners decide to share"
SUCCESSOR = "U_VAL"  # Val Vendor, in the vendor's workspace, named nowhere until handed over


def exit_modal(world: World, **overrides: Any) -> dict[str, Any]:
    """/partner exit by the owner in a partnership of its own."""
    _pid, channel = world.new_partnership(**overrides)
    return world.command("/partner", "exit", channel=channel).view(Callback.EXIT)


def exit_modal_vendor_approver(world: World) -> dict[str, Any]:
    """The same, in a partnership that names U_VENDOR2 the vendor's rule approver."""
    return exit_modal(world, **{B.VENDOR_APPROVERS: rq.users("U_VENDOR2")})


def exit_values(choice: str, successor: str | None = None) -> dict[str, Any]:
    return {
        B.EXIT_CHOICE: rq.option(choice),
        B.EXIT_SUCCESSOR: rq.user(successor),
        B.EXIT_NOTE: rq.text("Thank you for three good years."),
    }


def end_as_admin(world: World, view: dict[str, Any], who: Person) -> Seen:
    """The person administers their own workspace (Slack's users.info says is_admin)."""
    user = world.fake.users[who.user]
    user.is_admin = True
    try:
        return world.submit(view, exit_values("end"), who)
    finally:
        user.is_admin = False


def disconnected(world: World) -> int:
    """A partnership whose channel was unshared (Slack's event), so it waits to be resumed."""
    pid, channel = world.new_partnership()
    world.bench.event({"type": "channel_unshared", "channel": channel, "is_ext_shared": False})
    assert world.get(Partnership, pid).status is PartnershipStatus.DISCONNECTED
    return pid


def pid_of(view: dict[str, Any]) -> int:
    return int(json.loads(view["private_metadata"])["partnership_id"])


def members(world: World, pid: int) -> dict[str, Member]:
    return {m.user_id: m for m in world.rows(select(Member).where(Member.partnership_id == pid))}


def share_preview_open(world: World) -> dict[str, Any]:
    """The dialog that shows the owner what sharing will post."""
    return world.click(A.SHARE_KPIS, str(world.partnership_id), OWNER).view(Callback.KPI_SHARE)


# -- effects -------------------------------------------------------------------------------------
def report_shown(world: World, pid: int, who: Person, seen: Seen) -> None:
    [reply] = seen.replies
    assert reply["response_type"] == "ephemeral" and "KPIs" in reply["text"]
    assert "files.completeUploadExternal" in seen.calls  # the chart, to their DM


def shared(world: World, pid: int, who: Person, seen: Seen) -> None:
    [post] = [m for m in seen.posts if m.channel == CHANNEL]
    assert f"<@{who.user}>" in (post.text or "") + block_texts(post.blocks)


def ended(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    assert world.get(Partnership, pid_of(view)).status is PartnershipStatus.ENDED
    assert any("Thank you for three good years." in block_texts(m.blocks) for m in seen.posts)


def stepped_back(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    partnership = world.get(Partnership, pid_of(view))
    assert partnership.status is PartnershipStatus.ACTIVE
    mine = members(world, partnership.id).get(who.user)
    assert mine is None or not (mine.is_owner or mine.is_approver)
    assert any(m.user == who.user for m in seen.ephemerals)


def handed_over(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    stepped_back(world, view, who, seen)
    heir = members(world, pid_of(view))[SUCCESSOR]
    assert heir.is_owner and heir.side is Side.VENDOR
    assert any(m.channel == f"D{SUCCESSOR}" for m in seen.posts)  # they are told by DM


def resumed(world: World, pid: int, who: Person, seen: Seen) -> None:
    assert world.get(Partnership, pid).status is PartnershipStatus.ACTIVE
    assert "resumed" in seen.told().lower()


ACTIONS = [
    Action(
        "kpis: KPIs (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.SHOW_KPIS, str(pid), who),
        effect=report_shown,
        refusal=says(INTERNAL, outsider=NOT_IN_PARTNERSHIP),
    ),
    Action(
        "kpis: Share in channel (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.SHARE_KPIS, str(pid), who),
        effect=modal_opened(Callback.KPI_SHARE),
        refusal=says(
            INTERNAL,
            vendor_member=ONLY_OWNERS_SHARE,
            outsider=NOT_IN_PARTNERSHIP,
        ),
    ),
    Action(
        "kpis: share in channel (modal)",
        setup=share_preview_open,
        act=lambda world, view, who: world.submit(view, {}, who),
        effect=shared,
        refusal=says(
            INTERNAL,
            vendor_member=ONLY_OWNERS_SHARE,
            outsider=NOT_IN_PARTNERSHIP,
        ),
    ),
    Action(
        "exit: end the partnership (modal)",
        setup=exit_modal,
        act=lambda world, view, who: world.submit(view, exit_values("end"), who),
        effect=ended,
        refusal=says(
            "Only people at Vendor Inc can end the partnership.",
            vendor_member=f"Only the partnership's owners {OWNERS} or a workspace admin can end it",
        ),
    ),
    Action(
        "exit: end the partnership, each a workspace admin (modal)",
        setup=exit_modal,
        act=end_as_admin,
        effect=ended,
        refusal=says("Only people at Vendor Inc can end the partnership."),
    ),
    Action(
        "exit: step back (modal)",
        setup=exit_modal,
        act=lambda world, view, who: world.submit(view, exit_values("step_back"), who),
        effect=stepped_back,
        refusal=says(NOT_VENDOR_LEAVE, vendor_member=NO_ROLE),
    ),
    Action(
        "exit: step back naming a successor (modal)",
        setup=exit_modal,
        act=lambda world, view, who: world.submit(view, exit_values("step_back", SUCCESSOR), who),
        effect=handed_over,
        refusal=says(NOT_VENDOR_LEAVE, vendor_member=NO_ROLE),
    ),
    Action(
        "exit: step back, U_VENDOR2 a vendor rule approver (modal)",
        setup=exit_modal_vendor_approver,
        act=lambda world, view, who: world.submit(view, exit_values("step_back"), who),
        effect=stepped_back,
        refusal=says(NOT_VENDOR_LEAVE),
    ),
    Action(
        "exit: step back naming a successor, U_VENDOR2 a vendor rule approver (modal)",
        setup=exit_modal_vendor_approver,
        act=lambda world, view, who: world.submit(view, exit_values("step_back", SUCCESSOR), who),
        effect=handed_over,
        refusal=says(NOT_VENDOR_LEAVE, vendor_member=ONLY_OWNERS_HAND_OVER),
    ),
    Action(
        "exit: Resume the partnership (button)",
        setup=disconnected,
        act=lambda world, pid, who: world.click(A.RESUME_PARTNERSHIP, str(pid), who),
        effect=resumed,
        refusal=says(
            "Only people at Vendor Inc can resume the partnership.",
            vendor_member=f"Only the partnership's owners {OWNERS} can resume it.",
        ),
    ),
]
