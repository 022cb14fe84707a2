"""Small Block Kit pieces every feature's views use."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    BlockElement,
    ButtonElement,
    ContextBlock,
    DividerBlock,
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


# -- turning blocks into Slack's JSON, checked as slack_sdk checks it, for less ------------------
#
# slack_sdk's ``to_dict`` looks up an object's validators among every name of its class (with
# ``dir``) each time, and walks its attributes through several layers of helpers: most of the
# cost of a partnership summary card. ``as_json`` does the same work with the validators listed
# once per class: the same checks, in the same order, and the same JSON.

_EMPTY_ALLOWED = {(e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST}
_JSON_OBJECT_METHODS = (
    "to_dict",
    "validate_json",
    "get_non_null_attributes",
    "get_object_attribute",
)


@cache
def _validators(cls: type) -> tuple[str, ...] | None:
    """A class's validator methods in slack_sdk's order, or None if the class serializes
    itself some other way (it is then asked to, as usual)."""
    if any(
        getattr(cls, name, None) not in (getattr(JsonObject, name), getattr(Fast, name, None))
        for name in _JSON_OBJECT_METHODS
    ):
        return None
    return tuple(
        sorted(
            name
            for name in dir(cls)
            if not name.startswith("__")
            and callable(getattr(cls, name, None))
            and hasattr(getattr(cls, name), "validator")
        )
    )


def as_json(obj: JsonObject) -> dict[str, Any]:
    """``obj.to_dict()``: validated (SlackObjectFormationError when a limit is broken), with the
    attributes that have a value."""
    names = _validators(type(obj))
    if names is None:
        return {k: _compatible(v) for k, v in obj.to_dict().items()}
    for name in names:
        getattr(obj, name)()
    if isinstance(obj, _Light):
        return _present(getattr(obj, "type", None), obj.json_fields())
    kind = getattr(obj, "type", None)
    return _present(kind, ((key, getattr(obj, key, None)) for key in sorted(obj.attributes)))


def _present(kind: str | None, fields: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The fields that have a value, as JSON: slack_sdk leaves out None and empty ones."""
    out: dict[str, Any] = {}
    for key, value in fields:
        if value is None:
            continue
        if (kind, key) not in _EMPTY_ALLOWED and hasattr(value, "__len__") and not len(value):
            continue
        out[key] = _compatible(value)
    return out


def _compatible(value: Any) -> Any:
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, list | tuple):
        return [_compatible(v) for v in value]
    if isinstance(value, JsonObject):
        return as_json(value)
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None and callable(to_dict):
        return {k: _compatible(v) for k, v in to_dict().items()}
    return value


class Fast(JsonObject):
    """Mixed into the classes built here, so a block holding them serializes them fast."""

    def to_dict(self, *args: Any) -> dict[str, Any]:
        return as_json(self)


class _Light(Fast):
    """A slack_sdk class built from what the builders below give it, without slack_sdk's
    constructor (which parses and re-checks every argument: most of the cost of a card). Its
    JSON and its checks are still slack_sdk's: ``as_json`` runs the class's validators and
    sends its type and every attribute slack_sdk knows for it that was given a value, here
    or later (a button's ``confirm``, say). Those never given are None, on the class."""

    def json_fields(self) -> Iterable[tuple[str, Any]]:
        known = _attribute_names(self)
        given = [(key, value) for key, value in vars(self).items() if key in known]
        return [("type", getattr(self, "type", None)), *given]


_ATTRIBUTE_NAMES: dict[type, frozenset[str]] = {}


def _attribute_names(obj: JsonObject) -> frozenset[str]:
    """The JSON fields slack_sdk knows for ``obj``'s class (asked once per class)."""
    names = _ATTRIBUTE_NAMES.get(type(obj))
    if names is None:
        names = _ATTRIBUTE_NAMES[type(obj)] = frozenset(obj.attributes)
    return names


class _Plain(_Light, PlainTextObject):
    emoji = None

    def __init__(self, *, text: str) -> None:
        self.text = text


class _Mrkdwn(_Light, MarkdownTextObject):
    emoji = verbatim = None

    def __init__(self, *, text: str) -> None:
        self.text = text


