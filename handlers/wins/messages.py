"""Pure builders for the messages about wins: the celebration, a withdrawal, the recent list."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.domain.money import format_money
from handlers.blocks import context, mentions, truncate
from handlers.ids import Action
from handlers.ids import Block as B
from storage.models import Partnership, Side, Win, WinKind

REACTION = "tada"  # added to every celebration
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str, limit: int = SECTION_LIMIT) -> str:
    """People's text made safe for mrkdwn, cut (never inside an entity) to fit ``limit``."""
    out: list[str] = []
    size = 0
    for char in text:
        piece = _ENTITIES.get(char, char)
        if size + len(piece) > limit - 1:
            return "".join(out) + "…"
        out.append(piece)
        size += len(piece)
    return "".join(out)


def amount_text(win: Win) -> str:
    return format_money(win.amount, win.currency) if win.amount is not None else "—"


def _date(win: Win) -> str:
    return f"{win.closed_on.day} {win.closed_on:%b %Y}"


def _menu(win: Win) -> OverflowMenuElement:
    return OverflowMenuElement(
        action_id=Action.WIN_MENU,
        options=[
            Option(text="Edit", value=f"edit:{win.id}"),
            Option(text="Withdraw", value=f"withdraw:{win.id}"),
        ],
    )


def fallback_text(win: Win, partnership: Partnership) -> str:
    money = f" — {amount_text(win)}" if win.amount is not None else ""
    return truncate(f"🎉 A win with {partnership.partner_name}: {win.headline}{money}", 3000)


def celebration(win: Win, partnership: Partnership) -> dict[str, Any]:
    """The message that celebrates a win in the partnership channel (and the wins channel)."""
    title = ":tada: A win with *" + escape(partnership.partner_name, 600) + "*!"
    headline = "*" + escape(win.headline, 1000) + "*"
    kind = "Deal closed" if win.kind is WinKind.DEAL else "Milestone"
    fields = [
        MarkdownTextObject(text=f"*Amount*\n{amount_text(win)}"),
        MarkdownTextObject(text=f"*Kind*\n{kind}"),
        MarkdownTextObject(text=f"*Closed*\n{_date(win)}"),
    ]
    if win.product_line is not None:
        line = escape(win.product_line.name, FIELD_LIMIT - 20)
        fields.append(MarkdownTextObject(text=f"*Product line*\n{line}"))
    thanks = [
        f"*Partner side:* {mentions(win.credited(Side.PARTNER))}",
        f"*Vendor side:* {mentions(win.credited(Side.VENDOR))}",
    ]
    blocks: list[Block] = [
        SectionBlock(block_id=B.WIN_HEADER, text=f"{title}\n{headline}", accessory=_menu(win)),
        SectionBlock(fields=fields),
        SectionBlock(text=truncate("*Thanks to*\n" + "\n".join(thanks), SECTION_LIMIT)),
    ]
    if win.story:
        blocks.append(SectionBlock(text=escape(win.story)))
    logged = f"Logged by <@{win.logged_by}> ({win.logged_by_side.value} side)"
    if win.edited_at is not None:
        logged += " · edited"
    blocks.append(context(logged))
    return {"text": fallback_text(win, partnership), "blocks": [b.to_dict() for b in blocks]}


def withdrawn(win: Win, partnership: Partnership) -> dict[str, Any]:
    """What a celebration turns into when the person who logged the win withdraws it."""
    text = f"~{escape(win.headline, 1000)}~ was withdrawn by <@{win.logged_by}>."
    blocks: list[Block] = [
        SectionBlock(block_id=B.WIN_HEADER, text=":wastebasket: " + text),
        context("Withdrawn wins stay on record but no longer count."),
    ]
    return {
        "text": truncate(f"A win with {partnership.partner_name} was withdrawn.", 3000),
        "blocks": [b.to_dict() for b in blocks],
    }


def recent_list(partnership: Partnership, wins: list[Win], summary: str) -> list[dict[str, Any]]:
    """/win list: the partnership's latest wins, for the person who asked."""
    if not wins:
        name = escape(partnership.partner_name, 600)
        body = f"No wins logged with *{name}* yet. Log one with `/win`."
        return [SectionBlock(text=body).to_dict()]
    lines = [
        f"• {_date(w)} · *{escape(w.headline, 200)}* · {amount_text(w)}"
        + (f" · {escape(w.product_line.name, 100)}" if w.product_line else "")
        + f" · logged by <@{w.logged_by}>"
        for w in wins
    ]
    header = f"*Recent wins with {escape(partnership.partner_name, 600)}*"
    blocks: list[Block] = [
        SectionBlock(text=truncate(header + "\n" + "\n".join(lines), SECTION_LIMIT)),
        context(f"In all: {summary}."),
    ]
    return [b.to_dict() for b in blocks]
