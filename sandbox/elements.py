"""Block Kit elements as HTML: buttons, menus, selects, pickers and text inputs.

Every element carries its block and action ids in ``data-el`` (interactive: the page sends
a block action at once) or ``data-input`` (a modal's input: its value goes with the
submission); the sandbox then builds the payload from the element's own definition.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from sandbox.mrkdwn import Names, mrkdwn, plain

Element = dict[str, Any]


@dataclass
class Surface:
    """Where blocks are shown and what their menus offer."""

    kind: str = "message"  # message, modal or home
    names: Names = field(default_factory=Names)
    people: list[tuple[str, str]] = field(default_factory=list)  # (id, name) in user menus
    conversations: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    errors: dict[str, str] = field(default_factory=dict)  # block_id -> error under it


def text_html(obj: dict[str, Any] | None, surface: Surface) -> str:
    """A text object (plain_text or mrkdwn) as HTML."""
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")), surface.names)
    return plain(str(obj.get("text", "")), obj.get("emoji", True))


def text_only(obj: dict[str, Any] | None) -> str:
    """A text object's words, for places HTML can't go (an <option>)."""
    return html.escape(str((obj or {}).get("text", "")))


def ids(el: Element, block_id: str, index: int) -> dict[str, str]:
    """The ids Slack reports for an element (it makes one up when the app gave none)."""
    return {
        "block_id": block_id,
        "action_id": str(el.get("action_id") or f"a{index}"),
        "type": str(el.get("type")),
    }


def _attr(name: str, value: dict[str, Any]) -> str:
    return f"{name}='{html.escape(json.dumps(value), quote=True)}'"


def _confirm(el: Element, surface: Surface) -> str:
    confirm = el.get("confirm")
    if not confirm:
        return ""
    danger = " danger" if confirm.get("style") == "danger" else ""
    return (
        '<template class="confirm">'
        f'<div class="confirm-title">{text_html(confirm.get("title"), surface)}</div>'
        f'<div class="confirm-text">{text_html(confirm.get("text"), surface)}</div>'
        f'<button class="btn" data-deny>{text_html(confirm.get("deny"), surface) or "Cancel"}'
        f'</button><button class="btn primary{danger}" data-confirm>'
        f"{text_html(confirm.get('confirm'), surface) or 'Yes'}</button></template>"
    )


def button(el: Element, where: dict[str, str], surface: Surface) -> str:
    style = {"primary": " primary", "danger": " danger"}.get(str(el.get("style")), "")
    url = el.get("url")
    link = f' data-url="{html.escape(str(url))}"' if url else ""
    return (
        f'<span class="el-wrap"><button class="btn{style}" {_attr("data-el", where)}{link}>'
        f"{text_html(el.get('text'), surface)}</button>{_confirm(el, surface)}</span>"
    )


def overflow(el: Element, where: dict[str, str], surface: Surface) -> str:
    items = "".join(
        f'<button class="menu-item" data-value="{html.escape(str(o.get("value", "")))}">'
        f"{text_html(o.get('text'), surface)}</button>"
        for o in el.get("options") or []
    )
    return (
        f'<span class="overflow el-wrap" {_attr("data-el", where)}>'
        '<button class="btn overflow-btn" aria-label="More actions">⋯</button>'
        f'<span class="menu" hidden>{items}</span>{_confirm(el, surface)}</span>'
    )


def _options(el: Element) -> list[tuple[str, str, str | None]]:
    """(value, label, group) of a static menu's options, groups flattened."""
    found: list[tuple[str, str, str | None]] = [
        (str(o.get("value")), text_only(o.get("text")), None) for o in el.get("options") or []
    ]
    for group in el.get("option_groups") or []:
        label = text_only(group.get("label"))
        found += [(str(o.get("value")), text_only(o.get("text")), label) for o in group["options"]]
    return found


def _chosen(el: Element) -> set[str]:
    """The values an element starts with."""
    singles = ("initial_option", "initial_user", "initial_conversation", "initial_channel")
    multis = ("initial_options", "initial_users", "initial_conversations", "initial_channels")
    found: set[str] = set()
    for key in singles:
        value = el.get(key)
        if value:
            found.add(str(value.get("value")) if isinstance(value, dict) else str(value))
    for key in multis:
        for value in el.get(key) or []:
            found.add(str(value.get("value")) if isinstance(value, dict) else str(value))
    return found


