"""Builders for what Slack sends: signed slash commands, clicks, submissions and events."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

_ids = count(1)


def signed_headers(
    secret: str,
    body: str,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = str(SignatureVerifier(secret).generate_signature(timestamp=ts, body=body))
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def command_body(
    command: str,
    text: str,
    *,
    user: str,
    team: str,
    channel: str,
    response_url: str,
    trigger_id: str | None = None,
    channel_name: str = "shared",
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "vendor",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0PARTNER",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trigger-{next(_ids)}",
        }
    )


def action_body(
    action_id: str,
    value: str,
    *,
    user: str,
    user_team: str,
    app_team: str,
    channel: str | None,
    message: dict[str, Any] | None,
    response_url: str | None,
    view: dict[str, Any] | None = None,
    block_id: str = "b",
    selected_option: str | None = None,
) -> str:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "button",
        "value": value,
        "action_ts": str(time.time()),
    }
    if selected_option is not None:
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "overflow",
            "selected_option": {"value": selected_option},
            "action_ts": str(time.time()),
        }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": app_team},
        "user": {"id": user, "team_id": user_team, "username": user.lower()},
        "api_app_id": "A0PARTNER",
        "trigger_id": f"trigger-{next(_ids)}",
        "actions": [action],
        "token": "legacy",
    }
    if channel:
        payload["channel"] = {"id": channel}
        payload["container"] = {
            "type": "message",
            "channel_id": channel,
            "message_ts": (message or {}).get("ts"),
        }
    if message is not None:
        payload["message"] = message
    if response_url:
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    user: str,
    user_team: str,
    app_team: str,
) -> str:
    """A modal submission; ``values`` maps block_id to the element's state."""
    state = {"values": {block: {"value": state} for block, state in values.items()}}
    return view_payload_body(
        "view_submission", view, state, user=user, user_team=user_team, app_team=app_team
    )


def view_payload_body(
    kind: str,
    view: dict[str, Any],
    state: dict[str, Any],
    *,
    user: str,
    user_team: str,
    app_team: str,
    trigger_id: str | None = None,
    **extra: Any,
) -> str:
    """A ``view_submission`` or ``view_closed`` of ``view`` holding ``state``."""
    submitted = dict(view)
    submitted["state"] = state
    submitted.setdefault("id", f"V{next(_ids):08d}")
    submitted["team_id"] = user_team  # Slack puts the submitter's workspace here
    submitted["app_installed_team_id"] = app_team
    payload = {
        "type": kind,
        "team": {"id": user_team},
        "user": {"id": user, "team_id": user_team, "username": user.lower()},
        "api_app_id": "A0PARTNER",
        "trigger_id": trigger_id or f"trigger-{next(_ids)}",
        "view": submitted,
        "token": "legacy",
        **extra,
    }
    return urlencode({"payload": json.dumps(payload)})


def block_actions_body(
    action: dict[str, Any],
    *,
    user: str,
    user_team: str,
    app_team: str,
    trigger_id: str,
    container: dict[str, Any],
    channel: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    view: dict[str, Any] | None = None,
) -> str:
    """A click or a choice, in a message (``channel``, ``message``, ``response_url``) or in
    a view (``view``, with its state), as Slack sends it."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": app_team if view is None else user_team},
        "user": {"id": user, "team_id": user_team, "username": user.lower()},
        "api_app_id": "A0PARTNER",
        "token": "legacy",
        "container": container,
        "trigger_id": trigger_id,
        "actions": [action],
    }
    if channel is not None:
        payload["channel"] = channel
    if message is not None:
        payload["message"] = message
    if response_url is not None:
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
    else:
        payload["state"] = {"values": {}}
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], *, team: str, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0PARTNER",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
    )


# Element states, as Slack reports them in view.state.values[block]["value"].
def text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def users(*ids: str) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(ids)}


def user(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def conversation(channel: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel}


def option(value: str | None) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}
        if value is not None
        else None,
    }


def date(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def number(value: str) -> dict[str, Any]:
    return {"type": "number_input", "value": value}
