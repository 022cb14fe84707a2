"""Block Kit and mrkdwn as the sandbox's page shows them."""

from __future__ import annotations

from sandbox.blocks import render
from sandbox.elements import Surface
from sandbox.mrkdwn import Names, mrkdwn
from sandbox.state import block_action, view_state

NAMES = Names(user={"U_TM": "Terry Tran"}.get, channel={"C0ACME": "acme-partners"}.get)


def test_mrkdwn_formats_and_names_people_and_channels() -> None:
    shown = mrkdwn("*Won* _big_ ~old~ `code` <@U_TM> in <#C0ACME> :tada:", NAMES)
    assert "<b>Won</b>" in shown and "<i>big</i>" in shown and "<s>old</s>" in shown
    assert "<code>code</code>" in shown
    assert "@Terry Tran" in shown and "#acme-partners" in shown and "🎉" in shown


def test_escaped_text_is_shown_as_text_not_as_markup() -> None:
    shown = mrkdwn("&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp;lt; <script>")
    assert "&lt;!channel&gt;" in shown  # the words, not a broadcast
    assert "<a " not in shown and "<script>" not in shown
    assert "&amp;lt;" in shown


def test_links_and_broadcasts_the_app_meant() -> None:
    shown = mrkdwn("<https://example.com/a?b=1&amp;c=2|the report> <!here>")
    assert 'href="https://example.com/a?b=1&amp;c=2"' in shown and ">the report</a>" in shown
    assert 'class="mention broadcast">@here' in shown
    assert "<a " not in mrkdwn("<javascript:alert(1)|x>")
    rich = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "link", "url": "javascript:alert(1)", "text": "x"}],
            }
        ],
    }
    assert "<a " not in render([rich], Surface())


def test_every_block_partnerbot_sends_is_rendered() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "KPIs <b>"}},
        {
            "type": "section",
            "block_id": "s",
            "text": {"type": "mrkdwn", "text": "*A win*"},
            "fields": [{"type": "mrkdwn", "text": "*Amount*\nUSD 1"}],
            "accessory": {
                "type": "overflow",
                "action_id": "menu",
                "options": [{"text": {"type": "plain_text", "text": "Edit"}, "value": "edit"}],
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "logged by <@U_TM>"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "a",
            "elements": [
                {
                    "type": "button",
                    "action_id": "go",
                    "style": "primary",
                    "value": "1",
                    "text": {"type": "plain_text", "text": "Approve"},
                },
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [{"text": {"type": "plain_text", "text": "1 day"}, "value": "1"}],
                },
                {"type": "datepicker", "action_id": "day", "initial_date": "2026-01-02"},
                {"type": "users_select", "action_id": "who"},
                {"type": "conversations_select", "action_id": "where"},
            ],
        },
        {"type": "image", "image_url": "https://example.com/c.png", "alt_text": "chart"},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "bold", "style": {"bold": True}},
                        {"type": "user", "user_id": "U_TM"},
                    ],
                }
            ],
        },
    ]
    people = [("U_TM", "Terry Tran")]
    html = render(blocks, Surface("message", NAMES, people, [("C0ACME", "#acme-partners")]))
    assert "KPIs &lt;b&gt;" in html and 'class="s-fields"' in html and "overflow" in html
    assert "b-divider" in html and "btn primary" in html and 'type="date"' in html
    assert 'value="2026-01-02"' in html and "Terry Tran" in html and "#acme-partners" in html
    assert "<img" in html and "<b>bold</b>" in html and "@Terry Tran" in html
    assert "unsupported" not in html

    clicked = block_action(blocks, "a", "pick", "1")
    assert clicked is not None and clicked["selected_option"]["value"] == "1"
    menu = block_action(blocks, "s", "menu", "edit")
    assert menu is not None and menu["selected_option"]["text"]["text"] == "Edit"


def test_a_modals_inputs_become_slacks_state_and_errors_show_under_their_field() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value", "initial_value": "Acme"},
        },
        {
            "type": "input",
            "block_id": "owners",
            "label": {"type": "plain_text", "text": "Owners"},
            "element": {"type": "multi_users_select", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "kind",
            "label": {"type": "plain_text", "text": "Kind"},
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [{"text": {"type": "plain_text", "text": "Deal"}, "value": "deal"}],
            },
        },
        {
            "type": "input",
            "block_id": "at",
            "label": {"type": "plain_text", "text": "At"},
            "element": {"type": "timepicker", "action_id": "value"},
        },
    ]
    state = view_state(
        blocks, {"owners": {"value": ["U_TM"]}, "kind": {"value": "deal"}, "at": {"value": "10:00"}}
    )["values"]
    assert state["name"]["value"] == {"type": "plain_text_input", "value": "Acme"}
    assert state["owners"]["value"]["selected_users"] == ["U_TM"]
    assert state["kind"]["value"]["selected_option"]["value"] == "deal"
    assert state["at"]["value"]["selected_time"] == "10:00"

    html = render(blocks, Surface("modal", errors={"name": "Too long <really>"}))
    assert 'role="alert">Too long &lt;really&gt;</div>' in html