def select(el: Element, attrs: str, surface: Surface) -> str:
    """A menu: one choice in a <select>; several as chips with an "Add" menu, as Slack shows
    multi-selects."""
    kind = str(el.get("type"))
    options: list[tuple[str, str, str | None]]
    if "users" in kind:
        options = [(uid, html.escape(name), None) for uid, name in surface.people]
    elif "conversations" in kind or "channels" in kind:
        options = [(cid, html.escape(name), None) for cid, name in surface.conversations]
    else:
        options = _options(el)
    chosen = _chosen(el)
    placeholder = text_only(el.get("placeholder")) or "Select"
    if kind.startswith("multi_"):
        remove = '<button type="button" class="chip-x" aria-label="Remove {}">&times;</button>'
        chips = "".join(
            f'<span class="chip" data-value="{html.escape(value)}">{label}'
            f"{remove.format(label)}</span>"
            for value, label, _ in options
            if value in chosen
        )
        rest = [o for o in options if o[0] not in chosen]
        menu = _menu(rest, set(), "Add…", 'class="select multi-add" aria-label="Add"')
        return f'<div class="multi" {attrs}><span class="chips">{chips}</span>{menu}</div>'
    return _menu(options, chosen, placeholder, f'class="select" {attrs}')


def _menu(
    options: list[tuple[str, str, str | None]], chosen: set[str], placeholder: str, attrs: str
) -> str:
    rows = [f'<option value="">{placeholder}</option>']
    group = None
    for value, label, in_group in options:
        if in_group != group:
            rows.append(("</optgroup>" if group else "") + f'<optgroup label="{in_group}">')
            group = in_group
        on = " selected" if value in chosen else ""
        rows.append(f'<option value="{html.escape(value)}"{on}>{label}</option>')
    if group:
        rows.append("</optgroup>")
    return f"<select {attrs}>{''.join(rows)}</select>"


def _choices(el: Element, attrs: str, surface: Surface, kind: str) -> str:
    chosen = _chosen(el)
    rows = []
    for option in el.get("options") or []:
        value = html.escape(str(option.get("value")))
        on = " checked" if str(option.get("value")) in chosen else ""
        rows.append(
            f'<label class="choice"><input type="{kind}" value="{value}"{on}>'
            f"<span>{text_html(option.get('text'), surface)}"
            f"<small>{text_html(option.get('description'), surface)}</small></span></label>"
        )
    return f'<div class="choices" {attrs}>{"".join(rows)}</div>'


def text_input(el: Element, attrs: str) -> str:
    kind = str(el.get("type"))
    value = html.escape(str(el.get("initial_value") or ""))
    hint = html.escape(str((el.get("placeholder") or {}).get("text", "")))
    limit = f' maxlength="{el["max_length"]}"' if el.get("max_length") else ""
    if el.get("multiline"):
        return f'<textarea class="field" {attrs} placeholder="{hint}"{limit}>{value}</textarea>'
    html_type = {"number_input": "number", "email_text_input": "email", "url_text_input": "url"}
    step = "" if el.get("is_decimal_allowed") or kind != "number_input" else ' step="1"'
    return (
        f'<input class="field" type="{html_type.get(kind, "text")}" {attrs}{step} '
        f'placeholder="{hint}" value="{value}"{limit}>'
    )


def element(
    el: Element, block_id: str, index: int, surface: Surface, input_: bool, dispatch: bool = False
) -> str:
    """One element: interactive (``input_`` False, or an input with dispatch_action) or the
    value-holding field of a modal's input block."""
    where = ids(el, block_id, index)
    kind = where["type"]
    if kind == "button":
        return button(el, where, surface)
    if kind == "overflow":
        return overflow(el, where, surface)
    if kind == "image":
        alt = html.escape(str(el.get("alt_text", "")))
        return f'<img class="el-image" src="{html.escape(str(el.get("image_url")))}" alt="{alt}">'
    attrs = _attr("data-input" if input_ else "data-el", where)
    if input_ and dispatch:
        attrs += " " + _attr("data-el", where)
    if kind.endswith("_select"):
        return select(el, attrs, surface)
    if kind == "datepicker":
        value = html.escape(str(el.get("initial_date") or ""))
        return f'<input class="field picker" type="date" {attrs} value="{value}">'
    if kind == "timepicker":
        value = html.escape(str(el.get("initial_time") or ""))
        return f'<input class="field picker" type="time" {attrs} value="{value}">'
    if kind == "radio_buttons":
        return _choices(el, attrs, surface, "radio")
    if kind == "checkboxes":
        return _choices(el, attrs, surface, "checkbox")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return text_input(el, attrs)
    return f'<span class="unsupported">[{html.escape(kind)}]</span>'
