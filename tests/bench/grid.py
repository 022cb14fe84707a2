"""What Slack sends on Enterprise Grid: an organization-wide installation's payloads.

Shapes from Slack's Grid payloads (see SLACK_NOTES.md, "Learned from real payloads"): on an
org-wide install ``is_enterprise_install`` is true, interactive payloads carry ``enterprise``
and may have ``team: null``, and ``user.team_id`` can be the organization's ``E…`` id rather
than the person's workspace. Events name the installation in ``authorizations``. These
builders make such bodies for ``SlackBench.send`` (which signs them).
"""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any
from urllib.parse import urlencode

_ids = count(1)


def enterprise(enterprise_id: str) -> dict[str, str]:
    return {"id": enterprise_id, "name": f"{enterprise_id} Org"}


def command_body(
    command: str,
    text: str,
    *,
    user: str,
    team: str,
    enterprise_id: str,
    channel: str,
    response_url: str,
) -> str:
    """A slash command on Grid: the workspace it was run in, and the organization."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "vendor",
            "enterprise_id": enterprise_id,
            "enterprise_name": f"{enterprise_id} Org",
            "is_enterprise_install": "true",
            "channel_id": channel,
            "channel_name": "shared",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0PARTNER",
            "response_url": response_url,
            "trigger_id": f"trigger-grid-{next(_ids)}",
        }
    )


def action_body(
    action_id: str,
    value: str,
    *,
    user: str,
    user_team: str,
    enterprise_id: str,
    channel: str,
    response_url: str,
    team: dict[str, Any] | None = None,
) -> str:
    """A button click on an org-wide install's message: ``team`` null by default, and
    ``user.team_id`` whatever Slack says (an ``E…`` id for people of a Grid organization)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": team,
        "enterprise": enterprise(enterprise_id),
        "is_enterprise_install": True,
        "user": {"id": user, "team_id": user_team, "username": user.lower()},
        "api_app_id": "A0PARTNER",
        "trigger_id": f"trigger-grid-{next(_ids)}",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": "1.000001"},
        "message": {"ts": "1.000001", "text": ""},
        "response_url": response_url,
        "token": "legacy",
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    user: str,
    user_team: str,
    enterprise_id: str,
) -> str:
    """A modal submitted on an org-wide install: ``team`` null, the organization's id where
    a workspace id would be."""
    submitted = dict(view)
    submitted["state"] = {"values": {block: {"value": state} for block, state in values.items()}}
    submitted.setdefault("id", f"VGRID{next(_ids):06d}")
    submitted["team_id"] = enterprise_id
    submitted["app_installed_team_id"] = enterprise_id
    payload = {
        "type": "view_submission",
        "team": None,
        "enterprise": enterprise(enterprise_id),
        "is_enterprise_install": True,
        "user": {"id": user, "team_id": user_team, "username": user.lower()},
        "api_app_id": "A0PARTNER",
        "trigger_id": f"trigger-grid-{next(_ids)}",
        "view": submitted,
        "token": "legacy",
    }
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], *, enterprise_id: str, context_team: str) -> str:
    """An event for an org-wide installation, in a channel shared with other organizations."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": enterprise_id,
            "enterprise_id": enterprise_id,
            "context_team_id": context_team,
            "context_enterprise_id": enterprise_id,
            "api_app_id": "A0PARTNER",
            "type": "event_callback",
            "event_id": f"EvGrid{next(_ids):08d}",
            "event_time": int(time.time()),
            "event": event,
            "is_ext_shared_channel": True,
            "authorizations": [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": None,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": True,
                }
            ],
        }
    )
