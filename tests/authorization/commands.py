"""Slash commands, as they arrive when someone's own workspace has partnerbot installed too.

Slack lets a partner's users run our commands only if their workspace installs the app (the
OAuth install makes that possible), so the commands are checked like the buttons: the team
in the command's payload decides the side.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.ids import Callback
from storage.models import Partnership, ReviewSchedule
from tests.authorization import reviews, rules
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CHANNEL, Person, Seen, World

NOT_VENDOR = "Only people at Vendor Inc can {}."


def shared_channel(world: World) -> str:
    return CHANNEL


def with_cadence(world: World) -> str:
    _pid, channel = world.new_partnership()
    reviews.set_cadence(world, channel)
    return channel


def with_paused_cadence(world: World) -> str:
    channel = with_cadence(world)
    seen = world.command("/partner", "cadence pause", channel=channel)
    assert "Paused" in seen.told()
    return channel


def with_rule(world: World) -> str:
    return f"R-{rules.agreed_rule(world).number}"


def run(command: str, text: str = ""):
    def act(world: World, channel: str, who: Person) -> Seen:
        return world.command(command, text, channel=channel, who=who)

    return act


def paused_by(paused: bool):
    def check(world: World, channel: str, who: Person, seen: Seen) -> None:
        [schedule] = world.rows(
            select(ReviewSchedule)
            .join(Partnership, Partnership.id == ReviewSchedule.partnership_id)
            .where(Partnership.channel_id == channel)
        )
        assert schedule.paused is paused and schedule.updated_by == who.user

    return check


def report_shown(world: World, channel: str, who: Person, seen: Seen) -> None:
    assert "KPIs" in seen.told()
    assert "files.completeUploadExternal" in seen.calls


def exported(world: World, channel: str, who: Person, seen: Seen) -> None:
    assert "Exporting the records" in seen.told()
    assert any(f.get("channel") == f"D{who.user}" for f in world.fake.files[-1:])


ACTIONS = [
    Action(
        "/partner edit",
        setup=lambda world: world.new_partnership()[1],
        act=run("/partner", "edit"),
        effect=modal_opened(Callback.PARTNERSHIP_SETUP),
        refusal=says("Only the partnership's owners can change the setup."),
    ),
    Action(
        "/partner cadence",
        setup=shared_channel,
        act=run("/partner", "cadence"),
        effect=modal_opened(Callback.REVIEW_CADENCE),
        refusal=says(NOT_VENDOR.format("set the review cadence")),
    ),
    Action(
        "/partner cadence pause",
        setup=with_cadence,
        act=run("/partner", "cadence pause"),
        effect=paused_by(True),
        refusal=says(NOT_VENDOR.format("pause the reviews")),
    ),
    Action(
        "/partner cadence resume",
        setup=with_paused_cadence,
        act=run("/partner", "cadence resume"),
        effect=paused_by(False),
        refusal=says(NOT_VENDOR.format("resume the reviews")),
    ),
    Action(
        "/partner exit",
        setup=lambda world: world.new_partnership()[1],
        act=run("/partner", "exit"),
        effect=modal_opened(Callback.EXIT),
        refusal=says(NOT_VENDOR.format("leave the partnership")),
    ),
    Action(
        "/partner kpis",
        setup=shared_channel,
        act=run("/partner", "kpis"),
        effect=report_shown,
        refusal=says(
            "The KPIs are Vendor Inc's own scorecard. Ask one of its owners",
            outsider=NOT_IN_PARTNERSHIP,
        ),
    ),
    Action(
        "/partner export",
        setup=shared_channel,
        act=run("/partner", "export"),
        effect=exported,
        refusal=says("Exports are for the vendor team."),
    ),
    Action(
        "/roe (propose a rule)",
        setup=shared_channel,
        act=run("/roe"),
        effect=modal_opened(Callback.ROE_PROPOSE),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "/roe retire R-n",
        setup=with_rule,
        act=lambda world, label, who: world.command("/roe", f"retire {label}", who=who),
        effect=modal_opened(Callback.ROE_RETIRE),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "/win",
        setup=shared_channel,
        act=run("/win", "125k Globex"),
        effect=modal_opened(Callback.WIN_LOG),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "/promise",
        setup=shared_channel,
        act=run("/promise"),
        effect=modal_opened(Callback.PROMISE_MAKE),
        refusal=says(NOT_VENDOR.format("make promises to their partner")),
    ),
]
