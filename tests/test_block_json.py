"""handlers.blocks.as_json gives slack_sdk's own JSON and raises where slack_sdk raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import (
    ActionsBlock,
    DatePickerElement,
    DividerBlock,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    RichTextBlock,
    RichTextSectionElement,
    StaticSelectElement,
    UserMultiSelectElement,
)

from handlers.blocks import (
    Fast,
    as_json,
    button,
    field_input,
    header,
    message,
    note,
    section,
)
from handlers.text import escape
from tests.bench.hostile import HOSTILE

words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
short = st.text(min_size=1, max_size=20)


def slack_json(block: JsonObject, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What slack_sdk itself makes of a block, every part included."""
    with monkeypatch.context() as patched:
        patched.setattr(Fast, "to_dict", JsonObject.to_dict)
        return block.to_dict()


@st.composite
def blocks(draw: st.DrawFn) -> JsonObject:
    text = draw(words)
    kind = draw(st.sampled_from(["section", "note", "header", "actions", "input", "divider"]))
    if kind == "section":
        accessory = draw(
            st.sampled_from(
                [
                    None,
                    button(text, "a", draw(short), draw(st.sampled_from([None, "primary"]))),
                    OverflowMenuElement(
                        action_id="menu",
                        options=[
                            Option(value="v1", text=text[:70] or "x"),
                            Option(value="v2", text="y"),
                        ],
                    ),
                ]
            )
        )
        fields = draw(st.lists(words, max_size=12))
        return section(
            escape(text) if draw(st.booleans()) or not fields else None,
            fields=[escape(f) for f in fields] or None,
            accessory=accessory,
            block_id=draw(st.sampled_from([None, "b1"])),
        )
    if kind == "note":
        return note(escape(text))
    if kind == "header":
        return header(text)
    if kind == "actions":
        count = draw(st.integers(min_value=1, max_value=5))
        return ActionsBlock(
            block_id="acts", elements=[button(text, f"a{i}", str(i)) for i in range(count)]
        )
    if kind == "input":
        element = draw(
            st.sampled_from(
                [
                    PlainTextInputElement(multiline=True, max_length=300),
                    DatePickerElement(),
                    UserMultiSelectElement(max_selected_items=10),
                    StaticSelectElement(options=[Option(value="1", text="one")]),
                ]
            )
        )
        return field_input(
            "field", text or "label", element, optional=draw(st.booleans()), hint=draw(words)
        )
    return DividerBlock()


@settings(max_examples=300, deadline=None)
@given(blocks())
def test_blocks_come_out_as_slack_sdk_makes_them(block: JsonObject) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = slack_json(block, monkeypatch)
    assert as_json(block) == expected
    assert block.to_dict() == expected


def test_a_message_holds_the_same_json(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks_ = [header("Hello <!channel>"), section(escape("*hi* & <@U1>")), DividerBlock()]
    expected = [slack_json(b, monkeypatch) for b in blocks_]
    assert message(escape("hi"), blocks_)["blocks"] == expected


def test_empty_rich_text_elements_are_kept_as_slack_sdk_keeps_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    block = RichTextBlock(elements=[RichTextSectionElement(elements=[])])
    assert as_json(block) == slack_json(block, monkeypatch)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ActionsBlock(elements=[button("b", f"a{i}") for i in range(26)]),
        lambda: section(escape("x"), block_id="b" * 256),
        lambda: button("b", "a" * 256),
        lambda: button("b", "a", style="loud"),
    ],
)
def test_what_slack_sdk_refuses_is_refused(make: Any) -> None:
    block = make()
    with pytest.raises(SlackObjectFormationError):
        JsonObject.to_dict(block)
    with pytest.raises(SlackObjectFormationError):
        as_json(block)
