"""Wins: anyone on either side logs one; only its logger edits or withdraws it, within 24 h."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import Win, WinChange
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CHANNEL, CONTACT, OWNER, Person, Seen, World
from tests.bench.harness import block_texts
from tests.wins.helpers import win_values

NOT_THE_LOGGER = "Only <@U_TM>, who logged this win, can change it."


@dataclass(frozen=True)
class Logged:
    win: Win
    view: dict[str, Any] | None = None  # the edit modal, opened by the logger


def values(world: World, headline: str) -> dict[str, Any]:
    return win_values(
        **{
            B.WIN_HEADLINE: rq.text(headline),
            B.WIN_CLOSED_ON: rq.date(world.yesterday().isoformat()),
        }
    )


def win_modal(world: World, partnership_id: int | None = None) -> dict[str, Any]:
    """The "Log a win" modal, opened by the owner from the summary's button."""
    pid = partnership_id or world.partnership_id
    return world.click(A.LOG_WIN, str(pid), OWNER).view(Callback.WIN_LOG)


def log_win(world: World, partnership_id: int | None = None, by: Person = OWNER) -> Win:
    """A win logged through the modal (by U_TM unless told)."""
    headline = f"Globex renewal {world.n()}"
    world.submit(win_modal(world, partnership_id), values(world, headline), by)
    [win] = world.rows(select(Win).where(Win.headline == headline))
    return win


def logged(world: World) -> Logged:
    return Logged(log_win(world))


def logged_by_partner(world: World) -> Logged:
    return Logged(log_win(world, by=CONTACT))


def logged_yesterday(world: World) -> Logged:
    """A win U_TM logged 25 hours ago: past the 24 hours in which it may be changed."""
    win = log_win(world)
    with world.bench.session() as session:
        session.execute(
            update(Win)
            .where(Win.id == win.id)
            .values(created_at=win.created_at - timedelta(hours=25))
        )
        session.commit()
    return Logged(win)


def edit_modal_open(world: World) -> Logged:
    win = log_win(world)
    seen = open_menu(world, Logged(win), OWNER, "edit")
    return Logged(win, seen.view(Callback.WIN_EDIT))


def withdraw_dialog_open(world: World) -> Logged:
    """The dialog that confirms withdrawing, opened by the win's logger."""
    win = log_win(world)
    seen = open_menu(world, Logged(win), OWNER, "withdraw")
    return Logged(win, seen.view(Callback.WIN_WITHDRAW))


def not_posted(world: World) -> Logged:
    """A win whose celebration Slack refused (the bot was not in the channel yet)."""
    partnership_id, channel = world.new_partnership()
    world.fake.channel_errors[channel] = "not_in_channel"
    try:
        win = log_win(world, partnership_id)
    finally:
        del world.fake.channel_errors[channel]
    assert win.message_ts is None
    return Logged(win)


def open_menu(world: World, target: Logged, who: Person, choice: str) -> Seen:
    return world.click(
        A.WIN_MENU,
        "",
        who,
        message={"ts": target.win.message_ts, "text": ""},
        selected_option=f"{choice}:{target.win.id}",
    )


# -- effects -------------------------------------------------------------------------------------


def win_logged(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [win] = world.rows(select(Win).where(Win.submission_key == seen.submitted_view_id))
    assert win.logged_by == who.user and win.deleted_at is None
    [post] = [m for m in seen.posts if m.channel == CHANNEL]
    assert win.headline in block_texts(post.blocks) and post.ts == win.message_ts


def win_edited(world: World, target: Logged, who: Person, seen: Seen) -> None:
    win = world.get(Win, target.win.id)
    assert win.headline == "Edited headline" and win.edited_at is not None
    [change] = world.rows(select(WinChange).where(WinChange.win_id == win.id))
    assert change.changed_by == who.user
    assert "Edited headline" in block_texts(world.fake.message(CHANNEL, win.message_ts).blocks)


def win_withdrawn(world: World, target: Logged, who: Person, seen: Seen) -> None:
    win = world.get(Win, target.win.id)
    assert win.deleted_at is not None
    message = world.fake.message(CHANNEL, win.message_ts)
    assert f"was withdrawn by <@{who.user}>" in block_texts(message.blocks)


def win_posted(world: World, target: Logged, who: Person, seen: Seen) -> None:
    win = world.get(Win, target.win.id)
    assert win.message_ts is not None
    assert any(m.ts == win.message_ts for m in seen.posts)


ACTIONS = [
    Action(
        "wins: Log a win (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.LOG_WIN, str(pid), who),
        effect=modal_opened(Callback.WIN_LOG),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "wins: log a win (modal)",
        setup=win_modal,
        act=lambda world, view, who: world.submit(view, values(world, f"Deal {who.user}"), who),
        effect=win_logged,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "wins: Edit from the win's menu",
        setup=logged,
        act=lambda world, target, who: open_menu(world, target, who, "edit"),
        effect=modal_opened(Callback.WIN_EDIT),
        refusal=says(NOT_THE_LOGGER),
    ),
    Action(
        "wins: edit a win (modal)",
        setup=edit_modal_open,
        act=lambda world, target, who: world.submit(
            target.view, values(world, "Edited headline"), who
        ),
        effect=win_edited,
        refusal=says(NOT_THE_LOGGER),
    ),
    Action(
        "wins: Withdraw from the win's menu",
        setup=logged,
        act=lambda world, target, who: open_menu(world, target, who, "withdraw"),
        effect=modal_opened(Callback.WIN_WITHDRAW),
        refusal=says(NOT_THE_LOGGER),
    ),
    Action(
        "wins: withdraw a win (modal)",
        setup=withdraw_dialog_open,
        act=lambda world, target, who: world.submit(target.view, {}, who),
        effect=win_withdrawn,
        refusal=says(NOT_THE_LOGGER),
    ),
    Action(
        "wins: Withdraw a win U_DANA logged",
        setup=logged_by_partner,
        act=lambda world, target, who: open_menu(world, target, who, "withdraw"),
        effect=modal_opened(Callback.WIN_WITHDRAW),
        refusal=says("Only <@U_DANA>, who logged this win, can change it."),
    ),
    Action(
        "wins: Edit a win logged 25 h ago",
        setup=logged_yesterday,
        act=lambda world, target, who: open_menu(world, target, who, "edit"),
        effect=modal_opened(Callback.WIN_EDIT),
        refusal=says(NOT_THE_LOGGER, owner="A win can be changed for 24 hours"),
    ),
    Action(
        "wins: Withdraw a win logged 25 h ago",
        setup=logged_yesterday,
        act=lambda world, target, who: open_menu(world, target, who, "withdraw"),
        effect=modal_opened(Callback.WIN_WITHDRAW),
        refusal=says(NOT_THE_LOGGER, owner="A win can be changed for 24 hours"),
    ),
    Action(
        "wins: Post it now (after a failed celebration)",
        setup=not_posted,
        act=lambda world, target, who: world.click(A.WIN_REPOST, str(target.win.id), who),
        effect=win_posted,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
]
