"""Small Block Kit pieces every feature's views use."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    BlockElement,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import InputInteractiveElement

from bot.domain.text import moment
from handlers.ids import VALUE, Action
from handlers.text import Mrkdwn, cut, plain, require

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
TEXT_LIMIT = 3000  # a message's top-level text: keep it short, it is the notification
_LINK = re.compile(r"^https?://[^\s<>|]+$")


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=plain(text, 75), action_id=action_id, value=value or None, style=style
    )


def link_button(text: str, url: str | None) -> ButtonElement | None:
    """A button that opens a link (a message's permalink): None for a URL we can't vouch for.
    Slack still sends the click, which ``Action.OPEN_LINK``'s listener only acks."""
    if not url or not _LINK.match(url):
        return None
    return ButtonElement(text=plain(text, 75), action_id=Action.OPEN_LINK, url=url[:3000])


# The only builders of mrkdwn in Block Kit: each takes Mrkdwn (see handlers.text) and refuses
# a plain str, so people's text can't reach a mrkdwn field unescaped.
def mrkdwn(text: Mrkdwn, limit: int = SECTION_LIMIT) -> MarkdownTextObject:
    return MarkdownTextObject(text=cut(require(text), limit))


def section(
    text: Mrkdwn | None = None,
    *,
    fields: list[Mrkdwn] | None = None,
    accessory: BlockElement | None = None,
    block_id: str | None = None,
) -> SectionBlock:
    """A section of mrkdwn text and/or up to 10 mrkdwn fields."""
    return SectionBlock(
        text=mrkdwn(text) if text is not None else None,
        fields=[mrkdwn(f, FIELD_LIMIT) for f in fields[:10]] if fields else None,
        accessory=accessory,
        block_id=block_id,
    )


def note(text: Mrkdwn, *, block_id: str | None = None) -> ContextBlock:
    """A context line of mrkdwn."""
    return ContextBlock(elements=[mrkdwn(text)], block_id=block_id)


def header(text: str) -> HeaderBlock:
    """A header (plain text, which Slack doesn't parse), cut to Slack's 150 units."""
    return HeaderBlock(text=plain(text, 150))


def message(text: Mrkdwn, blocks: list[Block] | None = None, **extra: Any) -> dict[str, Any]:
    """A message's arguments: its notification ``text`` (mrkdwn too) and its blocks."""
    out: dict[str, Any] = {"text": cut(require(text), TEXT_LIMIT)}
    if blocks is not None:
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
        out["blocks"] = [b.to_dict() for b in blocks]
    out.update(extra)
    return out


def field_input(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    """An input block whose block_id is the form field's name and action_id is VALUE."""
    element.action_id = VALUE
    return InputBlock(
        block_id=block_id,
        label=plain(label, 2000),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=plain(hint, 2000)) if hint else None,
    )


def local_time(when: datetime, tz: str) -> str:
    """A moment as the reader sees it, e.g. 'Tue 1 Dec 2026, 10:00 New York time'."""
    return moment(when, tz)
