"""The Web API methods about workspaces, people, conversations and messages."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from sandbox.records import Channel, Message, User

Answer = dict[str, Any]


class StandInState:
    """What the Web API methods read and write; ``sandbox.slack.FakeSlack`` holds it."""

    bot_team: str
    bot_team_name: str
    bot_user: str
    messages: list[Message]
    ephemerals: list[Message]
    users: dict[str, User]
    channels: dict[str, Channel]
    channel_errors: dict[str, str]
    clock: Callable[[], float]
    _ids: itertools.count[int]
    _lock: threading.RLock
    _last_ts: float

    def _next_ts(self) -> str:
        """Like Slack's: the posting time (the test's frozen clock, if any), unique."""
        with self._lock:
            moment = max(self.clock(), self._last_ts + 0.000001)
            self._last_ts = moment
        return f"{moment:.6f}"

    def _dm_channel(self, user: str) -> str:
        return "D" + user

    def message(self, channel: str, ts: str) -> Message:
        with self._lock:
            for m in self.messages:
                if m.channel == channel and m.ts == ts:
                    return m
        raise KeyError((channel, ts))


class MessagesApi(StandInState):
    def api_auth_test(self, args: Answer) -> Answer:
        # Tokens handed out by oauth.v2.access belong to the workspace that installed.
        other = str(args.get("token", "")).startswith(("xoxb-new", "xoxb-rotated"))
        return {
            "ok": True,
            "team": "New Co" if other else self.bot_team_name,
            "team_id": "T_NEW" if other else self.bot_team,
            "user": "partnerbot",
            "user_id": self.bot_user,
            "bot_id": "BBOT",
        }

    def api_apps_connections_open(self, args: Answer) -> Answer:
        # Socket Mode's first step; no WebSocket server stands behind this URL.
        if not str(args.get("token", "")).startswith("xapp-"):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": "ws://127.0.0.1:9/link"}

    def api_oauth_v2_access(self, args: Answer) -> Answer:
        """An install for team T_NEW, or a refreshed token when rotating."""
        common = {"token_type": "bot", "bot_user_id": "UBOTNEW", "app_id": "A0PARTNER"}
        if args.get("grant_type") == "refresh_token":
            n = next(self._ids)
            return {
                "ok": True,
                **common,
                "access_token": f"xoxb-rotated-{n}",
                "refresh_token": f"xoxe-refresh-{n}",
                "expires_in": 43200,
                "team": {"id": "T_NEW"},
                "scope": "commands,chat:write",
            }
        if args.get("code") != "good-code":
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            **common,
            "access_token": "xoxb-new-workspace",
            "scope": "commands,chat:write",
            "refresh_token": "xoxe-refresh-0",
            "expires_in": 43200,
            "team": {"id": "T_NEW", "name": "New Co"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U_INSTALLER"},
        }

    def api_users_info(self, args: Answer) -> Answer:
        user = self.users.get(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": user.team_id,
                "name": user.name,
                "real_name": user.name,
                "tz": user.tz,
                "is_admin": user.is_admin,
                "profile": {"display_name": user.name, "title": user.title},
            },
        }

    def api_conversations_open(self, args: Answer) -> Answer:
        users = str(args.get("users", "")).split(",")
        for user_id in users:
            user = self.users.get(user_id)
            if user is not None and user.dm_refused:
                return {"ok": False, "error": "invalid_user_combination"}
        return {"ok": True, "channel": {"id": self._dm_channel(users[0])}}

    def api_conversations_info(self, args: Answer) -> Answer:
        channel = args.get("channel", "")
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        known = self.channels.get(channel)
        if known is None:
            return {
                "ok": True,
                "channel": {"id": channel, "is_ext_shared": True, "is_private": False},
            }
        return {
            "ok": True,
            "channel": {
                "id": known.id,
                "name": known.name,
                "is_ext_shared": known.is_ext_shared,
                "is_private": known.is_private,
                "connected_team_ids": known.teams,
            },
        }

    def _refusal(self, channel: str) -> str | None:
        """Why a post to ``channel`` fails: an error set up by a test, or the bot isn't in
        a channel the stand-in knows."""
        if channel in self.channel_errors:
            return self.channel_errors[channel]
        if not channel:
            return "channel_not_found"
        known = self.channels.get(channel)
        if known is not None and self.bot_user not in known.members:
            return "not_in_channel"
        return None

    def _post(self, args: Answer, ephemeral: bool) -> Answer:
        channel = str(args.get("channel", ""))
        refused = self._refusal(channel)
        if refused:
            return {"ok": False, "error": refused}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        blocks = args.get("blocks")
        if isinstance(blocks, list) and len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks", "detail": "more than 50 blocks"}
        if channel.startswith("U"):  # posting to a user id goes to the DM with them
            channel = self._dm_channel(channel)
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text"),
            blocks=blocks,
            thread_ts=args.get("thread_ts"),
            user=args.get("user") if ephemeral else None,
            metadata=args.get("metadata"),
        )
        with self._lock:
            (self.ephemerals if ephemeral else self.messages).append(message)
        if ephemeral:
            return {"ok": True, "message_ts": message.ts}
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "message": {"text": message.text, "ts": message.ts},
        }

    def api_chat_postMessage(self, args: Answer) -> Answer:
        return self._post(args, ephemeral=False)

    def api_chat_postEphemeral(self, args: Answer) -> Answer:
        return self._post(args, ephemeral=True)

    def api_chat_update(self, args: Answer) -> Answer:
        channel = str(args.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        try:
            message = self.message(channel, str(args.get("ts")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        if message.deleted:
            return {"ok": False, "error": "message_not_found"}
        message.text = args.get("text", message.text)
        message.blocks = args.get("blocks", message.blocks)
        if "metadata" in args:
            message.metadata = args["metadata"]
        return {"ok": True, "channel": channel, "ts": message.ts}

    def api_chat_delete(self, args: Answer) -> Answer:
        try:
            message = self.message(str(args.get("channel")), str(args.get("ts")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        message.deleted = True
        return {"ok": True}

    def api_chat_getPermalink(self, args: Answer) -> Answer:
        channel, ts = args.get("channel"), args.get("message_ts")
        return {"ok": True, "permalink": f"https://slack.test/archives/{channel}/p{ts}"}

    def _visible(self, channel: str) -> list[Message]:
        with self._lock:
            return [
                m for m in self.messages if m.channel == channel and not m.deleted and not m.user
            ]

    def api_conversations_replies(self, args: Answer) -> Answer:
        """A thread: its parent and replies, oldest first (as Slack lists them)."""
        channel, thread = str(args.get("channel", "")), str(args.get("ts", ""))
        found = [m for m in self._visible(channel) if thread in (m.ts, m.thread_ts)]
        oldest = float(args.get("oldest") or 0)
        return {
            "ok": True,
            "messages": [
                {"ts": m.ts, "thread_ts": m.thread_ts, "text": m.text, "metadata": m.metadata}
                for m in found
                if m.ts == thread or float(m.ts) >= oldest
            ],
            "has_more": False,
        }

    def api_conversations_history(self, args: Answer) -> Answer:
        """Top-level messages only, newest first: thread replies are in conversations.replies."""
        channel = str(args.get("channel", ""))
        oldest = float(args.get("oldest") or 0)
        found = [
            m
            for m in self._visible(channel)
            if (m.thread_ts is None or m.thread_ts == m.ts) and float(m.ts) >= oldest
        ]
        return {
            "ok": True,
            "messages": [
                {"ts": m.ts, "text": m.text, "metadata": m.metadata} for m in reversed(found)
            ],
            "has_more": False,
        }

    def api_reactions_add(self, args: Answer) -> Answer:
        try:
            message = self.message(str(args.get("channel")), str(args.get("timestamp")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        name = str(args.get("name"))
        if name in message.reactions:
            return {"ok": False, "error": "already_reacted"}
        message.reactions.append(name)
        return {"ok": True}
