"""Reading submitted modal state into plain values."""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import VALUE


def state(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def element(body: dict[str, Any], block_id: str) -> dict[str, Any]:
    return (state(body).get(block_id) or {}).get(VALUE) or {}


def text(body: dict[str, Any], block_id: str) -> str:
    return (element(body, block_id).get("value") or "").strip()


def users(body: dict[str, Any], block_id: str) -> list[str]:
    return list(dict.fromkeys(element(body, block_id).get("selected_users") or []))


def user(body: dict[str, Any], block_id: str) -> str | None:
    return element(body, block_id).get("selected_user")


def conversation(body: dict[str, Any], block_id: str) -> str | None:
    item = element(body, block_id)
    return item.get("selected_conversation") or item.get("selected_channel")


def option(body: dict[str, Any], block_id: str) -> str | None:
    selected = element(body, block_id).get("selected_option") or {}
    return selected.get("value")


def date(body: dict[str, Any], block_id: str) -> str | None:
    return element(body, block_id).get("selected_date")


def metadata(body: dict[str, Any]) -> dict[str, Any]:
    """The view's private_metadata, which we always write as a JSON object."""
    raw = (body.get("view") or {}).get("private_metadata") or "{}"
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    first = actions[0]
    return first.get("value") or (first.get("selected_option") or {}).get("value") or ""
