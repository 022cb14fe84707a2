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
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    PlainTextObject,
    RichTextBlock,
    RichTextSectionElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)

from handlers.blocks import (
    Fast,
    actions,
    as_json,
    button,
    divider,
    field_input,
    header,
    link_button,
    message,
    note,
    section,
)
from handlers.text import cut, escape, plain
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
        make = draw(st.sampled_from([ActionsBlock, actions]))
        return make(block_id="acts", elements=[button(text, f"a{i}", str(i)) for i in range(count)])
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
    return draw(st.sampled_from([DividerBlock, divider]))()


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
        lambda: actions([button("b", f"a{i}") for i in range(26)]),
        lambda: section(None),
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


# The builders above make their slack_sdk classes without running slack_sdk's constructors
# (handlers.blocks._Light): the JSON is still what those constructors make of the same words.
@settings(max_examples=300, deadline=None)
@given(
    text=words,
    fields=st.lists(words, max_size=10),
    value=short,
    style=st.sampled_from([None, "primary", "danger"]),
    block_id=st.sampled_from([None, "b1"]),
)
def test_the_builders_give_what_slack_sdk_builds_from_the_same_words(
    text: str, fields: list[str], value: str, style: str | None, block_id: str | None
) -> None:
    label = PlainTextObject(text=plain(text, 75))
    label.emoji = None  # the builders leave emoji unset, as they always have
    sdk_button = ButtonElement(text=label, action_id="a", value=value, style=style)
    assert as_json(button(text, "a", value, style)) == sdk_button.to_dict()

    body = escape(text) if text or not fields else None
    mrkdwn_fields = [escape(f) for f in fields]
    sdk_section = SectionBlock(
        text=MarkdownTextObject(text=cut(body, 3000)) if body is not None else None,
        fields=[MarkdownTextObject(text=cut(f, 2000)) for f in mrkdwn_fields] or None,
        accessory=sdk_button,
        block_id=block_id,
    )
    ours = section(
        body,
        fields=mrkdwn_fields or None,
        accessory=button(text, "a", value, style),
        block_id=block_id,
    )
    if body is None and not mrkdwn_fields:
        with pytest.raises(SlackObjectFormationError):
            as_json(ours)
        return
    assert as_json(ours) == sdk_section.to_dict()

    heading = PlainTextObject(text=plain(text or "x", 150))
    heading.emoji = None
    assert as_json(header(text or "x")) == HeaderBlock(text=heading).to_dict()
    assert (
        as_json(note(escape(text)))
        == ContextBlock(elements=[MarkdownTextObject(text=cut(escape(text), 3000))]).to_dict()
    )
    assert (
        as_json(actions([button(text, "a", value)], block_id=block_id))
        == ActionsBlock(
            elements=[ButtonElement(text=label, action_id="a", value=value)], block_id=block_id
        ).to_dict()
    )
    assert as_json(divider()) == DividerBlock().to_dict()


def test_a_link_button_is_slack_sdks_link_button() -> None:
    ours = link_button("Open", "https://example.slack.com/archives/C1/p1")
    assert ours is not None
    label = PlainTextObject(text="Open")
    label.emoji = None
    assert (
        as_json(ours)
        == ButtonElement(
            text=label, action_id="open_link", url="https://example.slack.com/archives/C1/p1"
        ).to_dict()
    )
    assert link_button("Open", "javascript:alert(1)") is None