class _Button(_Light, ButtonElement):
    confirm = accessibility_label = agent_prompt = agent_prompt_display = None
    alt_text = visible_to_user_ids = None

    def __init__(
        self,
        *,
        text: _Plain,
        action_id: str,
        value: str | None = None,
        style: str | None = None,
        url: str | None = None,
    ) -> None:
        self.text = text
        self.action_id = action_id
        self.value = value
        self.style = style
        self.url = url


class _Section(_Light, SectionBlock):
    expand = None

    def __init__(
        self,
        *,
        text: MarkdownTextObject | None = None,
        fields: list[MarkdownTextObject] | None = None,
        accessory: BlockElement | None = None,
        block_id: str | None = None,
    ) -> None:
        self.text = text
        self.fields = fields or []
        self.accessory = accessory
        self.block_id = block_id


class _Context(_Light, ContextBlock):
    def __init__(self, *, elements: list[MarkdownTextObject], block_id: str | None) -> None:
        self.elements = elements  # type: ignore[assignment]
        self.block_id = block_id


class _Header(_Light, HeaderBlock):
    def __init__(self, *, text: _Plain, block_id: str | None = None) -> None:
        self.text = text
        self.block_id = block_id


class _Actions(_Light, ActionsBlock):
    def __init__(self, *, elements: list[Any], block_id: str | None = None) -> None:
        self.elements = elements
        self.block_id = block_id


class _Divider(_Light, DividerBlock):
    def __init__(self, *, block_id: str | None = None) -> None:
        self.block_id = block_id


class _Input(Fast, InputBlock):
    pass


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    return _Button(
        text=_Plain(text=plain(text, 75)), action_id=action_id, value=value or None, style=style
    )


def actions(
    elements: Sequence[BlockElement | None], *, block_id: str | None = None
) -> ActionsBlock:
    """A row of buttons (or other elements): at most 25."""
    given = [e for e in elements if e is not None]
    return _Actions(elements=BlockElement.parse_all(given), block_id=block_id)


def divider() -> DividerBlock:
    return _Divider()


def link_button(text: str, url: str | None) -> ButtonElement | None:
    """A button that opens a link (a message's permalink): None for a URL we can't vouch for.
    Slack still sends the click, which ``Action.OPEN_LINK``'s listener only acks."""
    if not url or not _LINK.match(url):
        return None
    return _Button(text=_Plain(text=plain(text, 75)), action_id=Action.OPEN_LINK, url=url[:3000])


# The only builders of mrkdwn in Block Kit: each takes Mrkdwn (see handlers.text) and refuses
# a plain str, so people's text can't reach a mrkdwn field unescaped.
def mrkdwn(text: Mrkdwn, limit: int = SECTION_LIMIT) -> MarkdownTextObject:
    return _Mrkdwn(text=cut(require(text), limit))


def section(
    text: Mrkdwn | None = None,
    *,
    fields: list[Mrkdwn] | None = None,
    accessory: BlockElement | None = None,
    block_id: str | None = None,
) -> SectionBlock:
    """A section of mrkdwn text and/or up to 10 mrkdwn fields."""
    return _Section(
        text=mrkdwn(text) if text is not None else None,
        fields=[mrkdwn(f, FIELD_LIMIT) for f in fields[:10]] if fields else None,
        accessory=accessory,
        block_id=block_id,
    )


def note(text: Mrkdwn, *, block_id: str | None = None) -> ContextBlock:
    """A context line of mrkdwn."""
    return _Context(elements=[mrkdwn(text)], block_id=block_id)


def header(text: str) -> HeaderBlock:
    """A header (plain text, which Slack doesn't parse), cut to Slack's 150 units."""
    return _Header(text=_Plain(text=plain(text, 150)))


def message(text: Mrkdwn, blocks: list[Block] | None = None, **extra: Any) -> dict[str, Any]:
    """A message's arguments: its notification ``text`` (mrkdwn too) and its blocks."""
    out: dict[str, Any] = {"text": cut(require(text), TEXT_LIMIT)}
    if blocks is not None:
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks")
        out["blocks"] = [as_json(b) for b in blocks]
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
    return _Input(
        block_id=block_id,
        label=_Plain(text=plain(label, 2000)),
        element=element,
        optional=optional,
        hint=_Plain(text=plain(hint, 2000)) if hint else None,
    )


def local_time(when: datetime, tz: str) -> str:
    """A moment as the reader sees it, e.g. 'Tue 1 Dec 2026, 10:00 New York time'."""
    return moment(when, tz)
