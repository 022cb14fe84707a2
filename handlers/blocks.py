"""Small Block Kit pieces every feature's views use."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
)
from slack_sdk.models.blocks.block_elements import InputInteractiveElement

from handlers.ids import VALUE

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=truncate(text, 75), action_id=action_id, value=value or None, style=style
    )


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))])


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
        label=truncate(label, 2000),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=truncate(hint, 2000)) if hint else None,
    )


def mentions(user_ids: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids) if user_ids else "—"


def local_time(moment: datetime, tz: str) -> str:
    """A moment as the reader sees it, e.g. 'Tue 1 Dec 2026, 10:00 EST'."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
