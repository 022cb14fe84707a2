"""What the Slack stand-in keeps: calls, messages, people and channels."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One Web API call (or response_url post) as it arrived."""

    method: str
    args: dict[str, Any]
    at: float


@dataclass
class Message:
    channel: str
    ts: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None = None
    user: str | None = None  # for ephemeral messages: who sees it
    metadata: dict[str, Any] | None = None
    reactions: list[str] = field(default_factory=list)
    deleted: bool = False
    author: str | None = None  # a person's own message; None: the bot posted it
    files: list[str] = field(default_factory=list)  # ids of files shared with it


@dataclass
class User:
    id: str
    team_id: str
    name: str
    tz: str = "America/New_York"
    dm_refused: bool = False  # conversations.open answers invalid_user_combination
    is_admin: bool = False  # a workspace admin (users.info is_admin)
    title: str = ""


@dataclass
class Channel:
    """A conversation the stand-in knows about (unknown ids still work, as shared ones)."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)  # the organizations it is shared between
    is_private: bool = False

    @property
    def is_ext_shared(self) -> bool:
        return len(self.teams) > 1


def coerce(value: Any) -> Any:
    """Form-encoded values arrive as strings; JSON-looking ones (blocks, view) are decoded."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
