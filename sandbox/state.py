"""What a person chose in the page, as Slack reports it: element states and block actions."""

from __future__ import annotations

import time
from typing import Any

from sandbox.blocks import Block, block_id, find_element

Raw = str | list[str] | None


def _options(el: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(el.get("options") or [])
    for group in el.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _option(el: dict[str, Any], value: str | None) -> dict[str, Any] | None:
    for option in _options(el):
        if str(option.get("value")) == value:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    return None


def _many(raw: Raw) -> list[str]:
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw if v]


def _one(raw: Raw) -> str | None:
    found = _many(raw)
    return found[0] if found else None


def element_state(el: dict[str, Any], raw: Raw) -> dict[str, Any]:
    """The element's entry in ``view.state.values``, for what the page holds (``raw``)."""
    kind = str(el.get("type"))
    one = _one(raw)
    if kind in ("static_select", "radio_buttons", "external_select", "overflow"):
        return {"type": kind, "selected_option": _option(el, one)}
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        chosen = [_option(el, v) for v in _many(raw)]
        return {"type": kind, "selected_options": [c for c in chosen if c]}
    singles = {
        "users_select": "selected_user",
        "conversations_select": "selected_conversation",
        "channels_select": "selected_channel",
        "datepicker": "selected_date",
        "timepicker": "selected_time",
    }
    if kind in singles:
        return {"type": kind, singles[kind]: one}
    multis = {
        "multi_users_select": "selected_users",
        "multi_conversations_select": "selected_conversations",
        "multi_channels_select": "selected_channels",
    }
    if kind in multis:
        return {"type": kind, multis[kind]: _many(raw)}
    return {"type": kind, "value": one if one not in ("", None) else None}


def initial_raw(el: dict[str, Any]) -> Raw:
    """What an element holds before anyone touches it."""
    for key in ("initial_value", "initial_date", "initial_time", "initial_user"):
        if el.get(key):
            return str(el[key])
    for key in ("initial_conversation", "initial_channel"):
        if el.get(key):
            return str(el[key])
    if el.get("initial_option"):
        return str(el["initial_option"].get("value"))
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if el.get(key):
            return [str(v) for v in el[key]]
    if el.get("initial_options"):
        return [str(o.get("value")) for o in el["initial_options"]]
    return None


def view_state(blocks: list[Block], raw: dict[str, dict[str, Raw]]) -> dict[str, Any]:
    """``view.state`` for a modal: every input's current value (what the page sent, or the
    value it started with)."""
    values: dict[str, dict[str, Any]] = {}
    for index, block in enumerate(blocks):
        if block.get("type") != "input" or not block.get("element"):
            continue
        el = block["element"]
        bid, aid = block_id(block, index), str(el.get("action_id") or "a0")
        sent = raw.get(bid, {})
        value = sent[aid] if aid in sent else initial_raw(el)
        values[bid] = {aid: element_state(el, value)}
    return {"values": values}


def block_action(blocks: list[Block] | None, bid: str, aid: str, raw: Raw) -> dict[str, Any] | None:
    """The ``actions[0]`` of a block_actions payload, built from the element's definition."""
    el = find_element(blocks, bid, aid)
    if el is None:
        return None
    kind = str(el.get("type"))
    action: dict[str, Any] = {"type": kind, "action_id": aid, "block_id": bid}
    if kind == "button":
        action["text"] = el.get("text")
        if "value" in el:
            action["value"] = el["value"]
        if el.get("style"):
            action["style"] = el["style"]
    else:
        action.update({k: v for k, v in element_state(el, raw).items() if k != "type"})
    action["action_ts"] = f"{time.time():.6f}"
    return action
