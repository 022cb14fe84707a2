"""What Slack does between people and the app: it turns what people do on the page into
signed requests to the app's ``/slack/events``, and shows the app's answers where Slack
shows them (ephemeral replies, modal errors, updated or stacked views)."""

from __future__ import annotations

import itertools
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from sandbox import requests as rq
from sandbox.records import Message
from sandbox.responses import ResponseTarget
from sandbox.slack import FakeSlack
from sandbox.state import Raw, block_action, view_state
from sandbox.world import PARTNER, SLACKBOT, World

ACK_SECONDS = 3.0  # Slack gives up on an app that hasn't answered in 3 s
TROUBLE = "We had some trouble connecting. Try again?"
NOT_A_COMMAND = (
    '{} is not a valid command. In Slack, all messages that start with the "/" character '
    "are interpreted as commands.\n\nIf you are trying to send a message that starts with a "
    '"/" character, try adding a space before it.'
)


class Refused(Exception):
    """What a person tried can't be done there (the page says why)."""


@dataclass
class Answer:
    status: int  # 0: no answer (timed out or unreachable)
    body: str
    reason: str = ""


@dataclass
class Platform:
    slack: FakeSlack
    world: World
    app_url: str  # the app's /slack/events
    secret: str
    field_errors: dict[str, dict[str, str]] = field(default_factory=dict)  # view -> errors
    view_notices: dict[str, str] = field(default_factory=dict)  # view -> a line at its top
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- the wire ----------------------------------------------------------------------------
    def send(self, body: str, content_type: str = "application/x-www-form-urlencoded") -> Answer:
        """POST a signed request to the app, timestamped by the sandbox's clock."""
        headers = rq.signed_headers(
            self.secret, body, timestamp=int(self.slack.clock()), content_type=content_type
        )
        request = urllib.request.Request(self.app_url, body.encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=ACK_SECONDS) as answer:
                return Answer(answer.status, answer.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode("utf-8", "replace"), "dispatch_failed")
        except TimeoutError:
            return Answer(0, "", "operation_timeout")
        except (urllib.error.URLError, OSError) as error:
            timed_out = "timed out" in str(error)
            return Answer(0, "", "operation_timeout" if timed_out else "dispatch_failed")

    def _trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.{secrets.token_hex(8)}"
        self.slack.issue_trigger(user, trigger)
        return trigger

    def _team(self, user: str) -> str:
        return self.world.person(user).team

    def _ephemeral(
        self, user: str, channel: str, reply: dict[str, Any], author: str | None
    ) -> None:
        self.slack.add_message(
            channel, reply.get("text"), reply.get("blocks"), author=author, user=user
        )

    def _member(self, user: str, channel: str) -> None:
        known = self.world.channel(channel)
        if known is not None and user not in known.members:
            raise Refused("you aren't in that channel")
        if known is None and channel != f"D{user}":
            raise Refused("you can't see that conversation")

    # -- what people do ----------------------------------------------------------------------
    def say(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> None:
        """A person's own message (the app subscribes to no message events)."""
        self._member(user, channel)
        self.slack.add_message(channel, escape(text), author=user, thread_ts=thread_ts)

    def command(self, user: str, channel: str, typed: str) -> None:
        """A slash command typed by ``user`` in ``channel``."""
        self._member(user, channel)
        name, _, text = typed.strip().partition(" ")
        if name not in self.world.commands or self._team(user) != self.world.vendor:
            # Only the workspace that installed the app has its commands, as in Slack.
            self._ephemeral(user, channel, {"text": NOT_A_COMMAND.format(name)}, SLACKBOT)
            return
        target = ResponseTarget(user=user, channel=channel)
        body = rq.command_body(
            name,
            text.strip(),
            user=user,
            team=self._team(user),
            channel=channel,
            response_url=self.slack.response_url(f"c{next(self._ids)}", target),
            trigger_id=self._trigger(user),
            channel_name=self.world.channel_name(channel) or channel,
        )
        answer = self.send(body)
        if answer.status != 200:
            failed = f'{name} failed with the error "{answer.reason or "dispatch_failed"}"'
            self._ephemeral(user, channel, {"text": failed}, SLACKBOT)
            return
        self._command_reply(user, channel, typed, answer.body)

    def _command_reply(self, user: str, channel: str, typed: str, body: str) -> None:
        if not body.strip():
            return
        try:
            reply = json.loads(body)
        except ValueError:
            reply = {"text": body}
        if not isinstance(reply, dict) or not (reply.get("text") or reply.get("blocks")):
            return
        if reply.get("response_type") == "in_channel":
            self.say(user, channel, typed)
            self.slack.answer("chat.postMessage", {"channel": channel, **reply})
        else:
            self._ephemeral(user, channel, reply, None)

    def act(
        self,
        user: str,
        container: dict[str, Any],
        block_id: str,
        action_id: str,
        raw: Raw,
        state: dict[str, dict[str, Raw]] | None = None,
    ) -> None:
        """A click or a choice on an element of a message, a modal or App Home."""
        team = self._team(user)
        common: dict[str, Any] = {
            "user": user,
            "user_team": team,
            "app_team": self.world.vendor,
            "trigger_id": self._trigger(user),
        }
        if container.get("kind") == "message":
            channel, ts = str(container["channel"]), str(container["ts"])
            ephemeral = bool(container.get("ephemeral"))
            self._member(user, channel)
            message = self._find(user, channel, ts, ephemeral)
            action = block_action(message.blocks, block_id, action_id, raw)
            if action is None:
                raise Refused("that element is no longer there")
            target = ResponseTarget(user, channel, ts, ephemeral)
            body = rq.block_actions_body(
                action,
                **common,
                container={
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": ephemeral,
                },
                channel={"id": channel, "name": self.world.channel_name(channel)},
                message=None if ephemeral else self._as_sent(message),
                response_url=self.slack.response_url(f"a{next(self._ids)}", target),
            )
        else:
            view = self._view(user, container)
            action = block_action(view.get("blocks"), block_id, action_id, raw)
            if action is None:
                raise Refused("that element is no longer there")
            sent = {**view, "state": view_state(view.get("blocks") or [], state or {})}
            sent["team_id"] = team
            body = rq.block_actions_body(
                action,
                **common,
                container={"type": "view", "view_id": view.get("id")},
                view=sent,
            )
        answer = self.send(body)
        if answer.status != 200:
            raise Refused(f"{self.world.app_name} didn't answer ({answer.reason or answer.status})")

    def _find(self, user: str, channel: str, ts: str, ephemeral: bool) -> Message:
        pool = self.slack.ephemerals if ephemeral else self.slack.messages
        for message in pool:
            same = message.channel == channel and message.ts == ts and not message.deleted
            if same and (not ephemeral or message.user == user):
                return message
        raise Refused("that message is gone")

    def _as_sent(self, message: Message) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text or ""}
        if message.blocks:
            found["blocks"] = message.blocks
        if message.author is None:
            found.update({"user": self.slack.bot_user, "bot_id": "BBOT"})
        if message.thread_ts:
            found["thread_ts"] = message.thread_ts
        return found

    def _view(self, user: str, container: dict[str, Any]) -> dict[str, Any]:
        if container.get("kind") == "home":
            home = self.slack.home.get(user)
            if home is None:
                raise Refused("App Home hasn't been published for you")
            return home
        stack = self.slack.modal_stack(user)
        found = [v for v in stack if v.get("id") == container.get("view_id")]
        if not found:
            raise Refused("that modal is closed")
        return found[0]

    def submit(self, user: str, view_id: str, raw: dict[str, dict[str, Raw]]) -> None:
        """The modal's submit button: Slack closes, updates, stacks or marks errors by the
        app's answer."""
        view = self._view(user, {"kind": "modal", "view_id": view_id})
        stack = [v["id"] for v in self.slack.modal_stack(user)]
        self.field_errors.pop(view_id, None)
        self.view_notices.pop(view_id, None)
        view = {**view, "root_view_id": stack[0], "previous_view_id": None}
        if len(stack) > 1:
            view["previous_view_id"] = stack[stack.index(view_id) - 1]
        body = rq.view_payload_body(
            "view_submission",
            view,
            view_state(view.get("blocks") or [], raw),
            user=user,
            user_team=self._team(user),
            app_team=self.world.vendor,
            trigger_id=self._trigger(user),
            response_urls=[],
        )
        answer = self.send(body)
        if answer.status != 200:
            self.view_notices[view_id] = TROUBLE
            self.slack.changed()
            return
        self._submitted(user, view_id, answer.body)

    def _submitted(self, user: str, view_id: str, body: str) -> None:
        try:
            reply = json.loads(body) if body.strip() else {}
        except ValueError:
            reply = {}
        action = reply.get("response_action") if isinstance(reply, dict) else None
        if action == "errors":
            self.field_errors[view_id] = dict(reply.get("errors") or {})
        elif action == "update":
            self.slack.store_view({"view": reply.get("view")}, view_id)
        elif action == "push":
            self.slack.push_view(user, reply.get("view") or {})
        else:
            self.slack.close_views(user, view_id, clear=action == "clear")
        self.slack.changed()

    def close(self, user: str, view_id: str) -> None:
        """The modal's close button."""
        view = self._view(user, {"kind": "modal", "view_id": view_id})
        self.slack.close_views(user, view_id)
        self.slack.changed()
        if view.get("notify_on_close"):
            body = rq.view_payload_body(
                "view_closed",
                view,
                view.get("state") or {"values": {}},
                user=user,
                user_team=self._team(user),
                app_team=self.world.vendor,
                is_cleared=False,
            )
            self.send(body)

    def open_home(self, user: str, tab: str = "home") -> None:
        """The person opened the app's Home (or Messages) tab."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": f"D{user}",
            "tab": tab,
            "event_ts": f"{self.slack.clock():.6f}",
        }
        if tab == "home" and user in self.slack.home:
            event["view"] = self.slack.home[user]
        self.send(rq.event_body(event, team=self.world.vendor), "application/json")

    def set_sharing(self, channel_id: str, shared: bool) -> None:
        """The partner's organization stops sharing a Slack Connect channel, or shares it
        again: the stand-in changes the channel and Slack's event goes to partnerbot."""
        channel = self.world.channel(channel_id)
        if channel is None or (len(channel.teams) < 2 and not shared):
            raise Refused("that channel isn't shared with another organization")
        partner = PARTNER
        others = [t for t in channel.teams if t not in (self.world.vendor, partner)]
        event: dict[str, Any] = {"channel": channel_id, "event_ts": f"{self.slack.clock():.6f}"}
        if shared:
            if partner not in channel.teams:
                channel.teams = [*channel.teams, partner]
            event.update(type="channel_shared", connected_team_id=partner)
        else:
            channel.teams = [t for t in channel.teams if t != partner]
            event.update(
                type="channel_unshared",
                previously_connected_team_id=partner,
                is_ext_shared=bool(others),
            )
        self.send(rq.event_body(event, team=self.world.vendor), "application/json")


def escape(text: str) -> str:
    """What a person types, escaped as Slack stores it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
