"""Pure builders for the messages about wins: the celebration, a withdrawal, the recent list.

Headlines, product lines, stories and partner names are people's text: they reach mrkdwn only
as arguments of ``md()`` (or through ``escape()``), so a ``<!channel>`` typed in a headline is
shown, not sent to both companies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, Option, OverflowMenuElement

from bot.domain.partners.names import Sides
from bot.domain.text import day
from bot.domain.wins.money import format_money
from bot.domain.wins.service import still_changeable
from handlers.blocks import message, note, section
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, escape, join, md, of_company, user, users
from storage.models import Partnership, Side, Win, WinKind

REACTION = "tada"  # added to every celebration
NAME_LIMIT = 600  # a partner's name in a sentence
HEADLINE_LIMIT = 1000
LINE_LIMIT = 200  # a headline in the recent list
PRODUCT_LINE_LIMIT = 100


def amount_text(win: Win) -> str:
    return format_money(win.amount, win.currency) if win.amount is not None else "—"


def _date(win: Win) -> str:
    return day(win.closed_on)


def _menu(win: Win) -> OverflowMenuElement:
    """Edit and withdraw, for the day the win may still be changed (withdrawing asks first)."""
    return OverflowMenuElement(
        action_id=Action.WIN_MENU,
        options=[
            Option(text="Edit", value=f"edit:{win.id}"),
            Option(text="Withdraw…", value=f"withdraw:{win.id}"),
        ],
    )


def fallback_text(win: Win, names: Sides) -> Mrkdwn:
    """The celebration's notification text: a win for both companies."""
    money = md(" — {}", amount_text(win)) if win.amount is not None else Mrkdwn("")
    return md(
        "🎉 A win for {}: {}{}",
        escape(names.joint, NAME_LIMIT),
        escape(win.headline, HEADLINE_LIMIT),
        money,
    )


def celebration(win: Win, names: Sides, now: datetime) -> dict[str, Any]:
    """The message that celebrates a win in the partnership channel (and the wins channel).

    Its ⋯ menu (edit, withdraw) is there only while the win may still be changed: once the
    day is over the message is updated without it."""
    kind = "Deal closed" if win.kind is WinKind.DEAL else "Milestone"
    fields = [
        md("*Amount*\n{}", amount_text(win)),
        md("*Kind*\n{}", kind),
        md("*Closed*\n{}", _date(win)),
    ]
    if win.product_line is not None:
        fields.append(md("*Product line*\n{}", escape(win.product_line.name, 2000 - 20)))
    thanks = md(
        "*Thanks to*\n*{}:* {}\n*{}:* {}",
        escape(names.partner, NAME_LIMIT),
        users(win.credited(Side.PARTNER)),
        escape(names.vendor, NAME_LIMIT),
        users(win.credited(Side.VENDOR)),
    )
    blocks: list[Block] = [
        section(
            md(
                ":tada: A win for *{}*!\n*{}*",
                escape(names.joint, NAME_LIMIT),
                escape(win.headline, HEADLINE_LIMIT),
            ),
            accessory=_menu(win) if still_changeable(win, now) else None,
            block_id=B.WIN_HEADER,
        ),
        section(fields=fields),
        section(thanks),
    ]
    if win.story:
        blocks.append(section(escape(win.story)))
    logged = md(
        "Logged by {}", of_company(win.logged_by, names.name(win.logged_by_side)[:NAME_LIMIT])
    )
    if win.edited_at is not None:
        logged = md("{} · edited", logged)
    blocks.append(note(logged))
    return message(fallback_text(win, names), blocks)


def withdrawn(win: Win, names: Sides) -> dict[str, Any]:
    """What a celebration turns into when the person who logged the win withdraws it."""
    blocks: list[Block] = [
        section(
            md(
                ":wastebasket: ~{}~ was withdrawn by {}.",
                escape(win.headline, HEADLINE_LIMIT),
                user(win.logged_by),
            ),
            block_id=B.WIN_HEADER,
        ),
        note(md("Withdrawn wins stay on record but no longer count.")),
    ]
    text = md("A win for {} was withdrawn.", escape(names.joint, NAME_LIMIT))
    return message(text, blocks)


def _recent_line(win: Win) -> Mrkdwn:
    line = (
        md(" · {}", escape(win.product_line.name, PRODUCT_LINE_LIMIT))
        if win.product_line
        else Mrkdwn("")
    )
    return md(
        "• {} · *{}* · {}{} · logged by {}",
        _date(win),
        escape(win.headline, LINE_LIMIT),
        amount_text(win),
        line,
        user(win.logged_by),
    )


def recent_list(partnership: Partnership, wins: list[Win], summary: str) -> list[dict[str, Any]]:
    """/win list: the partnership's latest wins, for the person who asked."""
    name = escape(partnership.partner_name, NAME_LIMIT)
    if not wins:
        return [section(md("No wins logged with *{}* yet. Log one with `/win`.", name)).to_dict()]
    blocks: list[Block] = [
        section(md("*Recent wins with {}*\n{}", name, join("\n", map(_recent_line, wins)))),
        note(md("In all: {}.", summary)),
    ]
    return [b.to_dict() for b in blocks]
